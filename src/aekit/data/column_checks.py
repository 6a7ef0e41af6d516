"""What a table's columns may hold, checked where the encoder meets them, with messages that
name the column at fault: dates (refused), an identifier or numbers with a stray text cell
(warned of; the imputer refuses the latter), a non-number in a numeric column. Numbers written
with decimal commas, thousands separators or signs: :mod:`aekit.data.number_formats`. Columns
that differ from those seen in fit: :mod:`aekit.data.fit_columns`.
"""

from __future__ import annotations

import datetime
import numbers
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.text_dates import looks_like_dates
from aekit.warning_lines import caller_level


def json_value(value: Any) -> Any:
    """numpy scalars as Python ones, so categories compare equal, save as JSON and print plainly
    in a message."""
    return value.item() if isinstance(value, np.generic) else value


def shown(value: Any, limit: int = 60) -> str:
    """A cell's value as a message quotes it (its repr), cut to ``limit`` characters: a cell of
    a damaged file can be megabytes long."""
    text = repr(json_value(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_column_kind(name: str, series: pd.Series) -> None:
    """Refuse dates and durations, also dates read from a CSV as text: as categories every
    date would be its own one-hot column (a new date then unknown, and a model file cannot
    hold timestamps), as numbers their unit is arbitrary."""
    types = pd.api.types
    if (
        types.is_datetime64_any_dtype(series)
        or types.is_timedelta64_dtype(series)
        or isinstance(series.dtype, pd.PeriodDtype)
    ):
        if types.is_timedelta64_dtype(series):  # a duration has no hour or weekday
            how = f"X[{name!r}].dt.total_seconds()"
        elif isinstance(series.dtype, pd.PeriodDtype):  # a month or a year has no hour
            how = f"X[{name!r}].dt.month or .dt.year, or .dt.to_timestamp() for its start"
        else:
            how = f"X[{name!r}].dt.hour or .dt.dayofweek, or the elapsed seconds"
        raise ValueError(
            f"column {name!r} holds dates or durations ({series.dtype}); convert it to numbers "
            f"first (e.g. {how}) or drop it."
        )
    if types.is_numeric_dtype(series) or types.is_bool_dtype(series):
        return
    _refuse_odd_cells(name, series)
    if isinstance(series.dtype, pd.CategoricalDtype):  # declared categories (--category-column)
        return  # a version '2024.06.14' or a size '8/10/12' kept as the user asked
    distinct = pd.Series(series.dropna().unique()[:200]).astype(str)
    if looks_like_dates(distinct):  # ISO, US, European, a month's name, or a mix of those
        raise ValueError(
            f"column {name!r} holds dates as text (e.g. {distinct.iloc[0]!r}); as categories "
            "every date would be its own column and a new date unknown. Convert it to numbers "
            "first (e.g. the day of the week, or the days elapsed) or drop it; if its values "
            f"are codes, not dates, keep them as categories with X[{name!r}].astype('category')."
        )


# What a cell of a text (object) column may hold: text and numbers, missing values, and dates,
# which the check above names as dates
_CELLS = (str, bytes, numbers.Number, np.generic, datetime.date, datetime.timedelta)


def _refuse_odd_cells(name: str, series: pd.Series) -> None:
    """Refuse cells that are neither text nor numbers (a dict, a list, an object): as categories
    they cannot be compared or saved, and pandas' unique() failed on them with "unhashable type:
    'dict'", naming no column."""
    # pandas infers a column of text alone in C; only other columns are read cell by cell
    # (0.26 s a column of 2 million cells, against 0.015 s)
    if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) == "string":
        return
    odd = series.map(lambda v: not (v is None or v is pd.NA or isinstance(v, _CELLS)))
    if odd.any():
        row = int(np.flatnonzero(odd.to_numpy())[0])
        value = series.iloc[row]
        raise TypeError(  # a cell of the wrong type, as float() says of one
            f"column {name!r} holds a {type(value).__name__} ({shown(value)}, row {row}): the "
            "argument must be a string or a number (or missing) in every cell; convert those "
            "cells or drop the column."
        )


# A text column at least half of whose cells are numbers holds measurements with a few bad cells
# (a typo, a '?' marking a gap): as categories every number would be its own one-hot column and a
# fill or a score would treat 148.0 and 149.0 as unrelated (aekit train refuses the same table).
MOSTLY_NUMBERS = 0.5


def text_among_numbers(series: pd.Series) -> tuple[int, Any, int] | None:
    """``(row, value, count)``: the first cell (by position) that is not a number in a text
    column that is mostly numbers, and how many such cells there are; None for any other
    column. A pandas ``category`` column is categories by the user's choice, never flagged."""
    text = _text_cells(series)
    return None if text is None else _first_text_cell(series, text)


def _first_text_cell(series: pd.Series, text: np.ndarray) -> tuple[int, Any, int]:
    row = int(np.argmax(text))
    return row, json_value(series.iloc[row]), int(text.sum())


def _text_cells(series: pd.Series) -> np.ndarray | None:
    """Which cells are observed and not numbers, in a text column that is mostly numbers and
    holds such a cell; None for any other column."""
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return None
    if isinstance(series.dtype, pd.CategoricalDtype):
        return None
    observed = series.notna().to_numpy()
    text = observed & pd.to_numeric(series, errors="coerce").isna().to_numpy()
    n_text, n_observed = int(text.sum()), int(observed.sum())
    if n_text == 0 or n_observed - n_text < MOSTLY_NUMBERS * n_observed:
        return None
    return text


# Cells a spreadsheet or database writes for "no value" (compared stripped, in lower case);
# pandas reads 'NA', 'null', 'N/A' and empty cells as missing already, not these
MISSING_MARKERS = frozenset({"", "-", "--", "?", ".", "x", "none", "missing", "#n/a", "n.a."})


def is_missing_marker(value: Any) -> bool:
    """Whether a cell's text is one a spreadsheet or database writes for "no value"."""
    return isinstance(value, str) and value.strip().lower() in MISSING_MARKERS


def missing_markers(series: pd.Series) -> list[str]:
    """The distinct cells (sorted) that are not numbers in a text column that is mostly
    numbers, when each of them is a missing-value marker (:func:`is_missing_marker`: '?',
    '-', ...); [] when there are none, or when one is other text (a typo to fix)."""
    text = _text_cells(series)
    return [] if text is None else _markers_among(series, text)


def _markers_among(series: pd.Series, text: np.ndarray) -> list[str]:
    values = {json_value(v) for v in series[text].unique()}
    if not all(is_missing_marker(v) for v in values):
        return []
    return sorted(values)


def text_among_numbers_and_markers(
    series: pd.Series,
) -> tuple[tuple[int, Any, int], list[str]] | None:
    """:func:`text_among_numbers` and :func:`missing_markers` of one column, its cells read as
    numbers once; None where :func:`text_among_numbers` is None."""
    text = _text_cells(series)
    if text is None:
        return None
    return _first_text_cell(series, text), _markers_among(series, text)


def na_values_advice(markers: list[str]) -> str:
    """How to read ``markers`` as missing values: pandas' ``na_values`` (the command line
    rewords it as ``--na-values``, :mod:`aekit.cli.cell_advice`)."""
    listed = " and ".join(shown(m) for m in markers)
    they = "marks a missing value" if len(markers) == 1 else "mark missing values"
    return f"if {listed} {they}, read the file with pd.read_csv(..., na_values={markers!r})"


def _sentence(text: str) -> str:
    """``text`` with a capital first letter, to start a sentence."""
    return text[:1].upper() + text[1:]


def text_among_numbers_message(
    name: str, found: tuple[int, Any, int], markers: list[str] | None = None
) -> str:
    """What :func:`text_among_numbers` found, and the fixes; ``markers``: its cells, when
    each is a missing-value marker (:func:`missing_markers`), read as missing with pandas'
    ``na_values``."""
    row, value, n_text = found
    others = f" and {n_text - 1} other cell{'s' if n_text > 2 else ''}" if n_text > 1 else ""
    fix = "Fix those cells, or make them"
    if markers:  # 'If '?' marks a missing value, read the file with ..., or make them'
        fix = f"{_sentence(na_values_advice(markers))}, or make them"
    return (
        f"column {name!r} holds numbers but also text: {shown(value)} (row {row}, 0-based)"
        f"{others}, so it was read as text, each of its values a category. {fix} "
        f"missing values with X[{name!r}] = pd.to_numeric(X[{name!r}], errors='coerce'); if the "
        f"column really is categories, say so with X[{name!r}].astype('category')."
    )


# A categorical column with more categories than this, most of its values distinct, is more
# likely an identifier than categories (each its own one-hot column).
_MANY_CATEGORIES = 50


def warn_many_categories(name: str, series: pd.Series, n_categories: int) -> None:
    """Warn when a categorical column looks like an identifier or free text: over
    ``_MANY_CATEGORIES`` categories, more than half of its values distinct."""
    observed = series.dropna()
    if n_categories <= _MANY_CATEGORIES or n_categories <= len(observed) / 2:
        return
    warnings.warn(
        f"column {name!r} has {n_categories} distinct values in {len(observed)} rows, each "
        "encoded as its own one-hot category: an identifier or free text? drop it, or group "
        "its values.",
        UserWarning,
        stacklevel=caller_level(),
    )


# Fewer rows than this are not judged: in a handful of rows an ordinary integer column (ages,
# counts) may well be a run of distinct consecutive values.
_ROW_NUMBER_MIN_ROWS = 20


def warn_row_number(name: str, series: pd.Series) -> bool:
    """Warn when an integer column looks like a row number or identifier: its values distinct
    and consecutive (0..n-1, 1..n, or any run of n consecutive integers, in any order), so
    max - min = n - 1 with n distinct values. Modelled as a measurement it carries the row
    order into the scores (a leak when rows are ordered by time or by label). Ordinary integer
    features (ages, counts) repeat values, or skip some, once there are a few dozen rows.
    Whether it warned."""
    if not pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return False
    values = series.dropna().to_numpy(dtype=np.int64)
    n = len(values)
    if n < _ROW_NUMBER_MIN_ROWS or len(series) != n:  # a missing value: not a row number
        return False
    low, high = int(values.min()), int(values.max())
    if high - low != n - 1 or len(np.unique(values)) != n:
        return False
    warnings.warn(
        f"column {name!r} holds the {n} distinct consecutive integers {low}..{high}, one per "
        "row: a row number or identifier? it is modelled as a measurement, which carries the "
        f"row order into the results; drop it (X.drop(columns=[{name!r}])).",
        UserWarning,
        stacklevel=caller_level(),
    )
    return True


def row_number_columns(frame: pd.DataFrame) -> list[int]:
    """The positions, in order, of the columns :func:`warn_row_number` may warn of: numpy's
    integers whose largest value is the smallest plus the rows less one (one numpy pass over
    them all: a pandas pass a column took seconds on 20,000 columns), and integers of other
    dtypes (pandas' Int64, numpy's uint64), which the rule itself judges."""
    from aekit.data import number_blocks

    if len(frame) < _ROW_NUMBER_MIN_ROWS:  # fewer observed values than that: never warned of
        return []
    types, dtypes = pd.api.types, list(frame.dtypes)
    integers = [
        position
        for position, dtype in enumerate(dtypes)
        if types.is_integer_dtype(dtype) and not types.is_bool_dtype(dtype)
    ]
    plain = [p for p in number_blocks.plain_columns(frame, "iu") if dtypes[p] != np.uint64]
    maybe = sorted(set(integers) - set(plain))
    for positions, values in number_blocks.blocks(frame, np.array(plain, dtype=int), np.int64):
        # int64 arithmetic wraps, but to len - 1 only where the true span is len - 1
        maybe.extend(positions[values.max(axis=0) - values.min(axis=0) == len(frame) - 1])
    return sorted(int(p) for p in maybe)


# A number with ',' between its thousands ('1,234.50'), which a CSV read without thousands=','
# keeps as text
_COMMA_THOUSANDS = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"


def numeric_values(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """The columns ``names`` (numeric in fit) as float64, or a ValueError naming the first
    column and value that is not a number."""
    # every column, in order: the table itself (a copy of 20,000 columns by name took 0.7 s)
    chosen = frame if names == list(frame.columns) else frame[names]
    try:
        values = chosen.to_numpy(dtype=np.float64, na_value=np.nan)
        # numpy reads the text 'NaN' or 'nan' as a missing number: a cell pandas does not call
        # missing must not become one (it escaped the missing-value checks, and was scored)
        if not np.isnan(values).any() or np.array_equal(np.isnan(values), chosen.isna().to_numpy()):
            return values
    except (TypeError, ValueError):  # an object column: numbers beside None, pd.NA or text
        pass
    columns = []
    for name in names:
        parsed = pd.to_numeric(frame[name], errors="coerce")
        bad = parsed.isna() & frame[name].notna()
        if bad.any():
            row = int(np.argmax(bad.to_numpy()))
            value = json_value(frame[name].iloc[row])
            fix = "fix the value, or refit if the column is categorical."
            if is_missing_marker(value):  # '?': read as missing, as in fit
                fix = f"{na_values_advice([value])}; else {fix}"
            elif isinstance(value, str) and re.fullmatch(_COMMA_THOUSANDS, value.strip()):
                # '1,234.50': the reading option fixes every such cell, an edit one
                fix = (
                    "if ',' marks its thousands, read the file with thousands=',' "
                    f"(pd.read_csv(..., thousands=',')); else {fix}"
                )
            raise ValueError(
                f"column {name!r} holds {shown(value)} (row {row}), not a number; it held "
                f"numbers in fit. {_sentence(fix)}"
            ) from None
        columns.append(parsed.to_numpy(dtype=np.float64, na_value=np.nan))
    return np.column_stack(columns) if columns else np.zeros((len(frame), 0))
