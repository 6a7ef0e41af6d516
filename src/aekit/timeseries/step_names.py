"""A time step as a person reads it ("1 hour", "5 minutes", "390 seconds", "1 month"): the one
name every message and ``SeriesAnomalyDetector.time_step_`` use, so that fit and score compare
like with like.

Pandas' frequency codes ("h", "5min", "390s", "B") are short but not words; a step is named in
the largest unit of which it is a whole number (within 0.1%, so that a jittered step of 299.9 s
still reads "5 minutes"), else in seconds to 3 significant digits. A step of months, business
days or a numeric time column's own units is named in those.
"""

from __future__ import annotations

import re

# Fixed durations, largest first: a step is named in the first it is a whole multiple of.
_UNITS = (("week", 604800.0), ("day", 86400.0), ("hour", 3600.0), ("minute", 60.0))
_WHOLE = 1e-3  # relative: 299.9 s is 5 minutes, 301 s is not
NO_STEP = "one point"  # the "step" of a series of one time: there is none to compare


def _count(value: float, unit: str) -> str:
    return f"{value:g} {unit}" + ("" if value == 1 else "s")


def _whole(value: float) -> float | None:
    nearest = round(value)
    return float(nearest) if nearest >= 1 and abs(value - nearest) <= _WHOLE * value else None


def duration_name(seconds: float) -> str:
    """A fixed step in seconds ("1 hour", "36 hours", "390 seconds", "0.5 seconds")."""
    if seconds <= 0:
        return NO_STEP
    for unit, size in _UNITS:
        count = _whole(seconds / size)
        if count is not None:
            return _count(count, unit)
    return _count(_rounded(seconds), "second")


def length_name(seconds: float) -> str:
    """A length of time, such as a gap, in the largest unit it holds at least one of, to 3
    significant digits ("45.6 hours", not "2735 minutes", which a step's whole units give)."""
    for unit, size in _UNITS:
        rounded = float(f"{seconds / size:.3g}")  # 3599.9 s is 1 hour, not 60 minutes
        if rounded >= 1:
            return _count(rounded, unit)
    return duration_name(seconds)


def _rounded(value: float) -> float:
    """``value`` whole (within 0.1%) or to 3 significant digits: a jittered step's name is
    not its every digit."""
    count = _whole(value)
    return count if count is not None else float(f"{value:.3g}")


def step_name(step: float, unit: str | None) -> str:
    """A step on a time axis (:mod:`aekit.timeseries.time_axis`): ``unit`` None for seconds,
    "month", "B" (business days) or "number" (a numeric time column, in its own units)."""
    if step <= 0:
        return NO_STEP
    if unit is None:
        return duration_name(step)
    if unit == "month":
        return _count(step / 12, "year") if step % 12 == 0 else _count(step, "month")
    if unit == "B":
        return _count(step, "business day")
    return _count(_rounded(step), "time-column unit")


def frequency_name(freq: str) -> str:
    """A pandas frequency that is no fixed duration (week of month, "WOM-1MON"): its code, said
    to be one."""
    return f"one {freq!r} period (pandas frequency)"


def same_step(a: str, b: str) -> bool:
    """Whether two step names are one step: equal, or the same kind of unit within 10% (the
    jitter :func:`aekit.timeseries.time_axis.regular_step` counts as one step), so that two
    jittered series, whose regular steps differ by a fraction of a percent, are not warned of."""
    if a == b:
        return True
    first, second = _measure(a), _measure(b)
    if first is None or second is None or first[0] != second[0]:
        return False
    return abs(first[1] - second[1]) <= 0.1 * max(first[1], second[1])


def _measure(name: str) -> tuple[str, float] | None:
    """A name of :func:`step_name` as (kind of unit, size in its smallest unit), else None."""
    sizes = {"second": ("s", 1.0), "month": ("month", 1.0), "year": ("month", 12.0)}
    sizes |= {unit: ("s", size) for unit, size in _UNITS}
    sizes |= {"business day": ("B", 1.0), "time-column unit": ("number", 1.0)}
    found = re.fullmatch(r"(\S+) (.+?)s?", name)
    if found is None or found[2] not in sizes:
        return None
    kind, size = sizes[found[2]]
    return kind, float(found[1]) * size


# The frequency codes pandas 2.2 renamed (its deprecations), as files of older ones hold them
_RENAMED_CODES = {
    "H": "h", "T": "min", "S": "s", "L": "ms", "U": "us", "N": "ns", "M": "ME", "A": "YE",
    "Y": "YE", "Q": "QE", "BM": "BME", "BA": "BYE", "BY": "BYE", "BQ": "BQE", "AS": "YS",
    "BAS": "BYS", "BH": "bh", "CBH": "cbh", "SM": "SME", "CBM": "CBME",
}  # fmt: skip
_SAVED_STEP = "it is a time step in words ('1 hour'), pandas' code of one ('h'), or null"


def from_saved(name: str | None) -> str | None:
    """A step name as model files written before these names kept it (pandas codes: "h",
    "5min", "390s", "D", "2B"; numbers: "60"), in today's words; today's names unchanged."""
    import pandas as pd

    if name is not None and not isinstance(name, str):  # an edited model file's
        raise ValueError(f"time_step_ is {name!r}; {_SAVED_STEP}")
    if name is None or " " in name:
        return name
    try:
        return step_name(float(name), "number")
    except ValueError:
        pass
    days = re.fullmatch(r"(\d*)(B|D)", name)
    if days:
        count = float(days[1] or 1)
        return step_name(count, "B") if days[2] == "B" else duration_name(count * 86400)
    renamed = re.fullmatch(r"(\d*)([A-Z]+)(-[A-Z]{3})?", name)  # a code pandas 2.2 renamed
    if renamed and renamed[2] in _RENAMED_CODES:  # (anchored too: A-DEC, Q-DEC)
        name = renamed[1] + _RENAMED_CODES[renamed[2]] + (renamed[3] or "")
    try:
        offset = pd.tseries.frequencies.to_offset(name)
    except ValueError:  # no code pandas ever wrote: an edit, which read as a pandas period
        raise ValueError(f"time_step_ is {name!r}; {_SAVED_STEP}") from None
    try:
        return duration_name(pd.Timedelta(offset).total_seconds())
    except (ValueError, TypeError):
        return frequency_name(name)
