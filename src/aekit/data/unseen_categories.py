"""The refusal of rows holding categories fit never saw
(:func:`aekit.data.column_values.one_hot`): the first such cell, its row and how many rows hold
one, a known category it is near (another case, a stray space, a typo), and every other column
with unseen categories, so that a file is not fixed one column at a time, blind to the count.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.chunk_offset import absolute_row, rows_read
from aekit.data.column_checks import json_value, shown


def unseen_message(
    frame: pd.DataFrame,
    names: list[str],
    categories: dict[str, list],
    unknown: np.ndarray,
    hint: Callable[[str, Any, list], str],
) -> str:
    """The message refusing the cells ``unknown`` (rows by the columns ``names``) of
    ``frame``; ``hint(name, value, known)``: the fix for the first cell."""
    columns = [i for i in range(len(names)) if unknown[:, i].any()]
    first = columns[0]
    name, known = names[first], categories[names[first]]
    rows = np.flatnonzero(unknown[:, first])
    value = json_value(frame[name].iloc[rows[0]])
    more = len(rows) - 1
    where = f"row {absolute_row(frame, rows[0])} (0-based)" + (
        f" and {more} other row{'s' if more > 1 else ''}" if more else ""
    )
    where += rows_read(frame)  # X read a chunk at a time: the rows counted so far
    others = [_other_column(frame, names[i], categories[names[i]], unknown[:, i]) for i in columns]
    also = f" Unseen categories in other columns too: {'; '.join(others[1:])}." * (len(others) > 1)
    return (
        f"column {name!r} has the category {shown(value)}, {_seen(frame[name], value)} "
        f"(known: {known[:10]}): {where}.{near_match(value, known)} {hint(name, value, known)}"
        f"{also}"
    )


def _seen(column: pd.Series, value: Any) -> str:
    """'not seen in fit', or why a category the column's dtype declares was not learned: no
    training row held it (a dtype made of the rows' own values, as --category-column makes
    it, declares nothing more)."""
    dtype = column.dtype
    declared = (
        isinstance(dtype, pd.CategoricalDtype)
        and value in list(dtype.categories)
        and len(dtype.categories) > column.nunique()
    )
    return (
        "declared by the column's dtype but held by no row in fit"
        if declared
        else ("not seen in fit")
    )


def _other_column(frame: pd.DataFrame, name: str, known: list, unknown: np.ndarray) -> str:
    """'zip' in 490 rows (e.g. '47195', row 0; near ...)"""
    rows = np.flatnonzero(unknown)
    value = json_value(frame[name].iloc[rows[0]])
    near = near_match(value, known).strip().rstrip(".")
    count = f"{len(rows)} row{'s' if len(rows) > 1 else ''}"
    row = absolute_row(frame, rows[0])
    return f"{name!r} in {count} (e.g. {shown(value)}, row {row}{'; ' + near if near else ''})"


def near_match(value: Any, known: list) -> str:
    """' ...' naming the known category ``value`` is near: with a stray space, in another case,
    or a close spelling (difflib; not for digits alone, codes a digit apart); '' when none is."""
    if not isinstance(value, str):
        return ""
    texts = [k for k in known if isinstance(k, str)]
    stripped = value.strip()
    if stripped != value and stripped in texts:
        return f" {shown(value)} is {shown(stripped)} with {stray_spaces(value)}."
    folded = {k.strip().casefold(): k for k in texts}
    if stripped.casefold() in folded:
        return f" {shown(value)} vs trained {shown(folded[stripped.casefold()])}: another case."
    if stripped.isdigit():  # a code: '68837' is another zip code, not a typo of '68836'
        return ""
    close = difflib.get_close_matches(value, texts, n=1, cutoff=0.8)
    return f" Did you mean {shown(close[0])}?" if close else ""


def stray_spaces(text: str) -> str:
    """'spaces around it', 'a leading space' or 'a trailing space' that ``text`` has; ''
    for none."""
    leading, trailing = text != text.lstrip(), text != text.rstrip()
    if leading and trailing:
        return "spaces around it"
    return "a leading space" if leading else ("a trailing space" if trailing else "")
