"""Where each row of a series sits in time, in units in which its steps are even.

Windows assume one step between points, so a time column must be evenly spaced, but "evenly" is
a calendar notion: a daily series in a zone with daylight saving time has 23- and 25-hour days
in UTC, and a monthly one has steps of 28 to 31 days. The axis is therefore the first of these
on which the steps are all equal:

1. instants (UTC seconds): hourly or finer, also across daylight saving changes;
2. wall-clock seconds in the column's own zone: daily or weekly in local time;
3. months (year * 12 + month), when every date is the same day of its month (or every one a
   month's last day) at the same time of day: monthly, quarterly, yearly;
4. business days (``np.busday_count``), when every date is a weekday at the same time of day;
5. pandas' inferred frequency (``pd.infer_freq``: week-of-month dates, for instance): the rows
   are then its consecutive steps.

A series with gaps is even on none of them; it is put on the one whose regular step the most
steps equal (where its gaps are counted and, with ``handle_missing="interpolate"``, filled), and
the step is named in messages (``step``, :mod:`aekit.timeseries.step_names`) so the grid is never
unstated.

The regular step is the most common one (:func:`regular_step`), not the median: in a series
sampled every 5 minutes with a third of its points missing (NAB's traffic series), more than
half the steps can be gaps of 10 minutes or more, and the median then falls between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from aekit.timeseries.step_names import frequency_name, step_name

# A UTC offset at the end of a timestamp as text ("+02:00", "-0500", "Z").
_OFFSET = r"(?:[+-]\d\d:?\d\d|Z)$"


# Steps within 10% of one another are one step made uneven by jitter (a logger that writes
# every 10 minutes, give or take one: NAB's TravelTime_451) when the most common one is sought.
_JITTER = 0.1


@dataclass
class TimeAxis:
    """``t``: each time's position (float64, strictly increasing), in ``unit`` (None: seconds;
    "month", "B" for business days, "number" for a numeric column's own units, "row" for rows
    of a pandas frequency); ``spacing``: the regular step on that axis; ``step``: that step in
    words ("1 hour", "1 month", "1 business day", :mod:`aekit.timeseries.step_names`)."""

    t: np.ndarray
    spacing: float
    step: str
    unit: str | None = None
    # The row of X that each point of ``t`` stands for in messages (the last of the rows that
    # share its time), when repeated timestamps were merged; None: point i is row i.
    rows: np.ndarray | None = None
    # The first time as a wall clock, where the column holds local times without their zone
    # (a gap's clock time then says whether it is the hour daylight saving time skips); None
    # for numbers and zoned times.
    wall_start: Any = None

    def row(self, point: int) -> int:
        """The row of X named for ``point`` of ``t``."""
        return point if self.rows is None else int(self.rows[point])


def regular_step(t: np.ndarray) -> float:
    """The step between most consecutive points of ``t`` (strictly increasing): the most common
    step, counting as one the steps within 10% of it (jitter), as the median of those; the
    smallest such step on a tie. 1.0 for a single point."""
    steps = np.sort(np.diff(t))
    if not len(steps):
        return 1.0
    low = np.searchsorted(steps, steps * (1 - _JITTER), "left")
    high = np.searchsorted(steps, steps * (1 + _JITTER), "right")
    most = int(np.argmax(high - low))  # the first of the sorted steps: the smallest on a tie
    return float(np.median(steps[low[most] : high[most]]))


def numeric_axis(t: np.ndarray) -> TimeAxis:
    """A time column of numbers: its own units."""
    return _axis(t, "number")


def _axis(t: np.ndarray, unit: str | None) -> TimeAxis:
    spacing = regular_step(t)
    return TimeAxis(t, spacing, step_name(spacing if len(t) > 1 else 0.0, unit), unit)


def date_axis(column, stamps) -> TimeAxis:
    """``stamps``: the column as UTC instants (already checked strictly increasing)."""
    import pandas as pd

    utc = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy(np.float64)
    local = _wall_clock(column)
    candidates = [(utc, None)]
    if local is not None:
        wall = (local - local.iloc[0]).dt.total_seconds().to_numpy(np.float64)
        if (np.diff(wall) > 0).all():
            candidates.append((wall, None))
        for t, unit in ((_months(local), "month"), (_business_days(local), "B")):
            if t is not None:
                candidates.append((t, unit))
    for t, unit in candidates:
        if _even(t):
            return _axis(t, unit)
    if local is not None and len(local) > 2:
        freq = _inferred_freq(pd.DatetimeIndex(local))
        if freq is not None:
            rows = np.arange(len(local), dtype=np.float64)
            return TimeAxis(rows, 1.0, frequency_name(freq), "row")
    t, unit = max(candidates, key=lambda c: _fit_with_gaps(c[0]))
    axis = _axis(t, unit)
    if local is not None and not zoned(column):
        axis.wall_start = local.iloc[0]
    return axis


def zoned(column) -> bool:
    """Whether the column's times carry their zone (a zone-aware dtype, or text with offsets)."""
    import pandas as pd

    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return True
    if pd.api.types.is_datetime64_dtype(column):
        return False
    return bool(column.astype(str).str.contains(_OFFSET, regex=True).any())


def _inferred_freq(index) -> str | None:
    """``pd.infer_freq`` as text, in pandas versions that give a string or an offset (pandas
    3 warns that it will change, so the option is set to the offset for this call)."""
    import pandas as pd

    try:
        with pd.option_context("future.infer_freq_returns_offset", True):
            freq = pd.infer_freq(index)
    except (KeyError, pd.errors.OptionError):  # a pandas without the option: a string
        freq = pd.infer_freq(index)
    return getattr(freq, "freqstr", freq)


def _wall_clock(column):
    """The column's dates as wall-clock times without a zone, or None where not known."""
    import pandas as pd

    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(column):
        return column
    # Text as pandas writes a zone-aware column ("2024-03-31 00:00:00+01:00"): the wall clock is
    # the text without its offset.
    text = column.astype(str).str.replace(_OFFSET, "", regex=True)
    local = pd.to_datetime(text, errors="coerce", format="ISO8601")
    return None if local.isna().any() else local


def _months(local) -> np.ndarray | None:
    """Months since year 0, when every date holds the same place in its month."""
    day_time = local - local.dt.normalize()
    if day_time.nunique() != 1:
        return None
    if local.dt.day.nunique() != 1 and not local.dt.is_month_end.all():
        return None
    return (local.dt.year * 12 + local.dt.month - 1).to_numpy(np.float64)


def _business_days(local) -> np.ndarray | None:
    """Weekdays since the first date, when every date is a weekday at the same time of day."""
    if (local.dt.day_of_week >= 5).any() or (local - local.dt.normalize()).nunique() != 1:
        return None
    days = local.dt.normalize().to_numpy("datetime64[D]")
    return np.busday_count(days[0], days).astype(np.float64)


def _even(t: np.ndarray) -> bool:
    return len(t) < 3 or _share_regular(t) == 1.0


def _share_regular(t: np.ndarray) -> float:
    """The share of the steps of ``t`` that are its regular step (0 when it is not increasing)."""
    steps = np.diff(t)
    if not len(steps) or (steps <= 0).any():
        return 0.0
    return float(np.isclose(steps, regular_step(t), rtol=1e-6, atol=0).mean())


def _fit_with_gaps(t: np.ndarray) -> tuple[float, float]:
    """How well a series with gaps sits on axis ``t``: the share of its steps that are the
    regular step, then (on a tie) the share that are a whole number of them. A daily series in
    a zone with daylight saving, whose 23-hour day falls in a gap, has as many regular steps in
    UTC as in local days, but only in local days is that gap a whole number of days."""
    share = _share_regular(t)
    if not share:
        return 0.0, 0.0
    multiples = np.diff(t) / regular_step(t)
    return share, float(np.isclose(multiples, np.round(multiples), rtol=1e-6, atol=0).mean())
