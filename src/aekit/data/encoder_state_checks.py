"""What a saved :class:`aekit.data.tabular.TabularEncoder` state (a RUN's encoder.json, the
encoder in a detector's or imputer's model file) must hold to be one a fit wrote.

An edited encoder.json loaded, then failed on the first rows with Python's words ("'str'
object has no attribute 'items'"), or blamed the user's data for its own NaN mean ("DATA has 50
values that are not finite ... Fill them with aekit impute"), or broke numpy's one-hot
assignment with a category its columns had no room for. Each check raises a ``ValueError``
naming the entry; the reader puts the file's name in front.
"""

from __future__ import annotations

from typing import Any

from aekit.io.fitted_values import finite_number, positive_scale, said

# The entries of a state, what each holds (as a message says it), and whether files written
# before it existed lack it (those load without it, as set_state reads them; a null range too).
_ENTRIES = {
    "input_is_frame": (bool, "true or false", False),
    "feature_names_in": (list, "a list of the column names", False),
    "column_labels": (list, "a list of the column labels", True),
    "dtypes": (dict, "an object of each column's type", False),
    "categories": (dict, "an object of each text column's categories (lists)", False),
    "mean": (dict, "an object of each numeric column's mean", False),
    "scale": (dict, "an object of each numeric column's scale", False),
    "groups": (list, "a list of [name, start, stop, kind] of each column", False),
    "one_hot_groups": (list, "a list of [start, stop] pairs", True),
    "range": (dict, "an object of each numeric column's [least, largest] in fit", True),
}


def check_state(state: Any) -> None:
    """``ValueError`` saying what is wrong when ``state`` is not one ``get_state`` writes.

    Parameters
    ----------
    state : object
        The JSON document read.
    """
    if not isinstance(state, dict):
        raise ValueError(f"it holds {type(state).__name__}, not a JSON object")
    for key, (kind, meaning, optional) in _ENTRIES.items():
        if key not in state:
            if optional:
                continue
            raise ValueError(f"it has no {key!r} entry")
        value = state[key]
        if not isinstance(value, kind) and not (key == "range" and value is None):
            raise ValueError(f"its {key!r} entry is {_short(value)}, not {meaning}")
    for name, categories in state["categories"].items():
        if not isinstance(categories, list):
            raise ValueError(f"categories[{name!r}] is {_short(categories)}, not a list of them")
    for name, mean in state["mean"].items():
        finite_number(f"mean[{name!r}]", mean, "a column's mean is a finite number")
    for name, scale in state["scale"].items():
        positive_scale(f"scale[{name!r}]", scale)
    for name, bounds in (state.get("range") or {}).items():
        _check_range(name, bounds)
    _check_groups(state)


def _check_range(name: str, bounds: Any) -> None:
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise ValueError(f"range[{name!r}] is {_short(bounds)}, not [least, largest]")
    meaning = "a range is two finite numbers"
    least, largest = (finite_number(f"range[{name!r}]", b, meaning) for b in bounds)
    if least > largest:
        raise ValueError(f"range[{name!r}] is {bounds}; its least value exceeds its largest")


def _check_groups(state: dict[str, Any]) -> None:
    """The columns each input column encodes into, one after the other from column 0: one for
    a numeric column (which has a mean and a scale), one per category for a text column. A
    category added to categories alone was written past its group, into the next column's."""
    stop = 0
    for group in state["groups"]:
        if not (isinstance(group, list) and len(group) == 4 and _whole(group[1:3])):
            raise ValueError(f"groups holds {_short(group)}, not [name, start, stop, kind]")
        name, start, end, kind = group
        if start != stop:
            raise ValueError(f"group {name!r} starts at column {start}, not {stop}")
        if kind == "numeric":
            width = 1
            if name not in state["mean"] or name not in state["scale"]:
                raise ValueError(f"numeric column {name!r} has no mean or scale")
        elif kind == "categorical":
            width = len(state["categories"].get(name, []))
        else:
            raise ValueError(f"group {name!r} is of kind {said(kind)}, not numeric or categorical")
        if end - start != width:
            raise ValueError(
                f"group {name!r} spans {end - start} columns, but its {kind} column encodes "
                f"into {width}"
            )
        stop = end


def _whole(values: list) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _short(value: Any) -> str:
    """``value`` quoted, cut to a line (an entry can hold thousands of categories)."""
    text = said(value)
    return text if len(text) <= 60 else text[:57] + "..."
