"""A table's columns that are not numbers, refused by a model that reads numbers alone, with
the fix that fits them: one-hot encoding for categories, the cell to fix (or read as missing)
for numbers with a stray text cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aekit.data.column_checks import (
    check_column_kind,
    na_values_advice,
    shown,
    text_among_numbers_and_markers,
)

# pandas' names for a column of Python numbers (infer_dtype, missing values skipped)
NUMBER_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "decimal"})


def numbers_held_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its object columns that hold numbers alone (and missing values: None,
    NaN, pd.NA) as float64 columns, as scikit-learn reads them: ``df.astype(object)``, a column
    built from a list of Python numbers or read cell by cell, was refused as "non-numeric", and
    the advice to one-hot encode it would have made a category of every number. An int beyond
    float64's range is a ValueError naming its column."""
    converted = {}
    for column, dtype in zip(frame.columns, frame.dtypes):
        if dtype != np.dtype(object):  # by dtype: frame[column] of 20,000 columns took 2 s
            continue
        cells = frame[column]
        if pd.api.types.infer_dtype(cells, skipna=True) not in NUMBER_KINDS:
            continue
        try:  # through pandas' nullable floats: pd.NA becomes NaN, as None does
            numbers = pd.to_numeric(cells).astype("Float64")
        except OverflowError:  # an int of 400 digits: numpy's float64 ends at 1.8e308
            raise ValueError(
                f"column {column!r} holds a number beyond float64's range (about 1.8e308); "
                "scale that column down, or leave it out."
            ) from None
        except (TypeError, ValueError):
            continue
        converted[column] = numbers.to_numpy(np.float64, na_value=np.nan)
    if not converted:
        return frame
    frame = frame.copy(deep=False)  # the caller's frame keeps its columns
    for column, numbers in converted.items():
        frame[column] = numbers
    return frame


def non_numeric_columns(frame: pd.DataFrame) -> list[str]:
    """The names of ``frame``'s columns that hold neither numbers nor bools."""
    is_number, is_bool = pd.api.types.is_numeric_dtype, pd.api.types.is_bool_dtype
    # a column's dtype says as much as the column (pandas reads a Series' dtype), without
    # making a Series a column: 20,000 of them took 2 s
    return [str(c) for c, d in zip(frame.columns, frame.dtypes) if not (is_number(d) or is_bool(d))]


def _categories(column: pd.Series) -> bool:
    """A text column one-hot encoding fits: no dates, and not numbers with stray text."""
    try:
        check_column_kind(str(column.name), column)
    except (ValueError, TypeError):
        return False
    return text_among_numbers_and_markers(column) is None


_ENCODE = "aekit.TabularEncoder one-hot encodes them reversibly; or drop them."
_THEN_IMPUTE = ", then fill them (aekit.AutoencoderImputer): this model takes no missing values."


def non_numeric_refusal(frame: pd.DataFrame, bad: list[str], name: str, allow_nan: bool) -> str:
    """The refusal of ``frame``'s non-numeric columns ``bad`` by a model of numbers, and the
    fix: one-hot encoding, unless one is numbers with a few text cells (a typo, a '?' marking
    a missing value), which one-hot encoding would make categories of, one per number."""
    said = f"{name} has non-numeric columns: {', '.join(bad)}. "
    for column in frame.columns:
        if str(column) not in bad:
            continue
        try:  # dates, durations, cells of dicts: TabularEncoder refuses them too, naming the fix
            check_column_kind(str(column), frame[column])
        except ValueError as refused:
            message = str(refused)
            rest = [c for c in frame.columns if str(c) in bad and c != column]
            text = [str(c) for c in rest if _categories(frame[c])]
            encode = f" Then encode {', '.join(text)}: {_ENCODE}" if text else ""
            left = [str(c) for c in rest if str(c) not in text]  # said alone once this is fixed
            others = f" Fix {', '.join(left)} too." if left else ""
            return said + message[:1].upper() + message[1:] + encode + others
        found = text_among_numbers_and_markers(frame[column])
        if found is None:
            continue
        (row, value, count), markers = found
        others = f" and {count - 1} other cell{'s' if count > 2 else ''}" if count > 1 else ""
        missing = f"{name}[{column!r}] = pd.to_numeric({name}[{column!r}], errors='coerce')"
        fix = f"{na_values_advice(markers)}, or make" if markers else "fix them, or make"
        then = " (NaN marks a missing value)." if allow_nan else _THEN_IMPUTE
        return said + (
            f"Column {column!r} holds numbers but also text: {shown(value)} (row {row}, "
            f"0-based){others}. {fix[:1].upper()}{fix[1:]} them missing values with "
            f"{missing}{then}"
        )
    return said + "Encode them as numbers: " + _ENCODE
