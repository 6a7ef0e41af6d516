"""Labels read from text, a CSV's label column or a labels file: typed as numbers (integers
exact, as text where a float64 would round them) or True/False where every label is one,
unless one is written with a leading zero, a code's spelling (``007``, ``01``); else the text as
written. Read as numbers, ``007``, ``07`` and ``7`` were one class (and a ``--normal-label
007`` took all three), where a Parquet table of the same text kept three; so a CSV's label
column is read as text (:func:`aekit.cli.columns.text_columns`) and typed here."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

import numpy as np

# the spellings pandas' CSV parser reads as booleans (its true_values and false_values)
_BOOLEANS = dict.fromkeys(("True", "TRUE", "true"), True) | dict.fromkeys(
    ("False", "FALSE", "false"), False
)
_LEADING_ZERO = re.compile(r"[+-]?0\d")  # 007, 01, -05; not 0, 0.5
# an integer's spelling: one float64 cannot hold past 2**53 (20 digits, or beside a blank)
_INTEGER = re.compile(r"[+-]?\d+")


def labels_from_text(
    values: Iterable[object], source: str = "DATA", decimal: str = ".", thousands: str | None = None
) -> np.ndarray:
    """``values`` (text, with None or NaN for a blank cell) typed: integers as pandas reads
    them (floats with NaN where some are blank), floats, or booleans; the text as written where
    some label is neither, is written with a leading zero (``007`` beside ``7``: two classes),
    or is an integer a float64 would round (past 2**53, where pandas reads floats). A blank (or
    all-space) cell is None among text, NaN among numbers. ``source``: where the labels are,
    named in a warning of labels apart only by spaces or case. ``decimal`` and ``thousands``:
    the CSV's number marks (``0,5`` a number under ``decimal=","``). Typed once per distinct
    label (a million rows of ten labels: ten)."""
    import pandas as pd

    codes, distinct = pd.factorize(pd.Series(list(values), dtype=object))  # blank: code -1
    written = pd.Series([str(v) for v in distinct], dtype=object)
    spelt = written.str.strip()
    codes[np.isin(codes, np.flatnonzero(spelt == ""))] = -1  # all spaces: blank
    blank, used = codes < 0, spelt != ""
    if not used.any():  # no label at all
        return np.full(len(codes), None, dtype=object)
    plain = spelt.where(used, "0")  # "0": a blank's place
    if thousands:
        plain = plain.str.replace(thousands, "", regex=False)
    if decimal != ".":
        plain = plain.str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(plain, errors="coerce")
    if numbers.notna().all() and not spelt[used].str.match(_LEADING_ZERO).any():
        typed = numbers.to_numpy()[codes]  # int64 (uint64) exact, as pandas reads them
        if not blank.any() and typed.dtype.kind in "iu":
            return typed
        inexact = spelt[used].str.fullmatch(_INTEGER) & (numbers[used].abs() > 2**53)
        if not inexact.any():  # floats, or integers that float64 holds exactly
            return np.where(blank, np.nan, typed.astype(np.float64))
    if spelt[used].isin(list(_BOOLEANS)).all():
        truths = spelt.map(_BOOLEANS).to_numpy()[codes]
        return truths.astype(bool) if not blank.any() else np.where(blank, None, truths)
    _warn_of_near_duplicates(written[used], source)
    return np.where(blank, None, written.to_numpy(dtype=object)[codes])


def _warn_of_near_duplicates(labels, source: str) -> None:
    """Labels written apart only by spaces or case ('ok', ' ok', 'OK') are classes apart, as
    written; said, as a spreadsheet's stray space is the likelier story."""
    groups: dict[str, list[str]] = {}
    for label in dict.fromkeys(labels):  # the distinct labels, in their first order
        groups.setdefault(label.strip().casefold(), []).append(label)
    alike = [spellings for spellings in groups.values() if len(spellings) > 1]
    if alike:
        shown = "; ".join(", ".join(repr(s) for s in spellings) for spellings in alike[:3])
        warnings.warn(
            f"labels written apart only by spaces or case are classes apart: {shown}; if each "
            f"group is one class, write it one way in {source}.",
            stacklevel=4,
        )


def blank_cells(values: np.ndarray) -> np.ndarray:
    """Which cells of a label column are blank: None, NaN or NA (how pandas reads an empty
    cell) or empty text, as every estimator reads a missing label
    (:func:`aekit.data.validation.blank_labels`)."""
    from aekit.data.validation import blank_labels

    return blank_labels(np.asarray(values))


def read_blank_labels(
    y: np.ndarray | None, minus_one_is_a_label: bool = False
) -> np.ndarray | None:
    """Blank label cells mark unlabelled rows, as -1 (numbers) or None (text) do; said once.
    Where -1 is itself a label (scikit-learn's anomaly label beside 1: in the column, or among
    the labels of the RUN reading it, ``minus_one_is_a_label``), a blank stays NaN, which every
    reader of labels takes for unlabelled too: as -1 it would be counted an anomaly."""
    if y is None or y.dtype.kind not in "fO":
        return y
    blank = blank_cells(y)
    if not blank.any():
        # whole numbers a file wrote as floats (UCR's 1.0000000e+00): classes 1, 2, ..., which
        # were said and written as '1.0'
        whole = y.dtype.kind == "f" and np.isfinite(y).all() and np.array_equal(y, np.round(y))
        return y.astype(np.int64) if whole else y
    numbers = y.dtype.kind == "f"
    # -1 marks a blank only beside a 0 (0/1 labels): beside 1 and 2 it would be read as a class
    # of its own by the anomaly labels (:func:`aekit.cli.anomaly_labels.labelled_rows`)
    without_zero = not (y[~blank] == 0).any()
    stays_nan = numbers and (minus_one_is_a_label or without_zero or bool((y[~blank] == -1).any()))
    mark = " (-1)" if numbers and not stays_nan else ""
    warnings.warn(
        f"{_rows(int(blank.sum()))} no label (an empty cell, or a marker of a missing value "
        f"such as NA): read as unlabelled{mark}.",
        stacklevel=3,
    )
    if stays_nan:
        return y
    y = y.copy()
    if y.dtype.kind == "f":
        y[blank] = -1
        return y.astype(np.int64) if np.array_equal(y, np.round(y)) else y
    y[blank] = None
    return y


def _rows(count: int) -> str:
    return "1 row has" if count == 1 else f"{count} rows have"
