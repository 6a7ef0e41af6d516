"""``--labels FILE``: reading the labels of an array DATA, one a row, from a file of their own.

An array (``.npy``, ``.npz``; an IDX images file too) has no columns, so no ``--label-column``;
its labels come from a ``.npy`` (one dimension, or one column), a one-column ``.csv`` (its
first line the column's name, as DATA tables have one) or a ``.txt`` (one label a line, no
header). A blank line or cell is an unlabelled row, as a blank cell of a label column is:
:func:`aekit.cli.data.load_data` reads the file (:func:`read_labels`) where DATA's own labels
would be. The option, and which DATA takes it, is :mod:`aekit.cli.label_options`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aekit.cli.label_text import labels_from_text

LABEL_SUFFIXES = (".npy", ".csv", ".txt")
WHAT = "a .npy, a one-column .csv under a header line, or a .txt of one label a line"


def read_labels(path: Path, spec: str, rows: int, own: str | None = None) -> np.ndarray:
    """The labels in ``path``, one for each of the ``rows`` rows of DATA ``spec`` (blank ones
    as read: the caller marks them unlabelled); another count, or a file of more than one
    column, is refused naming both. DATA with labels of its own (``own``: "the .npz's y";
    or the labels file beside an IDX file) refuses the file: one of the two would be dropped
    unsaid."""
    if own is not None:
        raise ValueError(
            f"--labels {path}: DATA {spec} carries its own labels ({own}); leave --labels "
            "out, or give DATA without labels (an .npz of X alone)."
        )
    if path.is_dir():
        raise ValueError(f"--labels {path} is a folder; give {WHAT}.")
    if not path.is_file():
        raise FileNotFoundError(f"--labels {path}: no such file.")
    suffix = path.suffix.lower()
    if suffix not in LABEL_SUFFIXES:
        raise ValueError(f"--labels {path}: give {WHAT}.")
    try:
        values, columns = _read(path, suffix)
    except (ValueError, OSError) as err:  # not a .npy, not UTF-8, an empty CSV
        fix = ""
        if "allow_pickle=False" in str(err):  # np.save of an object array: pickled, unsafe
            fix = (
                " (an array of Python objects, which is never unpickled; save the labels as "
                "text, np.save(path, y.astype(str)), or one a line in a .txt)"
            )
        raise ValueError(f"cannot read --labels {path}: {err}{fix}") from None
    if columns != 1:
        raise ValueError(f"--labels {path} holds {columns} columns; give one label a row.")
    if len(values) > rows and suffix == ".txt" and _blank(values[rows:]).all():
        values = values[:rows]  # blank lines after the last label: an editor's, not labels
    if len(values) != rows:
        header = suffix == ".csv" and len(values) == rows - 1  # no header line: one short
        raise ValueError(
            f"--labels {path} holds {len(values)} labels; DATA {spec} has {rows} rows: give "
            "one label a row"
            + (" (a .csv's first line names its column; a .txt has none)." if header else ".")
        )
    return values


def _read(path: Path, suffix: str) -> tuple[np.ndarray, int]:
    """The first column of the file and how many columns it has."""
    if suffix == ".npy":
        values = np.atleast_1d(np.load(path, allow_pickle=False))
        values = values[:, 0] if values.ndim == 2 and values.shape[1] == 1 else values
        return values, 1 if values.ndim == 1 else int(np.prod(values.shape[1:]))
    if suffix == ".csv":
        import pandas as pd

        # a blank line: an unlabelled row; text typed as a DATA's label column is
        frame = pd.read_csv(path, skip_blank_lines=False, dtype=str)
        return labels_from_text(frame.iloc[:, 0], str(path)), frame.shape[1]
    # a .txt: each line one label, whatever it holds (a comma too)
    lines = path.read_text(encoding="utf-8").splitlines()
    labels = labels_from_text([line.strip() for line in lines], str(path))
    if labels.dtype.kind == "f" and np.isfinite(labels).all() and (labels % 1 == 0).all():
        return labels.astype(np.int64), 1  # lines 0.0 and 1.0: the classes 0 and 1, as ever
    return labels, 1


def _blank(values: np.ndarray) -> np.ndarray:
    """Which of a .txt's labels are blank lines: None among text, NaN among numbers."""
    import pandas as pd

    return np.asarray(pd.isna(values), dtype=bool)
