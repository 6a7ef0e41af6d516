"""Numbers a text file wrote so that they are read as text: a few text cells among them (a typo,
a missing-value marker), decimal commas, thousands separators, a currency or a percent sign.
Read as text, each number would be a category; the messages name the column, the cell and the
reading option (or the conversion) that makes them numbers again."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.column_checks import (
    MOSTLY_NUMBERS,
    json_value,
    missing_markers,
    shown,
    text_among_numbers,
    text_among_numbers_message,
)
from aekit.warning_lines import caller_level


def decimal_comma_numbers(series: pd.Series) -> tuple[int, Any] | None:
    """``(row, value)`` of the first cell of a text column that is mostly numbers written with
    a decimal comma ('0,82': a ';'-separated file read without ``decimal=','``), else None."""
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return None
    if isinstance(series.dtype, pd.CategoricalDtype):
        return None
    observed = series.dropna()
    sample = observed.iloc[:: max(1, len(observed) // 2048)]  # most text columns stop here
    for cells in (sample, observed):
        text = cells[pd.to_numeric(cells, errors="coerce").isna()].astype(str)
        with_point = pd.to_numeric(text.str.replace(",", ".", n=1, regex=False), errors="coerce")
        comma = text.str.contains(",", regex=False) & with_point.notna()
        if not len(cells) or comma.sum() < MOSTLY_NUMBERS * len(cells):
            return None
    first = int(np.argmax(series.index.isin(comma[comma].index)))
    return first, json_value(series.iloc[first])


def decimal_comma_columns(table: pd.DataFrame, text_columns: Sequence[str]) -> list[str]:
    """The text columns whose values nearly all (90%) are numbers once ',' is read as the
    decimal mark, and some of them hold a ',': numbers written as in most of Europe (0,5) and
    read with '.', which one-hot encoding would make one category per value. ``text_columns``,
    read as text on purpose (an id, an ignored or declared categorical column), are not."""
    found = []
    for name in table.columns:
        column = table[name]
        text = column.dtype == object or pd.api.types.is_string_dtype(column)
        if not text or str(name) in text_columns:
            continue
        values = column.dropna().astype(str).str.strip()
        if len(values) == 0 or not values.str.contains(",", regex=False).any():
            continue
        parsed = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
        if parsed.notna().mean() >= 0.9:
            found.append(str(name))
    return found


def decimal_comma_message(name: str, found: tuple[int, Any]) -> str:
    row, value = found
    return (
        f"column {name!r} holds numbers written with a decimal comma ({shown(value)}, row {row}), "
        "read as text, each value a category. Read the file with decimal=',' "
        f"(pd.read_csv(..., decimal=',')), or convert the column: X[{name!r}] = "
        f"X[{name!r}].str.replace(',', '.').astype(float)."
    )


# What a spreadsheet writes around a number: thousands separators, currency, percent signs
_NUMBER_MARKS = r"[,$€£¥%\s]"
# Nearly every observed cell must be such a number: a text column with a few numbers is text
_FORMATTED_SHARE = 0.9


def formatted_numbers(series: pd.Series) -> tuple[int, Any] | None:
    """``(row, value)`` of the first cell of a text column that holds numbers written with
    thousands separators, a currency or a percent sign ('1,234.5', '$1,200', '12%'), as a
    spreadsheet exports them, else None. Read as text, each number would be a category."""
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return None
    if isinstance(series.dtype, pd.CategoricalDtype):
        return None
    observed = series.dropna().astype(str)
    if observed.empty:
        return None
    marked = observed.str.contains(_NUMBER_MARKS, regex=True)
    parsed = pd.to_numeric(observed.str.replace(_NUMBER_MARKS, "", regex=True), errors="coerce")
    if not marked.any() or parsed.notna().mean() < _FORMATTED_SHARE:
        return None
    first = int(np.flatnonzero(series.notna().to_numpy())[np.argmax(marked.to_numpy())])
    return first, json_value(series.iloc[first])


def numbers_as_text_message(name: str, series: pd.Series) -> str | None:
    """Why a text column looks like numbers read as text (a few text cells, decimal commas,
    or thousands separators, currency and percent signs), and the fix; None when it does not."""
    if (found := text_among_numbers(series)) is not None:
        return text_among_numbers_message(name, found, missing_markers(series))
    return number_format_message(name, series)


def number_format_message(name: str, series: pd.Series) -> str | None:
    """Why a text column is numbers in a format that a reading option or a cast reads (decimal
    commas, thousands separators, currency and percent signs, fractions held as text), and the
    fix; None when it is not."""
    if (comma := decimal_comma_numbers(series)) is not None:
        # beside decimal commas a '.' between digits is a thousands mark ('1.065,00' among
        # '1185,00'): the decimal comma alone, given already, still leaves those cells text
        if (grouped := _first_matching(series, _DOT_GROUPED)) is not None:
            return _thousands_message(name, ".", grouped)
        if _all_comma_grouped(series):  # '65,654': thousands more likely than 65.654
            return _thousands_or_decimal_message(name, comma)
        return decimal_comma_message(name, comma)
    if (marked := formatted_numbers(series)) is not None:
        if (mark := thousands_mark(series)) is not None:  # 1.234,5 stripped would be 1.2345
            return _thousands_message(name, mark, marked)
        row, value = marked
        return (
            f"column {name!r} holds numbers written with thousands separators, a currency or a "
            f"percent sign ({shown(value)}, row {row}), read as text, each value a category. "
            f"Convert the column first: X[{name!r}] = pd.to_numeric(X[{name!r}].str.replace("
            f"r'{_NUMBER_MARKS}', '', regex=True)), or leave it out."
        )
    if (found := decimal_numbers_as_text(series)) is not None:
        row, value = found
        return (
            f"column {name!r} holds numbers with a fractional part written as text "
            f"({shown(value)}, row {row}), read as text, each value a category. Convert the "
            f"column first: X[{name!r}] = pd.to_numeric(X[{name!r}]), or leave it out."
        )
    return None


def decimal_numbers_as_text(series: pd.Series) -> tuple[int, Any] | None:
    """``(row, value)`` of the first cell with a fractional part of a text column every cell
    of which is a number, else None: as categories, every gap of a Parquet string column of
    '0.79' was filled with one of them. Whole numbers written as text stay categories: codes
    (zip codes, product numbers: '01000'), and '41.0' read with another decimal mark."""
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return None
    if isinstance(series.dtype, pd.CategoricalDtype):
        return None
    observed = series.dropna()
    if observed.empty or not all(isinstance(v, str) for v in observed):
        return None
    # as Python objects: a pyarrow string column's failures come back NaN, not missing
    numbers = pd.to_numeric(pd.Series(observed.to_numpy(dtype=object)), errors="coerce")
    numbers = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(numbers).any():
        return None
    fractional = np.flatnonzero(numbers != np.round(numbers))
    if not len(fractional):
        return None
    row = int(np.flatnonzero(series.notna().to_numpy())[fractional[0]])
    return row, json_value(series.iloc[row])


def _thousands_message(name: str, mark: str, found: tuple[int, Any]) -> str:
    """The fix for a column of numbers with ``mark`` between their thousands, ``found`` its
    first such ``(row, value)``: a ``'.'`` there makes ``','`` the decimal mark."""
    row, value = found
    comma = mark == "."
    options = "'thousands': '.', 'decimal': ','" if comma else "'thousands': ','"
    pandas = f"thousands={mark!r}" + (", decimal=','" if comma else "")
    plain = f"X[{name!r}].str.replace({mark!r}, '', regex=False)"
    plain += ".str.replace(',', '.', regex=False)" if comma else ""
    return (
        f"column {name!r} holds numbers written with {mark!r} between their thousands "
        f"({shown(value)}, row {row}), read as text, each value a category; read the file "
        f"with csv={{{options}}} (pandas: pd.read_csv(..., {pandas})), or convert the column: "
        f"X[{name!r}] = pd.to_numeric({plain})."
    )


# Whole numbers with ',' between their thousands: 65,654 and 1,234,567 (a decimal comma's
# numbers rarely all have three digits after it)
_COMMA_GROUPED = r"^[+-]?[1-9]\d{0,2}(,\d{3})+$"  # not 0,125: no thousands start with 0


def _all_comma_grouped(series: pd.Series) -> bool:
    """Whether every observed cell with a comma is a whole number grouped by commas."""
    observed = series.dropna().astype(str).str.strip()
    with_comma = observed[observed.str.contains(",", regex=False)]
    return bool(len(with_comma)) and bool(with_comma.str.fullmatch(_COMMA_GROUPED).all())


def _thousands_or_decimal_message(name: str, found: tuple[int, Any]) -> str:
    """The two readings of whole numbers grouped by commas, '65,654': sixty-five thousand (a
    thousands separator) or 65.654 (a decimal comma); the fix of each, the first first."""
    row, value = found
    return (
        f"column {name!r} holds numbers written with ',' between their thousands or as a "
        f"decimal comma ({shown(value)}, row {row}; every one has three digits after it), read "
        "as text, each value a category. If they are thousands, read the file with "
        "csv={'thousands': ','} (pandas: pd.read_csv(..., thousands=',')), or convert the "
        f"column: X[{name!r}] = pd.to_numeric(X[{name!r}].str.replace(',', '', regex=False)); "
        "if decimals, with csv={'decimal': ','} (pandas: decimal=',')."
    )


# A number with '.' between its thousands and maybe a decimal comma, at least one '.': 1.065,00
_DOT_GROUPED = r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"


def _first_matching(series: pd.Series, pattern: str) -> tuple[int, Any] | None:
    """``(row, value)`` of the first cell of ``series`` that ``pattern`` matches whole."""
    cells = series.astype(str).str.strip().str.fullmatch(pattern) & series.notna()
    if not cells.any():
        return None
    row = int(np.argmax(cells.to_numpy()))
    return row, json_value(series.iloc[row])


# Numbers with a mark between their thousands: 1.234,5 (most of Europe; whole numbers 12 and
# 1.234.567 alike) and 1,234.5 (a comma-separated file quotes them: "1,234.5")
_GROUPED = {
    ".": r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$",
    ",": r"^[+-]?\d{1,3}(,\d{3})*(\.\d+)?$",
}


def thousands_mark(series: pd.Series) -> str | None:
    """The mark between the thousands of the numbers that nearly every observed cell of the
    text column ``series`` holds (``'.'`` for ``1.234,5``, ``','`` for ``1,234.5``), at least
    one of them so grouped; None for other text."""
    observed = series.dropna().astype(str).str.strip()
    for mark, pattern in _GROUPED.items():
        grouped = observed.str.contains(mark, regex=False).any()
        if grouped and observed.str.fullmatch(pattern).mean() >= _FORMATTED_SHARE:
            return mark
    return None


# What each format's message says of the column read as text, and what a refusal says instead
_AS_CATEGORIES = "read as text, each value a category"
_UNLESS_DECLARED = (
    "read as text, which would make each value a category of its own (if the column really is "
    "categories, say so with X[{name!r}].astype('category'))"
)


# A number as a spreadsheet writes it beyond doubt: its thousands grouped in threes by ',' (with
# a '.' decimal) or by '.' (with a ',' decimal), or a currency or percent sign around it
_CURRENCY = "[$€£¥]"
_SPREADSHEET_NUMBER = (
    rf"{_CURRENCY}?\s?[+-]?{_CURRENCY}?\s?"
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"
    rf"\s?(?:%|{_CURRENCY})?"
)
# ... and the mark that says so: a currency or percent sign, or thousands grouped beside a
# decimal part (whole numbers grouped by ',' alone may be lists of codes: '250,401,428')
_SPREADSHEET_MARK = rf"{_CURRENCY}|%|\d,\d{{3}}\.\d|\d\.\d{{3}},\d"


def is_spreadsheet_numbers(series: pd.Series) -> bool:
    """Whether every observed cell of a text column is a number written as a spreadsheet writes
    it (:data:`_SPREADSHEET_NUMBER`), at least one of them unmistakably so: '1,234.5', '$35',
    '12%', '1.234,5'. Not codes that look like numbers: survey choices '1,3' and '1,3,5', a
    postcode '114 55', a diagnosis code '250.00' held as text, a list of them '250,401'."""
    observed = series.dropna().astype(str).str.strip()
    if observed.empty:
        return False
    return bool(
        observed.str.fullmatch(_SPREADSHEET_NUMBER).all()
        and observed.str.contains(_SPREADSHEET_MARK, regex=True).any()
    )


def check_numbers_read_as_text(name: str, series: pd.Series) -> bool:
    """For a text column about to be one-hot encoded: refuse numbers a spreadsheet wrote
    (:func:`is_spreadsheet_numbers`: as categories each amount is its own, next month's all
    unseen, and a reading option or a cast reads them); warn of other columns that look like
    numbers read as text (:func:`numbers_as_text_message`: a few text cells among numbers,
    decimal commas, fractions held as text), which may be codes. Whether either applies. A
    column declared categorical (a ``category`` dtype) is not checked."""
    if (found := text_among_numbers(series)) is not None:  # what numbers_as_text_message says
        message = text_among_numbers_message(name, found, missing_markers(series))
    elif (message := number_format_message(name, series)) is None:
        return False
    elif is_spreadsheet_numbers(series):
        raise ValueError(message.replace(_AS_CATEGORIES, _UNLESS_DECLARED.format(name=name)))
    warnings.warn(message, UserWarning, stacklevel=caller_level())
    return True


def check_numbers_not_text(frame: pd.DataFrame, who: str) -> None:
    """ValueError for the first column of ``frame`` that is numbers read as text, for ``who``,
    an estimator that would otherwise fill or model them as categories."""
    for column in frame.columns:
        if (message := numbers_as_text_message(str(column), frame[column])) is not None:
            raise ValueError(f"{who}: {message}")


def refuse_numbers_written_so(frame: pd.DataFrame, names: list[str]) -> None:
    """For columns ``names``, numeric in fit: refuse the first that holds text where a CSV's
    number format explains it (thousands separators, decimal commas), naming that format's
    fix ("fix the value" alone sent a user with '68,664.07' to edit the file where
    ``thousands=','`` reads it); else say nothing."""
    for name in names:
        column = frame[name]
        if not (pd.to_numeric(column, errors="coerce").isna() & column.notna()).any():
            continue  # numbers, if written as text
        said = numbers_as_text_message(str(name), column)
        if said is not None and ("between their thousands" in said or "decimal comma" in said):
            raise ValueError(
                said.replace("read as text, each value a category", "not numbers as in fit")
            )
        return  # the first column of text: numeric_values names its cell
