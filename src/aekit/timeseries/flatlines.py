"""A channel that stops moving (a stuck sensor, a feed repeating its last value): scored where a
window's channel moves less than every training window's did.

A window standing still is easy to reconstruct and lies near the quietest training windows,
so the window detector scores it no higher than a normal one: in
``benchmarks/series_flatlines.py`` a channel of noise stuck for 300 points was flagged in one
of two seeds, one of three noise channels stuck in neither, an autoregressive series in one.
What a stuck channel lacks is motion, so each window's channel gets one, in standardized
units: the least, over the window's spans of half its steps (32 points of a window of 64: a
stuck stretch shorter than a window is seen too), of the mean absolute step::

    m_{w,c} = min over spans s in w of  mean over t in s of |z_{t+1,c} - z_{t,c}|

and the floor of each channel is the least motion of a span of the training series over a
margin, ``f_c = min m / MARGIN``. A window moving less adds its shortfall, in units of a
typical training window's score ``u``::

    S'_w = S_w + u * sum over channels of max(0, 1 - m_{w,c} / f_c)

so a channel stood still (m = 0) adds one typical window's score, and one moving half as much
as its floor half of that. A channel still for a span in training has a floor of 0 and is never
scored (standing still is its normal); a training window never moves below its floor, so the
training scores and the threshold fitted to them are unchanged. With it, 93-100% of the stuck
points of that benchmark are flagged (stretches of 300 and of 36 points), at the same false
alarms; NAB's 42 labelled series (``benchmarks/timeseries.py``, the README's time-series
section) score as without (mean VUS-PR 0.540 both; its one flat-line anomaly,
``art_daily_flatmiddle``, 0.719 -> 0.742).
"""

from __future__ import annotations

import warnings

import numpy as np

from aekit.warning_lines import caller_level

# The floor under the least motion of a training window (as the peak gate's margin:
# :data:`aekit.timeseries.peak_errors.GATE_MARGIN`).
MARGIN = 1.5
# A mean step (standardized) below this is a still span's rounding: cumulative sums over a whole
# series leave it where a window's own sums give 0, and a floor of it would lift training windows.
STILL = 1e-9
# A span is this fraction of a window's steps (1: the whole window). Half a window: on NAB the
# mean VUS-PR of the default with spans of a whole, half or quarter window is 0.540 / 0.540 /
# 0.538 (0.540 without flat lines); a stuck stretch of half a window is seen.
SPAN_FRACTION = 2
# Training windows scored for the unit u, evenly spaced (its median moves little beyond this).
UNIT_SAMPLE = 2000


def span_steps(window: int) -> int:
    """Steps in a span, the stretch whose motion is measured: a :data:`SPAN_FRACTION` of a
    window's steps (at least 2, at most all of them), so a stuck stretch that long is seen."""
    return min(window - 1, max(2, (window - 1) // SPAN_FRACTION))


def _span_means(steps: np.ndarray, k: int) -> np.ndarray:
    """The mean of every ``k`` consecutive values along the last axis (a still span: 0)."""
    zero = np.zeros((*steps.shape[:-1], 1))
    total = np.concatenate([zero, np.cumsum(steps, axis=-1)], axis=-1)
    return np.maximum(total[..., k:] - total[..., :-k], 0.0) / k


def window_motion(rows: np.ndarray, channels: int) -> np.ndarray:
    """``(n_windows, channels)``: each channel's motion in each window of ``rows``
    (standardized windows in channel-major order): the least mean absolute step over the
    window's spans (:func:`span_steps`)."""
    per_channel = rows.reshape(len(rows), channels, -1)
    steps = np.abs(np.diff(per_channel, axis=2))
    return _span_means(steps, span_steps(per_channel.shape[2])).min(axis=-1)


def training_floor(
    standardized: list[np.ndarray], window: int, made_up: list[np.ndarray | None]
) -> np.ndarray:
    """``flatline_floor_``: each channel's least motion in the training series (``(time,
    channels)`` each, standardized), over every span of them, so of every window whatever the
    stride (:meth:`causal_score` scores them all), over :data:`MARGIN`. A span touching a value
    ``handle_missing="interpolate"`` made up (``made_up``: ``(time, channels)`` masks, or None)
    is left out: a filled gap is a straight line, whose slope would set the floor and keep real
    flat lines from being scored. 0 for a channel still for a span somewhere (never scored;
    below :data:`STILL` a mean step is rounding of a still one); ``inf`` for one with no span
    of its own readings (made 0 by the caller, unsaid)."""
    k = span_steps(window)
    least = []
    for z, invented in zip(standardized, made_up):
        motion = _span_means(np.abs(np.diff(z, axis=0)).T, k)  # (channels, spans)
        if invented is not None:
            touched = _span_means((invented[1:] | invented[:-1]).T.astype(np.float64), k)
            motion = np.where(touched > 0, np.inf, motion)
        least.append(motion.min(axis=-1))
    least = np.min(least, axis=0)
    return np.where(least < STILL, 0.0, least) / MARGIN


def training_unit(detector, rows: np.ndarray) -> float | None:
    """``flatline_unit_``: the median score of (at most :data:`UNIT_SAMPLE` evenly spaced)
    training windows, or their interquartile range if larger (a score that can be negative,
    an estimator's log-likelihood, has no typical size of its own); None where the scores are
    not finite (no flat line is then scored)."""
    picked = rows[np.linspace(0, len(rows) - 1, min(len(rows), UNIT_SAMPLE)).astype(int)]
    scores = np.asarray(detector.anomaly_score(picked), dtype=np.float64)
    q1, median, q3 = np.percentile(scores, [25, 50, 75])
    unit = float(max(median, q3 - q1))
    return unit if np.isfinite(unit) else None


def warn_of_still_channels(
    floor: np.ndarray, constant: np.ndarray, names: list[str], window: int
) -> None:
    """A channel that moves in training but stands still for a span somewhere (a stuck stretch
    among the training points, an outage filled with one value, a coarse sensor's plateau)
    gets a floor of 0: its flat lines are then nothing new, and not scored, which is said."""
    still = [name for name, f, c in zip(names, floor, constant) if f == 0 and not c]
    if still:
        several = len(still) > 1
        warnings.warn(
            f"channel{'s' * several} {', '.join(still)} stand{'' if several else 's'} still "
            f"for {span_steps(window) + 1} points or more somewhere in the training series, so "
            f"a flat line in {'them' if several else 'it'} is nothing new and is not scored "
            "(flatlines). If that stretch is a fault (a stuck sensor, an outage filled with "
            "one value), leave it out of the training series.",
            UserWarning,
            stacklevel=caller_level(),
        )


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
