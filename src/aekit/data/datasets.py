"""Loading data into arrays: bundled digits, MNIST-style IDX files, and array or table files.

Everything here returns NumPy arrays (or a pandas ``DataFrame`` for tables, so the estimators
keep the column names) and never touches torch, so reading data stays cheap and importable on
its own.

* :func:`load_digits`: scikit-learn's bundled 8x8 digits, no download needed.
* :func:`load_mnist`: a folder of MNIST or Fashion-MNIST IDX files, plain or gzipped.
* :func:`read_idx`: one IDX file as a raw ``uint8`` array.
* :func:`load_array`: ``.npy``, ``.npz``, ``.csv`` (also compressed, ``.csv.gz``), ``.tsv``,
  ``.txt``, ``.dat``, ``.data`` or ``.parquet`` by suffix
  (:func:`aekit.data.file_kinds.data_suffix`).
* :func:`open_dataset`: the same files (and folders of Parquet files or images) opened lazily,
  read a batch at a time (:mod:`aekit.data.lazy`).
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aekit.data.file_kinds import ARRAY_SUFFIXES, TABLE_SUFFIXES, conversion_advice, data_suffix
from aekit.data.lazy import Dataset, csv_to_parquet, open_dataset
from aekit.data.name_lists import some_names
from aekit.data.npy import load_npy, load_npz
from aekit.io.paths import user_path

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Dataset",
    "csv_to_parquet",
    "load_array",
    "load_digits",
    "load_mnist",
    "open_dataset",
    "read_idx",
]

PathLike = str | os.PathLike[str]

# IDX magic numbers: two zero bytes, a type byte (0x08 = unsigned byte), and the number of dims.
_IDX_UBYTE = 0x08
_IDX_LABELS = 0x0801
_IDX_IMAGES = 0x0803
_GZIP_MAGIC = b"\x1f\x8b"

_MNIST_SPLITS = {"train": "train", "test": "t10k"}
_IMAGES_STEM = "images-idx3-ubyte"
_LABELS_STEM = "labels-idx1-ubyte"


def load_digits(as_images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Load scikit-learn's bundled 8x8 handwritten digits (1797 samples, 10 classes).

    Parameters
    ----------
    as_images : bool, default=False
        Return ``X`` shaped ``(n, 1, 8, 8)`` for convolutional models instead of ``(n, 64)``.

    Returns
    -------
    X : ndarray of float32
        Pixel intensities scaled to ``[0, 1]``.
    y : ndarray of int64, shape (n,)
        Digit labels 0-9.
    """
    # Imported here: sklearn.datasets is slow to import and only this loader needs it.
    from sklearn.datasets import load_digits as _sklearn_digits

    X, y = _sklearn_digits(return_X_y=True)
    # The bundled pixels are counts 0-16 (4x4 blocks of a 32x32 bitmap), so 16 is the maximum.
    X = (X / 16.0).astype(np.float32)
    if as_images:
        X = X.reshape(-1, 1, 8, 8)
    return X, y.astype(np.int64)


def read_idx(path: PathLike) -> np.ndarray:
    """Read one IDX file (plain or gzipped) of unsigned bytes.

    Parameters
    ----------
    path : str or path-like
        The file. Gzip compression is recognised by its content, not by the ``.gz`` suffix.

    Returns
    -------
    ndarray of uint8
        The data, shaped as the header says (e.g. ``(n,)`` for labels, ``(n, rows, cols)``
        for images).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not an IDX file of unsigned bytes, or its length does not match its
        header (truncated or with trailing bytes).
    """
    # The internal reader returns a read-only view of the file's bytes; copy so that callers
    # get an ordinary writable array.
    return _read_idx(Path(path)).copy()


def load_mnist(
    path: PathLike, split: str = "train", as_images: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """Load MNIST-style IDX files (MNIST, Fashion-MNIST, KMNIST, ...).

    Parameters
    ----------
    path : str or path-like
        Either a folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each plain or with
        ``.gz``), or one images file. For a file, the labels come from the sibling file with
        ``labels-idx1-ubyte`` in place of ``images-idx3-ubyte`` if there is one.
    split : {"train", "test"}, default="train"
        Which files to read from a folder (``"test"`` reads the ``t10k`` files). Ignored when
        ``path`` is a file.
    as_images : bool, default=False
        Return ``X`` shaped ``(n, 1, rows, cols)`` instead of ``(n, rows * cols)``.

    Returns
    -------
    X : ndarray of float32
        Pixel intensities scaled to ``[0, 1]``.
    y : ndarray of int64, shape (n,), or None
        The labels; ``None`` only when ``path`` is an images file without a labels sibling.

    Raises
    ------
    ValueError
        If ``split`` is not valid, a file is not the IDX file expected (wrong magic number,
        truncated, trailing bytes), or images and labels disagree in number.
    FileNotFoundError
        If the files are missing; the message names the file names looked for.
    """
    if split not in _MNIST_SPLITS:
        raise ValueError(f"split={split!r} is not valid; use one of {sorted(_MNIST_SPLITS)}.")
    path = user_path(path)
    if path.is_dir():
        prefix = _MNIST_SPLITS[split]
        images_path = _find_plain_or_gz(path, f"{prefix}-{_IMAGES_STEM}")
        labels_path: Path | None = _find_plain_or_gz(path, f"{prefix}-{_LABELS_STEM}")
    elif path.is_file():
        images_path = path
        labels_path = _labels_sibling(path)
    else:
        raise FileNotFoundError(f"no such file or folder: {path}")

    images = _read_idx(images_path, expect=_IDX_IMAGES)
    n, rows, cols = images.shape
    # astype makes the one copy needed anyway (the bytes view is read-only); divide in place.
    X = images.astype(np.float32)
    X /= 255.0
    X = X.reshape(n, 1, rows, cols) if as_images else X.reshape(n, rows * cols)

    if labels_path is None:
        return X, None
    labels = _read_idx(labels_path, expect=_IDX_LABELS)
    if labels.shape[0] != n:
        raise ValueError(
            f"{images_path} holds {n} images but {labels_path} holds {labels.shape[0]} labels."
        )
    return X, labels.astype(np.int64)


def load_array(
    path: PathLike,
    label_column: str | None = None,
    *,
    csv: dict | None = None,
    key: str | None = None,
) -> tuple[np.ndarray | pd.DataFrame, np.ndarray | None]:
    """Load a data file by its suffix.

    Parameters
    ----------
    path : str or path-like
        A ``.npy`` file (one array), a ``.npz`` file (``X`` under key ``"X"`` or ``"x"``, or
        its only array other than ``"y"``; labels under ``"y"`` if present), or a ``.csv``,
        ``.tsv`` (tab-separated), ``.txt``, ``.dat`` or ``.data`` (separator sniffed from the
        first lines: a tab, ';', ',' or runs of whitespace, as ``np.savetxt`` writes and the UCI
        archive's ``iris.data`` has) or ``.parquet`` table. A text table may be compressed as
        pandas infers it from the name: ``.csv.gz``, ``.txt.bz2``, ``.csv.xz``, ``.csv.zip``,
        ``.data.gz``.
    label_column : str, optional
        For tables only: the column to take out of ``X`` and return as ``y``.
    csv : dict, optional
        How to read a text table: ``sep`` (``' '`` or ``r'\\s+'``: runs of whitespace; by default
        the file kind's, sniffed for a ``.txt``), ``decimal`` (',' for numbers written 0,5),
        ``thousands`` ('.' for 1.234,5 with ``decimal=','``), ``encoding``, ``header`` (False: the
        file has no header row; its columns are named x0, x1, ...), ``na_values`` (text read as
        missing besides pandas' own markers, e.g. ``['?', '-999']``), ``text_columns`` (read
        as text, each cell as written: an id column's '007'), as
        :func:`aekit.data.table_checks.read_csv` takes them.
    key : str, optional
        For a ``.npz`` file only: the array to read (``"X_train"`` of a file holding
        ``X_train``, ``y_train``, ``X_test``, ``y_test``); its labels are ``y_train`` beside
        ``X_train`` (``y_NAME`` beside ``NAME``, ``y`` beside ``X``) when the file has them.
        The command line reads it as DATA ``d.npz:X_train``.

    Returns
    -------
    X : ndarray or DataFrame
        Arrays for ``.npy``/``.npz``; a ``DataFrame`` for tables, so that estimators keep the
        column names.
    y : ndarray or None
        The labels, or ``None`` when the file carries none.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the suffix is not supported, ``label_column`` is given for an array file or is not
        a column of the table, the file is empty or malformed, or it holds Python objects
        (pickles are never loaded: they can run arbitrary code).
    """
    path = user_path(path)
    suffix = data_suffix(path)  # ".csv" for a compressed table.csv.gz too
    supported = ARRAY_SUFFIXES + TABLE_SUFFIXES
    if suffix not in supported:
        raise ValueError(
            f"cannot load {path}: suffix {suffix or '(none)'!r} is not supported; "
            f"use one of {list(supported)}.{conversion_advice(path)}"
        )
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if key is not None and suffix != ".npz":
        raise ValueError(f"key={key!r} picks an array of a .npz file; {path} is not one.")
    if suffix in ARRAY_SUFFIXES:
        if label_column is not None:
            raise ValueError(
                f"label_column={label_column!r} applies to .csv and .parquet tables only; "
                f"a {suffix} file carries no columns (a .npz file gives labels under key 'y')."
            )
        return (load_npy(path), None) if suffix == ".npy" else load_npz(path, key)

    return split_label_column(_read_table(path, suffix, csv or {}), label_column, path)


def split_label_column(
    table: pd.DataFrame, label_column: str | None, source: object
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """``table`` without ``label_column`` and that column's values (``None`` when not asked);
    ``source`` (a path or spec) names the file in the errors."""
    if label_column is None:
        return table, None
    if label_column not in table.columns:
        raise ValueError(
            f"label_column={label_column!r} is not a column of {source}; "
            f"the columns are {some_names(list(table.columns), [label_column])}."
        )
    y = table.pop(label_column).to_numpy()
    if table.shape[1] == 0:
        raise ValueError(f"{source} has no columns left after taking out {label_column!r}.")
    return table, y


# --- IDX ---------------------------------------------------------------------------------------


def _find_plain_or_gz(folder: Path, name: str) -> Path:
    candidates = [folder / name, folder / f"{name}.gz"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{folder} has neither {candidates[0].name} nor {candidates[1].name}.")


def mnist_labels_file(images_path: PathLike) -> Path | None:
    """The labels file :func:`load_mnist` reads beside an IDX images file (``train-images`` ->
    ``train-labels``, gzipped or not), or None when there is none."""
    return _labels_sibling(Path(images_path))


def _labels_sibling(images_path: Path) -> Path | None:
    name = images_path.name
    if _IMAGES_STEM not in name:
        return None
    # Both spellings are tried: the images may be gzipped while the labels are not, or vice versa.
    stem = name.replace(_IMAGES_STEM, _LABELS_STEM).removesuffix(".gz")
    for candidate in (images_path.with_name(stem), images_path.with_name(f"{stem}.gz")):
        if candidate.is_file():
            return candidate
    return None


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] != _GZIP_MAGIC:
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as exc:
        # A cut-off download ends mid-stream: EOFError; a damaged one: BadGzipFile/zlib.error.
        raise ValueError(f"{path} is not a readable gzip file: {exc}") from None


def _describe_magic(magic: int) -> str:
    return f"0x{magic:08X}"


def _read_idx(path: Path, expect: int | None = None) -> np.ndarray:
    """Parse an IDX file into a read-only ``uint8`` view; ``expect`` is a required magic."""
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(
            f"{path} is not an IDX file: it has {len(data)} bytes, fewer than the 4-byte "
            "magic number."
        )
    (magic,) = struct.unpack(">I", data[:4])
    type_code, ndim = data[2], data[3]
    if data[:2] != b"\x00\x00" or type_code != _IDX_UBYTE or ndim == 0:
        raise ValueError(
            f"{path} is not an IDX file of unsigned bytes: magic number {_describe_magic(magic)}"
            f" (expected 0x000008NN with NN the number of dimensions, e.g. "
            f"{_describe_magic(_IDX_LABELS)} for labels or {_describe_magic(_IDX_IMAGES)} for "
            "images)."
        )
    if expect is not None and magic != expect:
        what = "labels" if expect == _IDX_LABELS else "images"
        raise ValueError(
            f"{path} holds a {ndim}-D IDX array (magic {_describe_magic(magic)}), but {what} "
            f"need magic {_describe_magic(expect)} ({expect & 0xFF}-D)."
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(
            f"{path} is truncated: its header declares {ndim} dimensions, which need "
            f"{header_size} header bytes, but the file has {len(data)}."
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    # math.prod on Python ints cannot overflow, unlike a NumPy product of a bogus header.
    expected = math.prod(shape)
    payload = len(data) - header_size
    if payload < expected:
        raise ValueError(
            f"{path} is truncated: its header promises shape {shape} ({expected} bytes of "
            f"data) but only {payload} bytes follow the header."
        )
    if payload > expected:
        raise ValueError(
            f"{path} has {payload - expected} unexpected trailing bytes: its header promises "
            f"shape {shape} ({expected} bytes of data) but {payload} bytes follow the header."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape)


# --- tables (.npy and .npz: aekit.data.npy) ------------------------------------------------


def _read_table(path: Path, suffix: str, csv: dict) -> pd.DataFrame:
    # Imported here so that loading arrays or IDX files does not pay for importing pandas.
    import pandas as pd

    if suffix == ".parquet":
        import pyarrow.parquet as pq

        from aekit.data.parquet import refuse_repeated_names
        from aekit.data.parquet_schema import warn_of_a_stored_index

        try:
            schema = pq.read_schema(path)
        except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise ValueError(f"cannot read {path} as Parquet: {exc}") from None
        refuse_repeated_names(path, schema.names)
        warn_of_a_stored_index(path, schema)
        try:
            return pd.read_parquet(path)
        except (ValueError, OSError) as exc:
            from aekit.data.parquet_schema import unreadable_file_message

            raise ValueError(unreadable_file_message(path, exc)) from None
    from aekit.data.table_checks import read_csv

    return read_csv(path, **csv)  # its messages name the file (empty, ragged rows)
