"""Finding categorical columns that arrive already one-hot encoded as numbers.

``pandas.get_dummies`` or scikit-learn's ``OneHotEncoder`` turn one categorical column into
adjacent 0/1 columns with exactly one 1 per row. Standardizing those columns like measurements
weights each category by its rarity (a category held by 1% of the rows becomes a jump of about
10 standard units), so a rare but normal category drowns every other column in a distance or a
squared error. Found, they can be kept as 0/1 and modelled as one categorical column, exactly as
if the original column had been passed (``TabularEncoder(detect_one_hot=True)``), which warns
of new rows that break a group found in fit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from aekit.warning_lines import caller_level

# Below this many rows, independent 0/1 columns can sum to one on every row by chance (two
# columns are exact complements on n rows with probability about 2**-n).
MIN_ROWS = 30


def one_hot_column_runs(frame: pd.DataFrame) -> list[list[str]]:
    """The names of the columns of every one-hot run (:func:`one_hot_runs`) among adjacent
    numeric or bool columns of ``frame`` (pandas.get_dummies writes bools by default); none
    under ``MIN_ROWS`` rows."""
    if len(frame) < MIN_ROWS:
        return []
    # by position, from the dtypes at once: a column at a time took 0.15 s on 1,555 columns
    numeric = [pd.api.types.is_numeric_dtype(dtype) for dtype in frame.dtypes]  # bools too
    runs, start = [], 0
    for end in range(len(numeric) + 1):  # the end closes the last stretch
        if end < len(numeric) and numeric[end]:
            continue
        if end - start >= 2:
            # the whole table: pandas' copy of it, 10 times faster than of a choice of columns
            # (a CSV's 20,000 columns, each its own block, took 0.5 s)
            chosen = frame if end - start == frame.shape[1] else frame.iloc[:, start:end]
            values = chosen.to_numpy(dtype=np.float64, na_value=np.nan)
            names = [str(c) for c in frame.columns[start:end]]
            runs += [names[a:b] for a, b in one_hot_runs(values)]
        start = end + 1
    return runs


def warn_broken_rows(
    Z: np.ndarray, observed: np.ndarray, groups: tuple, columns: list[list[str]]
) -> None:
    """Warn, naming its columns, of each group (``(start, stop)`` in the encoded ``Z``) that
    some rows break: they are encoded as given, and as 0/1 columns they stand out less than
    they did as standardized numbers."""
    for group, names in zip(groups, columns, strict=True):
        if broken := broken_one_hot_rows(Z, observed, group):
            warnings.warn(
                f"{broken} of {len(Z)} rows break the one-hot group {names} found in fit "
                "(not exactly one 1 among those columns); they are encoded as given, as 0/1 "
                "columns. Fix them if they are errors, or refit with detect_one_hot=False "
                "(AnomalyDetector: preprocessing='standardize') to treat the columns as "
                "plain numbers.",
                UserWarning,
                stacklevel=caller_level(),
            )


def broken_one_hot_rows(Z: np.ndarray, observed: np.ndarray, group: tuple[int, int]) -> int:
    """How many rows of the encoded matrix ``Z`` (their observed entries) break a one-hot group
    found in fit: not 0/1, or not exactly one 1 (two categories at once, or none)."""
    block, seen = Z[:, group[0] : group[1]], observed[:, group[0] : group[1]].all(axis=1)
    indicator = ((block == 0) | (block == 1)).all(axis=1)
    return int((seen & ~(indicator & (block.sum(axis=1) == 1))).sum())


def one_hot_runs(values: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` of every run of adjacent columns of ``values`` (rows x columns) that
    is a one-hot encoding: columns holding only 0 and 1, every row with exactly one 1 among
    them, starting and ending with a column that holds both (so at least two such columns).
    An all-zero column inside a run is a category no row holds (an unused level, or one the
    sample missed) and belongs to the group; at its edges it is left out (it could as well be
    a constant column of its own).

    One pass with two pointers: columns are added to the run on the right; while some row holds
    two 1s the run cannot be a group, so columns are dropped on the left; when every row holds
    exactly one 1 the run is a group and a new run starts after it. A column that is not 0/1
    (or holds a NaN) ends the run.
    """
    values = np.asarray(values, dtype=np.float64)
    runs: list[tuple[int, int]] = []
    start, ones = None, None
    for j in range(values.shape[1]):
        column = values[:, j]
        kind = _indicator_kind(column)
        if kind is None:
            start, ones = None, None
            continue
        if start is None:
            if kind == "zero":  # a run starts with a column that holds a 1
                continue
            start, ones = j, column.copy()
        else:
            ones += column
        while (ones > 1).any():  # some row holds two 1s: drop columns on the left
            ones -= values[:, start]
            start += 1
            while _indicator_kind(values[:, start]) == "zero":  # nor an all-zero one
                start += 1
        if j > start and (ones == 1).all():
            runs.append((start, j + 1))
            start, ones = None, None
    return runs


def _indicator_kind(column: np.ndarray) -> str | None:
    """ "both": 0s and 1s, both seen; "zero": only 0s; None: anything else (all 1s too)."""
    zero, one = column == 0, column == 1
    if not (zero | one).all() or not zero.any():
        return None
    return "zero" if zero.all() else "both"
