"""``--labels FILE``: the labels of an array DATA, one a row, from a file of their own.

An array (``.npy``, ``.npz``) has no columns, so no ``--label-column``; its labels come from a
``.npy`` (one dimension, or one column), a one-column ``.csv`` (its first line the column's
name, as DATA tables have one) or a ``.txt`` (one label a line, no header). A blank line or
cell is an unlabelled row, as a blank cell of a label column is (:mod:`aekit.cli.data`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aekit.data.file_kinds import ARRAY_SUFFIXES, data_suffix

LABEL_SUFFIXES = (".npy", ".csv", ".txt")
WHAT = "a .npy, a one-column .csv under a header line, or a .txt of one label a line"


def check_applies(spec: str, labels: Path | None, label_column: str | None) -> None:
    """``--labels`` is for an array DATA alone (a table names its label column, an image
    folder's labels are its sub-folders), and an array has no ``--label-column``: each
    refused naming the option that fits."""
    array = Path(spec).is_file() and data_suffix(Path(spec)) in ARRAY_SUFFIXES
    if array and label_column is not None:
        raise ValueError(
            f"--label-column {label_column}: DATA {spec} is an array, which has no columns; "
            f"give its labels with --labels FILE ({WHAT})."
        )
    if labels is not None and not array:
        raise ValueError(
            f"--labels {labels} gives the labels of an array DATA (.npy, .npz); DATA {spec} "
            "carries its own: a table's with --label-column, an image folder's as its "
            "sub-folders."
        )


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
