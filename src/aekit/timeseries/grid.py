"""A series on its regular time grid: windows assume one step between points, so a series
whose time axis has gaps (missing timestamps: a step of several regular steps) or irregular
steps (not a whole number of them), or missing values (NaN), is refused with a message that
counts and places them, or, with ``handle_missing="interpolate"``, resampled onto the grid of
its regular step (:func:`aekit.timeseries.time_axis.regular_step`) by linear interpolation in
time; outputs computed on the grid are given back at the original rows (:meth:`Series.to_rows`).

Interpolation has no limit on a gap's length, but a grid whose points are mostly made up scores
a straight line more than the series: when more than :data:`INVENTED_SHARE` of the grid points
have no row within half a step (NAB's ``rogue_agent_key_hold``: 1,882 rows on 5,338 points, a
gap of 547 steps), a warning says how many and names the longest gap, so the user can cut the
series at its long gaps (fit a list of the pieces) instead.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from aekit.data.non_finite import describe_non_finite
from aekit.timeseries.step_names import length_name, step_name
from aekit.timeseries.time_axis import TimeAxis
from aekit.warning_lines import caller_level

# The fix for missing values in a series, said by whichever check finds them first
MISSING_FIX = "Fill them, or pass handle_missing='interpolate'."

# Above this share of made-up grid points, interpolation is warned of: on NAB the series with
# gaps make up at most 8% of their points (ambient_temperature_system_failure) or 47% to 74%
# (the traffic series and rogue_agent_key_hold), so a fifth separates the two.
INVENTED_SHARE = 0.2


@dataclass
class Series:
    """One series as the detector uses it: ``values`` on an even grid ``(n_grid, channels)``,
    and where the original rows sit on that grid (``rows``; None when they are the grid)."""

    values: np.ndarray
    grid_time: np.ndarray | None = None
    row_time: np.ndarray | None = None
    step: str | None = None  # the time step, where the series has a time axis
    # (n_grid, channels): the values handle_missing="interpolate" made up; None: none
    made_up: np.ndarray | None = None

    def to_rows(self, per_point: np.ndarray) -> np.ndarray:
        """Values computed on the grid, at the original rows (linear in time)."""
        if self.row_time is None:
            return per_point
        if per_point.ndim == 1:
            return np.interp(self.row_time, self.grid_time, per_point)
        columns = [np.interp(self.row_time, self.grid_time, c) for c in per_point.T]
        return np.column_stack(columns)

    def at_rows(self, inverse: np.ndarray | None, axis: TimeAxis | None) -> Series:
        """This series, read from the distinct times of ``axis``, given back at rows that
        repeated some of them (``inverse``: each row's distinct time; None: no repeats)."""
        if inverse is None or axis is None:
            return self
        grid = axis.t if self.grid_time is None else self.grid_time
        return Series(
            self.values, grid_time=grid, row_time=axis.t[inverse], step=self.step,
            made_up=self.made_up,
        )  # fmt: skip


def on_grid(
    values: np.ndarray,
    axis: TimeAxis | None,
    handle_missing: str,
    what: str = "the time column",
    columns: list[str] | None = None,
) -> Series:
    """``values`` ``(rows, channels)`` at the times of ``axis`` (None: evenly spaced rows) as a
    :class:`Series` on its regular grid; refused (``handle_missing="error"``) when that needs
    any filling. ``what``: the time axis in words, for messages ("the index"); ``columns``: the
    channels' names, for messages (None: by position)."""
    named = None if axis is None else axis.step
    nan_rows = np.flatnonzero(np.isnan(values).any(axis=1))
    off = _off_grid(axis)
    if handle_missing == "error":
        if len(nan_rows):
            rows = _rows(axis, np.arange(len(values)))  # X's rows, repeats merged or not
            told = describe_non_finite(
                "X", np.isnan(values), row_ids=rows, n_rows=rows[-1] + 1, columns=columns
            )
            raise ValueError(f"{told}. {MISSING_FIX}")
        if len(off):
            raise ValueError(_gap_message(axis, off, what))
        return Series(values, step=named)
    if not len(nan_rows) and not len(off):
        return Series(values, step=named)
    if axis is None:
        t, step = np.arange(len(values), dtype=np.float64), 1.0
    else:
        t, step = axis.t, axis.spacing
    grid = t[0] + step * np.arange(int(round((t[-1] - t[0]) / step)) + 1)
    filled = []
    made_up = np.ones((len(grid), values.shape[1]), dtype=bool)
    at = np.clip(np.round((t - t[0]) / step).astype(np.int64), 0, len(grid) - 1)
    for number, channel in enumerate(values.T):
        seen = ~np.isnan(channel)
        if not seen.any():
            name = f" ({columns[number]!r})" if columns is not None else f" (column {number})"
            raise ValueError(f"a value column of X{name} is empty (all NaN); drop it.")
        filled.append(np.interp(grid, t[seen], channel[seen]))
        made_up[at[seen], number] = False  # a grid point with a reading of its own
    _warn_filled_channels(values, columns)
    if axis is not None:
        _warn_invented(grid, axis, what)
    return Series(np.column_stack(filled), grid_time=grid, row_time=t, step=named, made_up=made_up)


def _off_grid(axis: TimeAxis | None) -> np.ndarray:
    """The rows after which the next step is not the regular one."""
    if axis is None or len(axis.t) <= 2:
        return np.array([], dtype=int)
    steps = np.diff(axis.t)
    return np.flatnonzero(~np.isclose(steps, axis.spacing, rtol=1e-6, atol=0))


def _rows(axis: TimeAxis | None, points: np.ndarray) -> list[int]:
    """Rows of X for points of the axis (they differ once repeated timestamps are merged)."""
    return [int(p) if axis is None else axis.row(int(p)) for p in points]


def _warn_filled_channels(values: np.ndarray, columns: list[str] | None) -> None:
    """Warn of each channel with more than INVENTED_SHARE of its values missing: a dead sensor
    (NaN from some row on) filled by interpolation scores a straight line, unsaid, while the
    grid's own gaps (:func:`_warn_invented`) count missing timestamps only."""
    missing = np.isnan(values).sum(axis=0)
    for number in np.flatnonzero(missing > INVENTED_SHARE * len(values)):
        name = repr(columns[number]) if columns is not None else str(number)
        warnings.warn(
            f"handle_missing='interpolate' filled {missing[number]} of the {len(values)} "
            f"values of channel {name} ({missing[number] / len(values):.0%}; from its nearest "
            "readings, held flat beyond its first and last): windows score that line, not the "
            "sensor. If the sensor is dead, fit without it: name the channels with "
            "value_columns.",
            UserWarning,
            stacklevel=caller_level(),
        )


def _warn_invented(grid: np.ndarray, axis: TimeAxis, what: str) -> None:
    """Warn when more than INVENTED_SHARE of the grid points have no row within half a step."""
    t, step = axis.t, axis.spacing
    after = np.clip(np.searchsorted(t, grid), 1, len(t) - 1)
    nearest = np.minimum(np.abs(grid - t[after - 1]), np.abs(t[after] - grid))
    invented = int((nearest > step / 2).sum())
    if invented <= INVENTED_SHARE * len(grid):
        return
    gaps = np.diff(t)
    row = int(np.argmax(gaps))
    warnings.warn(
        f"handle_missing='interpolate' made up {invented} of the {len(grid)} points "
        f"({invented / len(grid):.0%}) of the grid of {what} (one point every {axis.step}): "
        f"they have no row within half a step; the longest gap, after row {axis.row(row)}, is "
        f"{_gap_name(float(gaps[row]), axis.unit)} ({gaps[row] / step:.0f} steps). Windows "
        "over long gaps score straight lines; cut the series at its long gaps and fit the "
        "pieces as a list.",
        UserWarning,
        stacklevel=caller_level(),
    )


def _gap_message(axis: TimeAxis, off: np.ndarray, what: str) -> str:
    """How many steps are gaps (a whole number of regular steps: missing timestamps) and how
    many are irregular, where the first of each is, and the two ways out."""
    multiples = np.diff(axis.t)[off] / axis.spacing
    whole = np.isclose(multiples, np.round(multiples), rtol=1e-6, atol=0)
    # timestamps a little early or late (the step was found counting them as it): said, as
    # they are no gap, though interpolation onto the grid is their fix too
    jitter = np.abs(multiples[~whole] - 1) < 0.5
    jittered = ", most less than half of it off: jitter" if 2 * jitter.sum() > len(jitter) else ""
    found = []
    for kind, rows, why in (
        ("gap", off[whole], "missing timestamps"),
        ("irregular step", off[~whole], f"not a whole number of {axis.step}{jittered}"),
    ):
        if len(rows):
            first = int(rows[0])
            length = _gap_name(float(axis.t[first + 1] - axis.t[first]), axis.unit)
            found.append(
                f"{len(rows)} {kind}{'s' if len(rows) > 1 else ''} ({why}; the first after "
                f"row {axis.row(first)}: {length})"
            )
    return (
        f"{what} is not evenly spaced: its step is {axis.step}, with "
        f"{' and '.join(found)}; resample X to one point every {axis.step}, or fill that "
        f"grid by linear interpolation: pass handle_missing='interpolate'.{_skipped_hour(axis)}"
    )


def _skipped_hour(axis: TimeAxis) -> str:
    """Advice for a gap of exactly one hour more than the step in local clock times without
    their zone, ending early on a Sunday, when daylight saving time begins (02:00 to 03:00 in
    Europe and North America): filling it would make up an hour that never was. (Any other
    missing hour of hourly data is a gap like another.)"""
    import pandas as pd

    if axis.unit is not None or axis.wall_start is None:
        return ""
    after = np.flatnonzero(np.isclose(np.diff(axis.t) - axis.spacing, 3600, rtol=0, atol=1e-6))
    for row in after:
        ends = axis.wall_start + pd.Timedelta(seconds=float(axis.t[row + 1]))
        if ends.dayofweek == 6 and ends.hour < 4:
            return (
                f" The gap after row {axis.row(int(row))}, ending on a Sunday at "
                f"{ends:%H:%M}, looks like the hour local clock times skip where daylight "
                "saving time begins: if so, write the timestamps with their UTC offset "
                "(2024-03-31 03:00:00+02:00), or in UTC, rather than fill it."
            )
    return ""


def _gap_name(gap: float, unit: str | None) -> str:
    """A gap in seconds as a length ("45.6 hours"); in a step's own units otherwise."""
    return length_name(gap) if unit is None else step_name(gap, unit)
