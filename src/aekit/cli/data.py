"""What the commands read (DATA) and write (-o files), the same way for every command.

DATA is a ``.csv``, ``.tsv`` or ``.parquet`` table (``--label-column`` names the labels; a text
table may be compressed, ``table.csv.gz``: :mod:`aekit.data.file_kinds`) or a folder of
Parquet files, a ``.npy`` or ``.npz`` array, an MNIST-style IDX images file, a folder of
PNG/JPEG images (labels from sub-folder names), or ``digits`` (scikit-learn's bundled 8x8
digits). Large ``.npy`` and Parquet DATA are read a batch at a time (:func:`open_data`). The
-o files are written by :mod:`aekit.cli.file_writers` (its functions importable here too).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from aekit.cli.data_kinds import is_image_folder, on_disk
from aekit.cli.file_writers import write_frame, write_images, write_table  # noqa: F401
from aekit.cli.image_shape_checks import check_image_layout, shape_mismatch
from aekit.cli.label_text import labels_from_text, read_blank_labels
from aekit.cli.outputs import is_run_folder
from aekit.cli.running_command import or_digits
from aekit.data import datasets, file_kinds
from aekit.data.file_kinds import (
    ARRAY_SUFFIXES,
    TABLE_SUFFIXES,
    aekit_file_advice,
    conversion_advice,
    data_suffix,
)
from aekit.data.images import IMAGE_SUFFIXES
from aekit.data.npy import npz_member


@dataclass
class DataOptions:
    """The data options every command that reads DATA takes."""

    label_column: str | None = None
    image_shape: str | None = None  # "C,H,W": rows of a table or array are images
    image_size: str | None = None  # "H,W": resize the images of a folder
    grayscale: bool = False  # read the images of a folder as one channel
    # -1 is a label of the RUN that reads DATA (aekit detect recorded it): a blank stays blank
    minus_one_is_a_label: bool = False
    # --labels FILE: an array's labels (:mod:`aekit.cli.label_options` checked it applies)
    labels_file: Path | None = None
    shape_recorded: bool = False  # image_shape is the RUN's, not typed: said so in errors
    # "C,H,W" of the images a detector RUN was trained on (as rows of pixels), read from it
    fitted_images: str | None = None

    def shape_option(self) -> str:
        """``--image-shape C,H,W`` as an error names it: typed, or recorded by the RUN."""
        recorded = " (recorded by the run, which was trained on it)" if self.shape_recorded else ""
        return f"--image-shape {self.image_shape}{recorded}"

    def typed(self) -> dict[str, Any]:
        """The options as the command line takes them (``--label-column`` ... ``--grayscale``,
        ``--labels`` as text), for a recorded command: ``minus_one_is_a_label`` is read from a
        RUN, never typed."""
        values = {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if field.name not in ("minus_one_is_a_label", "fitted_images")
        }
        if values["labels_file"] is not None:  # as config.toml and command.txt write it
            values["labels_file"] = str(values["labels_file"])
        return values


def parse_ints(text: str, n: int, option: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.replace("x", ",").split(","))
    except ValueError:
        values = ()
    if len(values) != n or min(values) < 1:
        raise ValueError(f"{option} takes {n} positive integers separated by commas, got {text!r}.")
    return values


def open_data(
    spec: str, options: DataOptions, min_bytes: int = 0, text: bool = False
) -> tuple[Any, Any]:
    """:func:`_open_data`, images checked against those a detector RUN was trained on."""
    from aekit.cli.fitted_images import check_fitted_images

    X, y = _open_data(spec, options, min_bytes, text)
    check_fitted_images(X, options.fitted_images)
    return X, y


def _open_data(
    spec: str, options: DataOptions, min_bytes: int = 0, text: bool = False
) -> tuple[Any, Any]:
    """DATA as a lazy :class:`aekit.data.lazy.Dataset` (and its labels) where it can be read a
    batch at a time and holds at least ``min_bytes`` of float32 rows; else :func:`load_data`.
    A CSV too large to read into memory is read through a Parquet copy (:mod:`.large_csv`).

    A table with text columns is read whole unless ``text``: a command that fits on DATA
    one-hot encodes it from all of its rows, whereas one that applies a trained run (its
    encoder, or a detector's) encodes each chunk as :meth:`aekit.data.lazy.Dataset.frame`
    decodes it, a chunk at a time."""
    from aekit.cli import category_columns, columns, large_csv, whole_reads
    from aekit.data.lazy import Dataset, open_dataset

    # a CSV too large for memory: its copy
    source = large_csv.parquet_copy(spec, options.label_column) or spec
    if not on_disk(source) or whole_reads.read_whole(source, options.label_column, not text):
        return load_data(spec, options)
    if Path(source).suffix.lower() == ".npy":
        columns.no_columns(spec)  # a recorded id or ignored column does not apply to an array
        category_columns.no_columns(spec)
        features = None
    else:
        features = columns.disk_features(spec, options.label_column, source)
    dataset = open_dataset(source, label_column=options.label_column, columns=features)
    dataset.reader.shown_as = "X" if source != spec else None  # a CSV's copy: said as in memory
    _check_rows(spec, len(dataset))
    if len(dataset) * dataset.reader.n_features * 4 < min_bytes:
        return load_data(spec, options)
    if options.image_shape:
        shape = parse_ints(options.image_shape, 3, "--image-shape")
        check_image_layout(options, shape, dataset.shape)
        if int(np.prod(shape)) != dataset.reader.n_features:
            named = getattr(dataset.reader, "named_columns", False)  # an array's are x0, x1..
            columns = dataset.reader.columns if named else None
            raise ValueError(shape_mismatch(options, shape, dataset.shape, columns))
        dataset.reader.row_shape = shape
    y = _labels(spec, options, dataset.labels, len(dataset))
    return Dataset(dataset.reader, options.label_column, y), y


DIGITS_SHAPE = (1, 8, 8)  # the images of 'digits' (datasets.load_digits(as_images=True))


def check_image_shape(spec: str, image_shape: str | None) -> None:
    """--image-shape, whatever DATA is, is C,H,W; for 'digits', which are images of their own
    shape, it is that shape (another was ignored, unsaid: 'digits --image-shape banana' ran)."""
    if not image_shape:
        return
    shape = parse_ints(image_shape, 3, "--image-shape")
    if spec == "digits" and shape != DIGITS_SHAPE:
        own = ",".join(map(str, DIGITS_SHAPE))
        raise ValueError(
            f"--image-shape {image_shape}: DATA digits is images of shape {own} (scikit-learn's "
            "bundled 8x8 digits); leave --image-shape out."
        )


def check_options_apply(spec: str, options: DataOptions) -> None:
    """A command that fits on DATA and records its options refuses those that do not apply
    to it: --image-size and --grayscale on anything but an image folder, --label-column on an
    image folder, an --image-shape other than the digits' own on 'digits'. They were ignored,
    yet recorded, and the recorded size then refused the right one for every later command."""
    check_image_shape(spec, options.image_shape)
    if not is_image_folder(spec):
        given = [flag for flag, value in _folder_options(options) if value]
        if given:
            what = "the digits" if spec == "digits" else "a table or array"
            raise ValueError(
                f"{' and '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to a folder of "
                f"images; DATA {spec} is {what}: leave {' and '.join(given)} out."
            )
    elif options.label_column is not None:
        raise ValueError(
            f"--label-column {options.label_column}: DATA {spec} is an image folder, whose "
            "labels are its sub-folders' names; leave --label-column out."
        )


def _folder_options(options: DataOptions) -> tuple[tuple[str, object], ...]:
    """The options that read an image folder alone, with their values."""
    return (("--image-size", options.image_size), ("--grayscale", options.grayscale))


def data_path(spec: str) -> tuple[Path, str | None]:
    """DATA's file or folder, and the array it names in an .npz (``d.npz:X_train``, one array
    of an archive of several; else None); ``FileNotFoundError`` if there is none. Commands ask
    it first, before they import torch (seconds) for a DATA mistyped."""
    path, key = Path(spec), None
    if not path.exists():
        named, key = npz_member(spec)
        path = Path(named)
    if not path.exists():
        raise FileNotFoundError(f"DATA {spec!r}: no such file or folder{or_digits()}.")
    return path, key


def load_data(spec: str, options: DataOptions) -> tuple[Any, np.ndarray | None]:
    """Read DATA into ``(X, y)``; y is None when the data carry no labels. A table's id and
    ignored columns (:mod:`aekit.cli.columns`) are left out of X."""
    from aekit.cli import category_columns, columns, csv_options

    csv_options.check_they_apply(spec)
    if spec == "digits":
        if options.label_column is not None:  # its labels are the digits, no column of a table
            raise ValueError(
                f"a label column ({options.label_column!r}: --label-column, or --config's) "
                "applies to tables; 'digits' carries its labels (the digit): leave it out."
            )
        check_image_shape(spec, options.image_shape)  # its images have their own shape
        X, y = datasets.load_digits(as_images=True)
        category_columns.no_columns(spec)
        return columns.features(spec, X), y  # refuses the column options: no columns
    path, key = data_path(spec)
    if path.is_dir() and is_run_folder(path):
        raise ValueError(  # its figures were read as an image folder of another size each
            f"DATA {spec} is an aekit RUN folder, not data: give the rows to read (the DATA "
            f"the run was made on is named in {path / 'command.txt'})."
        )
    if path.is_dir() and on_disk(spec):  # a folder of Parquet files, read whole here
        import pandas as pd

        from aekit.data.lazy import open_dataset
        from aekit.data.parquet_schema import warn_of_a_stored_index

        # opened for its checks (the files' columns agree, the label column is there) and its
        # files' order; read as one Parquet file is (float64 stays float64: the reader's rows
        # are float32, and a detector fitted on them differed from the same rows in one file)
        files = open_dataset(path, label_column=options.label_column).reader.files
        warn_of_a_stored_index(files[0])
        table = pd.concat([pd.read_parquet(file) for file in files], ignore_index=True)
        _check_rows(spec, len(table))
        y = None if options.label_column is None else table.pop(options.label_column).to_numpy()
        X = columns.features(spec, table, options.label_column)
    elif path.is_dir():
        X, y = load_image_folder(path, options)
        X = columns.features(spec, X)  # refuses the column options: no columns
    elif data_suffix(path) in TABLE_SUFFIXES + ARRAY_SUFFIXES:  # table.csv.gz too
        from aekit.cli import large_csv

        # a CSV too large for memory: its copy, not the text
        copy = large_csv.parquet_copy(spec, options.label_column)
        if copy is not None:
            X, y = large_csv.read_whole(spec, copy, options.label_column)
        else:
            csv = {
                **csv_options.current.kwargs(),
                "text_columns": columns.text_columns(options.label_column),
            }
            X, y = datasets.load_array(path, label_column=options.label_column, csv=csv, key=key)
        X = columns.features(spec, X, options.label_column)  # arrays have no columns
    elif path.suffix.lower() in IMAGE_SUFFIXES:
        raise ValueError(
            f"DATA {spec!r} is one image; DATA reads a folder of images: give its folder, "
            f"{str(path.parent)!r}."
        )
    elif looks_like_idx(path):
        X, y = datasets.load_mnist(path, as_images=True)
        if y is not None:  # taken from the file beside DATA: said, as no option asked for it
            import typer

            labels = datasets.mnist_labels_file(path)
            typer.echo(f"labels: {len(y)} from {labels}, beside DATA", err=True)
        X = columns.features(spec, X)
    else:
        raise ValueError(
            f"DATA {spec!r}: not a table (.csv, .tsv, .txt, .dat, .data, .parquet; .csv.gz and "
            "other compressed text tables too), an array (.npy, .npz), an IDX file or an image "
            f"folder.{aekit_file_advice(path) or conversion_advice(path)}"
        )
    _check_rows(spec, len(X))
    X = category_columns.as_categories(spec, X, options.label_column)
    y = _labels(spec, options, y, len(X))
    if options.image_shape:
        shape = parse_ints(options.image_shape, 3, "--image-shape")
        if hasattr(X, "columns"):  # "could not convert string to float: 'x'" named nothing
            from aekit.data.non_numeric import non_numeric_columns

            if text := non_numeric_columns(X):
                named = ", ".join(map(repr, text))
                which = f"columns {named} hold" if len(text) > 1 else f"column {named} holds"
                label = text[0] if len(text) == 1 else "NAME"
                raise ValueError(
                    f"{options.shape_option()} reads DATA's columns as pixels, and its "
                    f"{which} text: leave {'them' if len(text) > 1 else 'it'} out with "
                    "--ignore-column (or --id-column, for an identifier), or name the label "
                    f"column with --label-column {label}."
                )
        values = np.asarray(X)
        if values.dtype != np.uint8:  # pixels 0..255 stay uint8, which the model warns of
            values = values.astype(np.float32)
        if values.shape[1:] == shape:  # images already (a 4-D array, an image folder)
            return values, y
        check_image_layout(options, shape, values.shape)
        one_channel = values.ndim == 3 and shape[0] == 1 and values.shape[1:] == shape[1:]
        if not (values.ndim == 2 and values.shape[1] == int(np.prod(shape))) and not one_channel:
            columns = list(getattr(X, "columns", [])) or None  # a DataFrame's
            raise ValueError(shape_mismatch(options, shape, values.shape, columns))
        X = values.reshape(len(values), *shape)
    return X, y


def _labels(spec: str, options: DataOptions, y: np.ndarray | None, rows: int):
    """DATA's labels ``y``, or those of ``--labels FILE`` (:mod:`aekit.cli.labels_file`, which
    DATA with labels of its own refuses), blank cells unlabelled."""
    if options.labels_file is not None:
        from aekit.cli.labels_file import read_labels

        beside = idx_labels_file(spec)
        own = None if y is None else f"from {beside}, beside it" if beside else "the .npz's y"
        y = read_labels(options.labels_file, spec, rows, own)
    elif y is not None and data_suffix(Path(spec)) in file_kinds.TEXT_TABLES:  # as text
        from aekit.cli import csv_options

        marks = csv_options.current
        y = labels_from_text(y, decimal=marks.decimal, thousands=marks.thousands)
    return read_blank_labels(y, options.minus_one_is_a_label)


def idx_labels_file(spec: str) -> Path | None:
    """The labels file beside an IDX images file DATA (:func:`load_data` reads them); else None."""
    path = Path(spec)
    if not path.is_file() or data_suffix(path) in TABLE_SUFFIXES + ARRAY_SUFFIXES:
        return None
    return datasets.mnist_labels_file(path) if looks_like_idx(path) else None


def _check_rows(spec: str, n_rows: int) -> None:
    """DATA with no rows (a Parquet table with its schema alone) gives no command anything to
    do: said here, as the readers of a .npy or CSV say it, not by a step further on."""
    if n_rows == 0:
        raise ValueError(f"DATA {spec} has no rows; give a table or array with at least one.")


HUGE = 1e15  # a cell this large is far more likely a typo or a sentinel than a measurement


def check_training_data(X: Any) -> None:
    """What no estimator refuses but a training command should say: too few rows to learn
    from, and cells so large that they must be mistakes."""
    if len(X) < 2:
        rows = "no rows" if len(X) == 0 else "1 row"
        raise ValueError(f"DATA has {rows}; training needs at least 2.")
    from aekit.data.lazy import Dataset

    if isinstance(X, Dataset):  # on disk: fit's streaming pass checks every value
        return
    try:
        values = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return  # a mixed table: its numeric columns are checked by the estimator
    largest = float(np.nanmax(np.abs(values))) if values.size else 0.0
    if HUGE <= largest < np.inf:  # an infinity is refused by the estimator, naming its cell
        warnings.warn(
            f"DATA has values as large as {largest:.3g}; check for typos or sentinel values.",
            stacklevel=2,
        )


def looks_like_idx(path: Path) -> bool:
    """An IDX file starts with two zero bytes, plain or gzipped (MNIST's files come gzipped):
    a gzipped file is looked into, so that other gzipped data get the message of an unknown
    file, not that of a damaged IDX file."""
    import gzip
    import zlib

    with open(path, "rb") as handle:
        start = handle.read(2)
    if start != b"\x1f\x8b":
        return start == b"\x00\x00"
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read(2) == b"\x00\x00"
    except (EOFError, OSError, zlib.error):
        return True  # a damaged gzip: datasets.read_idx says what is wrong with it


def load_image_folder(folder: Path, options: DataOptions) -> tuple[np.ndarray, np.ndarray | None]:
    """Every PNG/JPEG under ``folder`` as ``(n, C, H, W)`` in [0, 1]; labels from sub-folders."""
    from aekit.data.images import checked_size, folder_labels, image_files, read_image

    size = parse_ints(options.image_size, 2, "--image-size") if options.image_size else None
    size = checked_size(size)  # a size too large to decode, refused before any image is
    files = image_files(folder)
    y = folder_labels(folder, files)  # a mixed layout refused before decoding
    images = [read_image(file, size, options.grayscale) for file in files]
    channels = {len(a) for a in images}
    if len(channels) > 1:  # before the sizes: a grey and a colour image differ in shape too
        raise ValueError(f"{folder} mixes grey and colour images; pass --grayscale.")
    shapes = {a.shape for a in images}
    if len(shapes) > 1:
        raise ValueError(
            f"the images in {folder} have different sizes {sorted(shapes)[:3]}; pass "
            "--image-size H,W to resize them."
        )
    return np.stack(images), y
