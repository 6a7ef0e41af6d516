"""A table's columns that are not numbers, refused by a model that reads numbers alone, with
the fix that fits them: one-hot encoding for categories, the cell to fix (or read as missing)
for numbers with a stray text cell."""

from __future__ import annotations

import pandas as pd

from aekit.data.column_checks import (
    check_column_kind,
    na_values_advice,
    shown,
    text_among_numbers_and_markers,
)


def non_numeric_columns(frame: pd.DataFrame) -> list[str]:
    """The names of ``frame``'s columns that hold neither numbers nor bools."""
    is_number, is_bool = pd.api.types.is_numeric_dtype, pd.api.types.is_bool_dtype
    return [str(c) for c in frame.columns if not (is_number(frame[c]) or is_bool(frame[c]))]


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
