"""How aekit says that data hold NaN or infinite values, wherever it refuses them: how many
cells, in how many rows, which rows (by 0-based row index, so that ``X[i]`` / ``df.iloc[i]``
finds them) and the first cells. A message that named only a column, or the first cell, left
the user to search a large table for the rest. The caller adds the fix, which depends on what
refuses them (impute, ``handle_missing``, replace an infinity)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

SHOWN = 5  # rows and cells a message names

# The fix for missing values in data to model; the command line says 'aekit impute' instead
# (aekit.cli.advice).
IMPUTE = "Remove or impute them first (e.g. sklearn.impute.SimpleImputer)."
# An infinity is no missing value that imputing would fill, but a sentinel or an overflow
REPLACE = "Replace them with the values they stand for, or remove those rows."


# Both: imputing fills NaN only, so the infinities are replaced first (the advice to impute
# alone led to an imputer that refused the same infinities)
REPLACE_INFINITE = (
    "Replace the infinite ones with the values they stand for (imputing fills NaN only)"
)
REPLACE_THEN_IMPUTE = (
    f"{REPLACE_INFINITE}, and remove or impute the NaN (e.g. sklearn.impute.SimpleImputer)."
)


# Rows read from disk a batch at a time: SimpleImputer needs the whole table in memory, which is
# what reading from disk avoids; the imputer that fills a table on disk is aekit's.
ON_DISK_IMPUTER = (
    "aekit.AutoencoderImputer fills a table on disk, imputer.fit(X).transform(X, "
    "out='filled.parquet')"
)


def fix_for(any_nan: bool, any_infinite: bool = False, on_disk: bool = False) -> str:
    """What to do with refused cells: impute NaN; replace infinities; both, in that order.
    ``on_disk``: the rows come from a source read a batch at a time."""
    if on_disk and any_nan:
        if any_infinite:
            return f"{REPLACE_INFINITE}, and remove or impute the NaN: {ON_DISK_IMPUTER}."
        return f"Remove or impute them first: {ON_DISK_IMPUTER}."
    if any_nan and any_infinite:
        return REPLACE_THEN_IMPUTE
    return IMPUTE if any_nan else REPLACE


def describe_non_finite(
    name: str,
    refused: np.ndarray,
    nan: np.ndarray | None = None,
    *,
    row_ids: Sequence[int] | np.ndarray | None = None,
    columns: Sequence[Any] | None = None,
    index: Sequence[Any] | None = None,
    read: bool = False,
    n_rows: int | None = None,
    empty_columns: Sequence[Any] = (),
    columns_needed: bool = False,
    total: int | None = None,
) -> str:
    """``"X has 4 values that are not finite (3 NaN, 1 infinite) in 3 of its 300 rows: rows
    5, 7, 200 (row index, 0-based); first at (row 5, column 'b'), (row 7, column 'a'), ..."``
    (at most :data:`SHOWN` rows and cells, then "and N more"), without the fix.

    ``refused``: which cells are refused, ``(n_rows, ...)`` (flattened per row). ``nan``: which
    of those are NaN (the others infinite); None when all are missing values. ``row_ids``: the
    rows' numbers where they are not their positions (rows of a file read a chunk at a time).
    ``columns``: the columns' names (None: by position). ``index``: a DataFrame's index,
    whose labels are named too when it is not the default 0..n-1. ``read``: the rows are the
    ones read so far of a larger source, not all of it. ``n_rows``: the rows of X where
    ``refused`` has fewer (a series' repeated timestamps merged). ``empty_columns``: where
    ``read``, the columns with no value in any row of the whole source (its rows read so far
    cannot tell: a column may be empty in its first rows alone). ``columns_needed``: the columns
    are a fitted model's, so an empty one is named without the advice to leave it out.
    ``total``: where ``read``, the rows of the whole source.
    """
    bad = np.asarray(refused, dtype=bool).reshape(len(refused), -1)
    empty = list(empty_columns)
    cells = int(bad.sum())
    bad_rows = np.flatnonzero(bad.any(axis=1))
    ids = np.arange(len(bad)) if row_ids is None else np.asarray(row_ids)
    # the cells that are missing values (an empty column is named for those alone)
    missing = bad if nan is None else bad & np.asarray(nan, dtype=bool).reshape(bad.shape)
    if nan is None:
        kinds = "missing (NaN)"
    else:
        n_nan = int(missing.sum())
        parts = [
            f"{n_nan} NaN" if n_nan else "",
            f"{cells - n_nan} infinite" if cells > n_nan else "",
        ]
        kinds = f"not finite ({', '.join(p for p in parts if p)})"
    values = "value that is" if cells == 1 else "values that are"
    n_rows = len(bad) if n_rows is None else n_rows
    of = f"of the {n_rows} rows read" if read else f"of its {n_rows} rows"
    block = len(ids) > 0 and np.array_equal(ids, ids[0] + np.arange(len(ids)))
    if read and not block:  # a draw (a detector's max_samples rows), not a block of the file
        of = f"of the {n_rows} rows drawn"
    elif read and len(ids) and int(ids[0]):  # a later chunk: its rows are not the file's first
        of += f" from row {int(ids[0])}"
    if read and total is not None and total > n_rows:
        of += f" (of its {total})"
    rows = ", ".join(str(int(ids[r])) for r in bad_rows[:SHOWN])
    more = f" and {len(bad_rows) - SHOWN} more" if len(bad_rows) > SHOWN else ""
    note = "row index, 0-based"
    if index is not None and not _default_index(index, len(bad)):
        labels = [repr(_plain(index[r])) for r in bad_rows[:SHOWN]]
        note += f"; index label{'s' if len(labels) > 1 else ''} {', '.join(labels)}"
    at_rows, at_columns = np.nonzero(bad)
    cell = _cell_namer(columns, np.shape(refused)[1:])
    first = ", ".join(
        f"(row {int(ids[r])}, {cell(c)})" for r, c in zip(at_rows[:SHOWN], at_columns[:SHOWN])
    )
    return (
        f"{name} has {cells} {values} {kinds} in {len(bad_rows)} {of}: "
        f"row{'s' if len(bad_rows) > 1 else ''} {rows}{more} ({note}); first at {first}"
        f"{f' and {cells - SHOWN} more' if cells > SHOWN else ''}"
        f"{_no_value(empty if read else _empty_columns(missing, columns), columns_needed)}"
    )


def _cell_namer(columns: Sequence[Any] | None, row_shape: tuple) -> Any:
    """How a cell of a row is named, from its flat index: by the table's column name; by its
    place in a row of several axes (a NaN at [3, 1, 7] of (n, 3, 50) windows was "column 57"),
    as ``X[3, 1, 7]`` finds it: images (C, H, W) by channel, y and x, other rows by index (a
    row of two axes is a sequence's (C, L) or a grey image's (H, W)); else by column number."""
    if columns is not None:
        return lambda c: f"column {_plain(columns[c])!r}"
    if len(row_shape) < 2:
        return lambda c: f"column {c}"
    if len(row_shape) == 3:
        return lambda c: "channel {}, y {}, x {}".format(*np.unravel_index(c, row_shape))
    return lambda c: f"at {list(map(int, np.unravel_index(c, row_shape)))}"


def _empty_columns(bad: np.ndarray, columns: Sequence[Any] | None) -> list[Any]:
    """The named columns refused in every row (of more than one)."""
    if columns is None or len(bad) < 2 or bad.shape[1] != len(columns):
        return []
    return [_plain(columns[c]) for c in np.flatnonzero(bad.all(axis=0))]


def refuse_empty_columns_alone(
    missing: np.ndarray, columns: Sequence[Any] | None, empty: Sequence[Any] | None = None
) -> None:
    """Where every missing cell lies in a column with no value in any row (of more than one),
    that is the whole story, and its fix the only one: leave the column out. The advice to
    impute or mask the cells, said beside it, led to refusals of its own (an imputer cannot
    fill a column it has no value of). ``empty``: those columns where known beyond these rows
    (some rows of a file on disk); else the columns missing in every one of them."""
    bad = np.asarray(missing, dtype=bool).reshape(len(missing), -1)
    if columns is None or len(bad) < 2 or not bad.any():
        return
    if empty is None:
        full = bad.all(axis=0)
    else:
        full = np.isin(np.arange(bad.shape[1]), [list(columns).index(name) for name in empty])
    if full.any() and not bad[:, ~full].any():
        raise empty_columns_error([columns[c] for c in np.flatnonzero(full)])


def empty_columns_error(names: Sequence[Any]) -> ValueError:
    """The error for columns with no value in any row, and nothing else missing."""
    return ValueError(_no_value([_plain(name) for name in names])[2:] + ".")


def empty_column(name: Any) -> ValueError:
    """The error for a column with no value in any row, worded as :func:`_no_value` (which the
    command line turns into --ignore-column)."""
    return empty_columns_error([name])


def _no_value(empty: Sequence[Any], needed: bool = False) -> str:
    """``"; column 'x' has no value in any row: leave it out (X.drop(columns=['x']))"`` for
    the ``empty`` columns: such a column is the whole story (an empty spreadsheet column),
    which a list of its first cells hid. ``needed``: a fitted model's columns, which it cannot
    do without (the advice to leave one out would fail with 'X lacks ...')."""
    if not empty:
        return ""
    names = ", ".join(repr(c) for c in empty)
    if needed:
        subject = f"column {names} has" if len(empty) == 1 else f"columns {names} have"
        return f"; {subject} no value in any row"
    if len(empty) == 1:
        fix = f"leave it out (X.drop(columns=[{names}])){_from_an_array(empty)}"
        return f"; column {names} has no value in any row: {fix}"
    fix = f"leave them out (X.drop(columns=[{names}])){_from_an_array(empty)}"
    return f"; columns {names} have no value in any row: {fix}"


def _from_an_array(empty: Sequence[Any]) -> str:
    """The fix for an array's columns (named x0, x1, ... as scikit-learn names them), which
    have no ``drop``: ``np.delete`` by position."""
    positions = [re.fullmatch(r"x(\d+)", str(name)) for name in empty]
    if not all(positions):
        return ""
    at = [int(match[1]) for match in positions]
    return f", or from an array (a .npy), np.delete(X, {at[0] if len(at) == 1 else at}, axis=1)"


def refuse_infinite(
    values: np.ndarray,
    *,
    name: str = "X",
    columns: Sequence[Any] | None = None,
    index: Sequence[Any] | None = None,
    missing_fix: str | None = None,
    columns_needed: bool = False,
) -> None:
    """ValueError naming the infinite cells of ``values`` (rows x columns), if any; NaN cells
    are missing values, the caller's to fill or refuse. ``missing_fix``: the caller refuses NaN
    too, with this fix, so the same message names them as well: a table with both was refused
    for its infinities, and its NaN only on the run after they were replaced."""
    cells = np.asarray(values)
    if cells.size == 0:  # no rows: the caller says so
        return
    cells = cells.reshape(len(cells), -1)
    infinite = np.isinf(cells)  # a bool per cell: 40x faster than a NaN-skipping sum's copy
    if not infinite.any():
        return
    told = describe_non_finite(name, infinite, ~infinite, columns=columns, index=index)
    message = f"{told}. {REPLACE}"
    missing = np.isnan(cells)
    if missing_fix is not None and missing.any():
        also = describe_non_finite(
            "it", missing, columns=columns, index=index, columns_needed=columns_needed
        )
        message += f" Besides, {also}. {missing_fix}"  # "it has 2 values that are missing"
    raise ValueError(message)


def _default_index(index: Sequence[Any], n: int) -> bool:
    """Whether a DataFrame's index is 0..n-1, where its labels are the positions."""
    start, step = getattr(index, "start", None), getattr(index, "step", None)
    return start == 0 and step == 1 or (start is None and list(index) == list(range(n)))


def _plain(value: Any) -> Any:
    """26, not np.int64(26), in a message."""
    return value.item() if isinstance(value, np.generic) else value


def check_finite(
    array: np.ndarray, name: str = "X", columns: list | None = None, fitting: bool | None = None
) -> None:
    """Raise if ``array`` holds NaN or infinity, saying how many and where the first ones are
    (``columns``: the columns' names). ``fitting``: True for rows to fit on, whose columns with
    no value in any row, where nothing else is missing, are told to be left out, alone; False
    for a fitted model's rows, which cannot leave a column out (not advised); None: unknown."""
    # Fast path, a third of the elementwise test's time on MNIST-sized data: any NaN or infinity
    # makes the sum NaN or infinite. A finite sum proves every value finite; one that overflows
    # from finite values only falls through to the exact test below, without numpy's overflow
    # warning (float16 overflows at 65504: the wine data's sums did).
    with np.errstate(over="ignore"):
        if np.isfinite(array.sum()):
            return
    finite = np.isfinite(array)
    if finite.all():
        return
    nan = np.isnan(array)
    infinite = ~finite & ~nan
    if fitting and not infinite.any():  # empty columns, and nothing else, said alone
        refuse_empty_columns_alone(nan, columns)
    # codes (inverse_transform's Z) come from a model, not from data to impute; an infinity is
    # no missing value that imputing would fill, but a sentinel or an overflow to replace
    if name == "Z":
        fix = "Codes from transform are finite: check what made these."
    else:
        fix = fix_for(bool(nan.any()), bool(infinite.any()))
    told = describe_non_finite(name, ~finite, nan, columns=columns, columns_needed=fitting is False)
    raise ValueError(f"{told}. {fix}")
