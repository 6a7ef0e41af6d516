"""A channel that stops moving (a stuck sensor, a feed repeating its last value): scored where a
window's channel moves less than every training window's did.

A window standing still is easy to reconstruct and lies near the quietest training windows,
so the window detector scores it no higher than a normal one: in
``benchmarks/series_flatlines.py`` a channel of noise stuck for 300 points was flagged in one
of two seeds, one of three noise channels stuck in neither, an autoregressive series in one.
What a stuck channel lacks is motion, so each window's channel gets one, in standardized
units::

    m_{w,c} = mean over the window of |z_{t+1,c} - z_{t,c}|

and the floor of each channel is the least motion of a training window over a margin,
``f_c = min_w m_{w,c} / MARGIN``. A window moving less adds its shortfall, in units of a
typical training window's score ``u``::

    S'_w = S_w + u * sum over channels of max(0, 1 - m_{w,c} / f_c)

so a channel stood still (m = 0) adds one typical window's score, and one moving half as much
as its floor half of that. A channel constant in training has a floor of 0 and is never scored
(standing still is its normal); a training window never moves below its floor, so the
training scores and the threshold fitted to them are unchanged. With it, every stuck stretch
of that benchmark is flagged, at the same false alarms; NAB's 42 labelled series
(``benchmarks/timeseries.py``, the README's time-series section) score as without (mean
VUS-PR 0.540 both; its one flat-line anomaly, ``art_daily_flatmiddle``, 0.719 -> 0.800).
"""

from __future__ import annotations

import numpy as np

# The floor under the least motion of a training window (as the peak gate's margin:
# :data:`aekit.timeseries.peak_errors.GATE_MARGIN`).
MARGIN = 1.5
# Training windows scored for the unit u, evenly spaced (its median moves little beyond this).
UNIT_SAMPLE = 2000


def window_motion(rows: np.ndarray, channels: int) -> np.ndarray:
    """``(n_windows, channels)``: the mean absolute step of each channel within each window of
    ``rows`` (standardized windows in channel-major order)."""
    per_channel = rows.reshape(len(rows), channels, -1)
    return np.abs(np.diff(per_channel, axis=2)).mean(axis=2)


def training_floor(rows: np.ndarray, channels: int) -> np.ndarray:
    """``flatline_floor_``: each channel's least motion among the training windows, over
    :data:`MARGIN` (0 for a channel constant in training: never scored)."""
    return window_motion(rows, channels).min(axis=0) / MARGIN


def training_unit(detector, rows: np.ndarray) -> float:
    """``flatline_unit_``: the median score of (at most :data:`UNIT_SAMPLE` evenly spaced)
    training windows, or their interquartile range if larger (a score that can be negative,
    an estimator's log-likelihood, has no typical size of its own)."""
    picked = rows[np.linspace(0, len(rows) - 1, min(len(rows), UNIT_SAMPLE)).astype(int)]
    scores = np.asarray(detector.anomaly_score(picked), dtype=np.float64)
    q1, median, q3 = np.percentile(scores, [25, 50, 75])
    return float(max(median, q3 - q1))


def flatline_shares(
    rows: np.ndarray, channels: int, floor: np.ndarray | None, unit: float | None
) -> np.ndarray:
    """``(n_windows, channels)``: what each channel's stillness adds to each window's score;
    zeros without a floor (``flatlines=False``, or a model file written before them)."""
    if floor is None or unit is None:
        return np.zeros((len(rows), channels))
    motion = window_motion(rows, channels)
    with np.errstate(invalid="ignore", divide="ignore"):
        shortfall = np.where(floor > 0, 1.0 - motion / floor, 0.0)
    return unit * np.maximum(shortfall, 0.0)
