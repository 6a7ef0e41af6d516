"""Checks of the fitted numbers a file holds (a model file's header, a RUN's encoder.json), as a
fit gives them.

Checksums can be renewed after an edit, so the values behind them are checked as a file loads:
an edited threshold or scale loaded, then flagged nothing (a NaN threshold), everything (a
negative scale), or blamed the user's rows for its own NaN ("DATA has 50 values that are not
finite"). Each check raises a ``ValueError`` naming the entry and what a fit gives; the loader
puts the file's name in front.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any


def said(value: Any) -> str:
    """``value`` as a message quotes it: as the JSON file holds it where they differ (null)."""
    return "null" if value is None else repr(value)


def _as_float(value: Any) -> float | None:
    """``value`` as a float when it is a number (a bool is none), else None."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    try:
        return float(value)
    except OverflowError:  # an int of 400 digits: no float holds it
        return math.inf


def finite_number(name: str, value: Any, meaning: str) -> float:
    """``value`` as a float; ``ValueError`` "NAME is VALUE; MEANING" when it is no finite
    number (NaN, infinite, text, null).

    Parameters
    ----------
    name : str
        The entry, as the message names it (``"threshold_"``, ``"mean['age']"``).
    value : object
        What the file holds there.
    meaning : str
        What a fit gives there, said after the value ("a threshold is a finite score").

    Returns
    -------
    number : float
    """
    number = _as_float(value)
    if number is None or not math.isfinite(number):
        raise ValueError(f"{name} is {said(value)}; {meaning}")
    return number


def positive_scale(name: str, value: Any) -> float:
    """``value`` as a float; ``ValueError`` "NAME is VALUE; a scale must be positive and finite"
    otherwise (values are divided by a scale: 0 gave NaN, a negative one turned scores over).

    Parameters
    ----------
    name : str
        The entry, as the message names it.
    value : object
        What the file holds there.

    Returns
    -------
    scale : float
    """
    number = _as_float(value)
    if number is None or not 0 < number < math.inf:
        raise ValueError(f"{name} is {said(value)}; a scale must be positive and finite")
    return number


def positive_scales(name: str, values: Any) -> list[float]:
    """Each of ``values`` (a list) as a :func:`positive_scale`, named ``NAME[i]``.

    Parameters
    ----------
    name : str
        The entry, as the message names it.
    values : object
        What the file holds there.

    Returns
    -------
    scales : list of float
    """
    return _each(name, values, "scales", positive_scale)


def finite_numbers(name: str, values: Any, meaning: str) -> list[float]:
    """Each of ``values`` (a list) as a :func:`finite_number`, named ``NAME[i]``.

    Parameters
    ----------
    name : str
        The entry, as the message names it.
    values : object
        What the file holds there.
    meaning : str
        What a fit gives there, said after the value.

    Returns
    -------
    numbers : list of float
    """
    return _each(name, values, "numbers", lambda entry, v: finite_number(entry, v, meaning))


def _each(name: str, values: Any, what: str, check: Any) -> list[float]:
    """``check(NAME[i], value)`` of each of ``values``, which must be a list of ``what``."""
    if not isinstance(values, (list, tuple)):
        raise ValueError(f"{name} is {said(values)}; it is a list of {what}")
    return [check(f"{name}[{i}]", value) for i, value in enumerate(values)]


_JSON_KINDS = {
    list: "a list",
    str: "text",
    bool: "true or false",
    int: "a number",
    float: "a number",
}


def json_object(name: str, value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object; ``ValueError`` "its NAME entry is a list, not a JSON
    object" otherwise (a list's ``.items()``, or null's subscript, said Python's words).

    Parameters
    ----------
    name : str
        The header's entry (``"params"``, ``"fitted"``).
    value : object
        What the header holds there.

    Returns
    -------
    value : dict
    """
    if not isinstance(value, dict):
        kind = "null" if value is None else _JSON_KINDS.get(type(value), type(value).__name__)
        raise ValueError(f"its {name!r} entry is {kind}, not a JSON object")
    return value
