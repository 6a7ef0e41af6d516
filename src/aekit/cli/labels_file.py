"""``--labels FILE``: the labels of an array DATA, one a row, from a file of their own.

An array (``.npy``, ``.npz``; an IDX images file too) has no columns, so no ``--label-column``;
its labels come from a ``.npy`` (one dimension, or one column), a one-column ``.csv`` (its
first line the column's name, as DATA tables have one) or a ``.txt`` (one label a line, no
header). A blank line or cell is an unlabelled row, as a blank cell of a label column is
(:mod:`aekit.cli.data`). DATA that carries labels of its own (a table's column, an ``.npz``'s
``y``, the labels file beside an IDX file, an image folder's sub-folders) refuses ``--labels``:
two sources of one row's label, one silently dropped, is a mistake the user would not see.

Every command whose DATA's labels mean something takes ``--labels`` (:data:`LabelsFile`):
``train``, ``detect``, ``detect-series``, ``finetune``, ``encode``, ``reconstruct``,
``score``, ``interpolate``, ``predict`` and ``evaluate``. Each calls :func:`check_applies`
before any work and passes the file in :class:`aekit.cli.data.DataOptions` (``labels_file``),
whose readers put its labels in place of DATA's (:func:`labels_of`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from aekit.data.file_kinds import ARRAY_SUFFIXES, data_suffix

LABEL_SUFFIXES = (".npy", ".csv", ".txt")
WHAT = "a .npy, a one-column .csv under a header line, or a .txt of one label a line"

LabelsFile = Annotated[
    Path | None,
    typer.Option(
        "--labels",
        metavar="FILE",
        help="The labels of an array DATA (.npy, .npz without y, an IDX file without a labels "
        "file beside it: no columns, so no --label-column), one a row: a .npy, a one-column "
        ".csv (header line first) or a .txt (one a line). DATA that carries labels (a table's "
        "column, an .npz's y, an image folder's sub-folders) refuses it.",
    ),
]


def is_array(spec: str) -> bool:
    """Whether DATA is an array, whose rows have no columns to name a label by: a ``.npy``,
    a ``.npz`` (``d.npz:X_train`` too) or an IDX images file."""
    from aekit.cli.data import looks_like_idx
    from aekit.data.file_kinds import TABLE_SUFFIXES
    from aekit.data.npy import npz_member

    path = Path(spec) if Path(spec).exists() else Path(npz_member(spec)[0])
    if not path.is_file():
        return False
    suffix = data_suffix(path)
    if suffix in ARRAY_SUFFIXES:
        return True
    # an IDX file with its labels file beside it carries labels: refused once read (labels_of)
    return suffix not in TABLE_SUFFIXES and looks_like_idx(path)


def advice(spec: str) -> str:
    """Where the labels of DATA ``spec`` come from, for a message saying it has none."""
    from aekit.cli.data import is_image_folder

    if is_image_folder(spec):
        return "put each class's images in a sub-folder named after it"
    if is_array(spec):
        return "give them with --labels FILE, one a row, or as an .npz holding X and y"
    return "name their column with --label-column"


def check_applies(spec: str, labels: Path | None, label_column: str | None) -> None:
    """``--labels`` is for an array DATA alone (a table names its label column, an image
    folder's labels are its sub-folders), and an array has no ``--label-column``: each
    refused naming the option that fits."""
    array = is_array(spec)
    if array and label_column is not None:
        raise ValueError(
            f"--label-column {label_column}: DATA {spec} is an array, which has no columns; "
            f"give its labels with --labels FILE ({WHAT})."
        )
    if labels is not None and not array:
        from aekit.cli.data import is_image_folder

        if spec == "digits":
            own = "carries its own (the digit): leave --labels out"
        elif is_image_folder(spec):
            own = "is an image folder, whose labels are its sub-folders' names: leave --labels out"
        else:
            own = "is a table: name its label column with --label-column"
        raise ValueError(
            f"--labels {labels} gives the labels of an array DATA (.npy, .npz); DATA {spec} {own}."
        )


def labels_of(spec: str, labels: Path, y, rows: int, minus_one_is_a_label: bool = False):
    """The labels in ``labels`` (--labels FILE) for DATA ``spec`` of ``rows`` rows, whose own
    labels ``y`` must be None: an .npz with y, an IDX file with a labels file beside it,
    refuse --labels."""
    if y is not None:
        from aekit.cli.data import idx_labels_file

        beside = idx_labels_file(spec)
        own = f"from {beside}, beside it" if beside is not None else "its y"
        raise ValueError(
            f"--labels {labels}: DATA {spec} carries its own labels ({own}); leave --labels "
            "out, or give DATA without labels (an .npz of X alone)."
        )
    return read_labels(labels, spec, rows, minus_one_is_a_label)


def read_labels(path: Path, spec: str, rows: int, minus_one_is_a_label: bool = False) -> np.ndarray:
    """The labels in ``path``, one for each of the ``rows`` rows of DATA ``spec``; another
    count, or a file of more than one column, is refused naming both."""
    from aekit.cli.data import read_blank_labels

    if not path.is_file():
        raise FileNotFoundError(f"--labels {path}: no such file.")
    suffix = path.suffix.lower()
    if suffix not in LABEL_SUFFIXES:
        raise ValueError(f"--labels {path}: give {WHAT}.")
    try:
        values, columns = _read(path, suffix)
    except (ValueError, OSError) as err:  # not a .npy, not UTF-8, an empty CSV
        raise ValueError(f"cannot read --labels {path}: {err}") from None
    if columns != 1:
        raise ValueError(f"--labels {path} holds {columns} columns; give one label a row.")
    if len(values) != rows:
        header = suffix == ".csv" and len(values) == rows - 1  # no header line: one short
        raise ValueError(
            f"--labels {path} holds {len(values)} labels; DATA {spec} has {rows} rows: give "
            "one label a row"
            + (" (a .csv's first line names its column; a .txt has none)." if header else ".")
        )
    return read_blank_labels(values, minus_one_is_a_label)


def _read(path: Path, suffix: str) -> tuple[np.ndarray, int]:
    """The first column of the file and how many columns it has."""
    if suffix == ".npy":
        values = np.atleast_1d(np.load(path, allow_pickle=False))
        values = values[:, 0] if values.ndim == 2 and values.shape[1] == 1 else values
        return values, 1 if values.ndim == 1 else int(np.prod(values.shape[1:]))
    if suffix == ".csv":
        import pandas as pd

        frame = pd.read_csv(path, skip_blank_lines=False)  # a blank line: an unlabelled row
        return frame.iloc[:, 0].to_numpy(), frame.shape[1]
    # a .txt: each line one label, whatever it holds (a comma too)
    return _text_labels(path.read_text(encoding="utf-8").splitlines()), 1


def _text_labels(lines: list[str]) -> np.ndarray:
    """The labels of a .txt's lines: numbers where every label is one (integers where every
    one is whole, as pandas reads a column), else text; a blank line is a blank label."""
    import pandas as pd

    text = pd.Series([line.strip() or None for line in lines], dtype=object)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().sum() < text.notna().sum():  # some label is no number
        return text.to_numpy()
    if numbers.notna().all() and (numbers == numbers.round()).all():
        return numbers.to_numpy(dtype=np.int64)
    return numbers.to_numpy(dtype=np.float64)
