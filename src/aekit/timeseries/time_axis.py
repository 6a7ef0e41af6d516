"""Where each row of a series sits in time, in units in which its steps are even.

Windows assume one step between points, so a time column must be evenly spaced, but "evenly" is
a calendar notion: a daily series in a zone with daylight saving time has 23- and 25-hour days
in UTC, and a monthly one has steps of 28 to 31 days. The axis is therefore the first of these
on which the steps are all equal (as one median step):

1. instants (UTC seconds): hourly or finer, also across daylight saving changes;
2. wall-clock seconds in the column's own zone: daily or weekly in local time;
3. months (year * 12 + month), when every date is the same day of its month (or every one a
   month's last day) at the same time of day: monthly, quarterly, yearly;
4. business days (``np.busday_count``), when every date is a weekday at the same time of day;
5. pandas' inferred frequency (``pd.infer_freq``: week-of-month dates, for instance): the rows
   are then its consecutive steps.

A series with gaps is even on none of them; it is put on the one whose median step the most
steps equal (where its gaps are counted and, with ``handle_missing="interpolate"``, filled), and
the step is named in messages (``step``) so the grid is never unstated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A UTC offset at the end of a timestamp as text ("+02:00", "-0500", "Z").
_OFFSET = r"(?:[+-]\d\d:?\d\d|Z)$"


@dataclass
class TimeAxis:
    """``t``: each row's position (float64, strictly increasing); ``step``: the even step on
    that axis, in words or as a pandas frequency ("h", "D", "1 month", "B", "60")."""

    t: np.ndarray
    step: str


def numeric_axis(t: np.ndarray) -> TimeAxis:
    """A time column of numbers: its own units."""
    step = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    return TimeAxis(t, f"{step:g}")


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
            return TimeAxis(t, _step_name(t, unit))
    if local is not None and len(local) > 2:
        freq = _inferred_freq(pd.DatetimeIndex(local))
        if freq is not None:
            return TimeAxis(np.arange(len(local), dtype=np.float64), freq)
    t, unit = max(candidates, key=lambda c: _share_at_median(c[0]))
    return TimeAxis(t, _step_name(t, unit))


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
    return len(t) < 3 or _share_at_median(t) == 1.0


def _share_at_median(t: np.ndarray) -> float:
    steps = np.diff(t)
    if not len(steps) or (steps <= 0).any():
        return 0.0
    return float(np.isclose(steps, np.median(steps), rtol=1e-6, atol=0).mean())


def _step_name(t: np.ndarray, unit: str | None) -> str:
    import pandas as pd

    step = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    if unit == "B":
        return "B" if step == 1 else f"{step:g}B"
    if unit == "month":
        return f"{step:g} month" + ("s" if step != 1 else "")
    if step <= 0:
        return "one point"
    if step % 86400 == 0:  # pandas writes a day as "24h"
        days = int(step // 86400)
        return "D" if days == 1 else f"{days}D"
    try:
        return pd.tseries.frequencies.to_offset(pd.Timedelta(seconds=step)).freqstr
    except ValueError:
        return f"{step:g}s"
