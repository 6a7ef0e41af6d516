"""A categorical column's codes of one type: the same zip code is the text '68836' in a CSV and
the integer 68836 in a Parquet file, and compared across types every row held a category "not
seen in fit". :func:`as_text_codes` reads a column of codes as text; :func:`as_fitted_codes` reads a
column as the type of fit's categories; :func:`type_hint` says which cast a refused cell needs.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from aekit.warning_lines import caller_level

_INTEGER_TEXT = re.compile(r"-?\d+")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def as_text(value: Any) -> Any:
    """A code as text, as a CSV writes it: 68836 and 68836.0 (integers read as floats beside a
    missing value) as '68836'; text and missing values as they are."""
    if isinstance(value, (bool, np.bool_, str)) or pd.isna(value):
        return value
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value.item() if isinstance(value, np.generic) else value)


def as_text_codes(series: pd.Series) -> pd.Series:
    """``series`` (a column of codes) with its numbers as text (:func:`as_text`); a column of
    text, or of bools, as it is. Categories keep their order."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if all(_is_text(c) for c in categories):
            return series
        return series.cat.rename_categories([as_text(c) for c in categories])
    if pd.api.types.is_bool_dtype(series):
        return series
    if pd.api.types.is_string_dtype(series) and not pd.api.types.is_object_dtype(series):
        return series  # pandas' own text dtype
    if pd.api.types.is_object_dtype(series) and all(_is_text(v) for v in series.dropna().unique()):
        return series
    return series.map(as_text, na_action="ignore").astype(object)


def as_fitted_codes(series: pd.Series, known: list) -> pd.Series:
    """``series`` read as the type of fit's categories ``known``: numbers as text where every
    category was text (with leading zeros as fit's text codes had them, :func:`_same_integer`;
    text stays as written: '7' is not fit's '007'), integer text ('68836') as integers where
    every category was an integer; any other column as it is."""
    if not known or series.empty:
        return series
    if all(_is_text(k) for k in known):
        texts = as_text_codes(series)
        if texts is series:  # text alone: its zeros are the user's, not a number's lost ones
            return series
        return _same_integer(texts, known, _number_cells(series))
    if all(_is_int(k) for k in known) and not pd.api.types.is_numeric_dtype(series):
        values = series.astype(object) if isinstance(series.dtype, pd.CategoricalDtype) else series
        return values.map(as_int, na_action="ignore")
    return series


def _number_cells(series: pd.Series) -> np.ndarray:
    """Which cells of ``series`` hold a number (not text, not missing)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.notna().to_numpy()
    cells = series.astype(object).map(lambda v: not _is_text(v), na_action="ignore")
    return cells.fillna(False).to_numpy(dtype=bool)


def _same_integer(series: pd.Series, known: list, numbers: np.ndarray) -> pd.Series:
    """Codes of digits that fit held with other leading zeros, as fit held them, in the cells
    that were ``numbers`` (read as text here): 5713 is '05713' where fit's zip codes were
    written with their zeros (a file of integers drops them). Cells that were text are not
    touched: a CSV's '7' beside fit's '007' is another code, unseen. A code two of fit's share
    ('01' and '1') is left as it is."""
    digits: dict[int, list[str]] = {}
    for code in known:
        if code.isdigit():
            digits.setdefault(int(code), []).append(code)
    knowns = set(known)
    if not digits or series.dropna().isin(knowns).all():  # (isin in C; the map below is not)
        return series

    def as_fitted(value: Any) -> Any:
        if not isinstance(value, str) or value in knowns or not value.isdigit():
            return value
        same = digits.get(int(value), [])
        return same[0] if len(same) == 1 else value

    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    return series.where(~numbers, series.map(as_fitted, na_action="ignore"))


def frame_with_fitted_codes(frame: pd.DataFrame, categories: dict[str, list]) -> pd.DataFrame:
    """``frame`` with each column of ``categories`` (fit's, by column name) read as
    :func:`as_fitted_codes` reads it; the frame itself when none changes."""
    out = frame
    for name, known in categories.items():
        if name not in frame.columns:
            continue
        codes = as_fitted_codes(frame[name], known)
        if codes is not frame[name]:
            out = frame.copy() if out is frame else out
            out[name] = codes
    return out


def as_int(value: Any) -> Any:
    """Integer text as the integer ('68836', ' 68836 '); anything else as it is."""
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return value


def type_hint(name: str, value: Any, known: list) -> str | None:
    """The cast an unseen ``value`` needs when it is a category of fit written as another
    type (a number of a text column in fit, or integer text of a column of integers); None
    when it is not one."""
    if known and all(_is_text(k) for k in known) and not _is_text(value):
        # '3' of a text column in fit, 3 here: a CSV of numeric-looking text read as numbers
        if as_text(value) in known:
            # a float column (ints with a missing value) would cast to '3.0': read it as text
            cast = "" if isinstance(value, float) else f"cast it with X[{name!r}].astype(str) or "
            return (
                f"The column was text in fit ({as_text(value)!r} is one of its categories) "
                f"and holds numbers here: {cast}read it as text, e.g. "
                f"pd.read_csv(..., dtype={{{name!r}: str}})."
            )
    if known and all(_is_int(k) for k in known) and _is_text(value):
        if as_int(value) in known:  # 68836 in fit (a Parquet's integers), '68836' here
            return (
                f"The column was integers in fit ({as_int(value)} is one of its categories) "
                f"and holds text here: cast it with X[{name!r}].astype(int), or read it as "
                "numbers."
            )
    return None


def warn_codes_both_ways(name: str, categories: list) -> None:
    """Warn when a column's categories hold a number and its text (7 and '7', a pandas object
    column of two sources): they are two categories, one-hot apart, and a row of either kind is
    unseen to a model fitted on the other."""
    texts = {c for c in categories if _is_text(c)}
    both = [c for c in categories if not _is_text(c) and as_text(c) in texts]
    if not both or isinstance(both[0], (bool, np.bool_)):
        return
    listed = ", ".join(f"{c!r} and {as_text(c)!r}" for c in both[:5])
    # astype(str) writes 1.0 as '1.0', still apart from '1': whole floats as their integers
    floats = any(isinstance(c, (float, np.floating)) for c in both)
    cast = (
        f"X[{name!r}].map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() "
        "else str(v))"
        if floats
        else f"X[{name!r}].astype(str)"
    )
    warnings.warn(
        f"column {name!r} holds values both as numbers and as text ({listed}"
        f"{', ...' if len(both) > 5 else ''}): each is its own category. Write the column "
        f"one way first, e.g. X[{name!r}] = {cast}.",
        UserWarning,
        stacklevel=caller_level(),
    )
