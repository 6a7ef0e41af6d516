"""The warning of a table's columns that hold one value in the training rows. A constant number
keeps scale 1 (there is no spread to standardize by), so a change in new data is scored in its
own units: a detector trained with ``const_num=7`` in every row scored a row with 8 at 18.8
against its threshold of 22.75, unflagged. A constant text column has one category, and any new
value is one fit never saw. The series detector says the same of a constant channel
(:mod:`aekit.timeseries.channel_scaling`)."""

from __future__ import annotations

import warnings

import pandas as pd

from aekit.data import number_blocks
from aekit.data.column_checks import shown
from aekit.warning_lines import caller_level

MAX_NAMED = 10  # columns named in the warning; more are counted


def warn_constant_columns(frame: pd.DataFrame, given_as_array: bool = False) -> None:
    """Warn of the columns of ``frame`` (training rows) whose observed cells are all one
    value, naming each with its value, what a change there is measured against, and how to fit
    without them (``given_as_array``: the user's X is an array, named ``x0, x1, ...`` here,
    which has no ``drop``); nothing for fewer than two rows."""
    if len(frame) < 2:
        return
    constant = {}
    for position in _maybe_constant(frame):  # the rule below, on the few columns it may hold
        observed = frame.iloc[:, position].dropna()
        if len(observed) and observed.nunique() == 1:
            constant[str(frame.columns[position])] = observed.iloc[0]
    if not constant:
        return
    several = len(constant) > 1
    named = list(constant.items())[:MAX_NAMED]  # an image table's border pixels: dozens
    listed = ", ".join(f"{name!r} ({shown(value)})" for name, value in named)
    if len(constant) > MAX_NAMED:
        listed += f" and {len(constant) - MAX_NAMED} more"
    numbers = [pd.api.types.is_number(v) and not isinstance(v, bool) for v in constant.values()]
    effects = []
    if any(numbers):
        effects.append(
            "a change of a number there in new data is scored in its own units (no spread to "
            "standardize by), so a small one may go unflagged"
        )
    if not all(numbers):
        effects.append("a new value of a category there is one never seen")
    they, them = ("they say", "them") if several else ("it says", "it")
    warnings.warn(
        f"column{'s' * several} {listed} {'are' if several else 'is'} constant in the training "
        f"rows: {', and '.join(effects)}. If {they} nothing, fit without {them} "
        + _without(frame, list(constant), given_as_array),
        UserWarning,
        stacklevel=caller_level(),
    )


def _without(frame: pd.DataFrame, names: list[str], given_as_array: bool) -> str:
    """How to fit without the constant columns ``names``: a DataFrame's ``drop``, or for an
    array (X.drop raised AttributeError) ``np.delete`` of their positions."""
    if given_as_array:
        if len(names) > MAX_NAMED:
            return "(X[:, X.min(axis=0) < X.max(axis=0)] keeps the others)."
        return f"(np.delete(X, {[frame.columns.get_loc(n) for n in names]}, axis=1))."
    if len(names) > MAX_NAMED:
        return "(X.loc[:, X.nunique() > 1] keeps the others)."
    return f"(X.drop(columns={names!r}))."


def _maybe_constant(frame: pd.DataFrame) -> list[int]:
    """The positions, in order, of the columns that may hold one value: every column of numbers
    whose smallest and largest observed values are equal (one numpy pass over them: a pandas
    pass a column took 7 s on 20,000 columns), and every column of another dtype."""
    plain = number_blocks.plain_columns(frame)
    maybe = list(number_blocks.other_columns(frame, plain))
    for positions, values in number_blocks.blocks(frame, plain):
        low, high, seen = number_blocks.observed_extremes(values)
        maybe.extend(positions[seen & (low == high)])
    return sorted(int(p) for p in maybe)
