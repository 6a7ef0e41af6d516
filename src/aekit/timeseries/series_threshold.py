"""``contamination="auto"`` of :class:`aekit.SeriesAnomalyDetector`: a tail fitted to the training
points' scores once the footprints of the clear anomalies among them are taken out.

A point's score is the mean over the windows covering it, so one anomalous point lifts the
scores of the ``2 * window - 1`` points around it: four one-point spikes in 3,000 training
points (window 64) lift about 16% of the scores, past the 10% that the tabular rule
(:func:`aekit.anomaly.thresholds.robust_pot_threshold`, a tail through the 75th and 90th
percentiles) tolerates, and its threshold landed among the spikes (1 of 4 flagged). So:

1. **Peel.** Points above a loose exponential tail through the 25th percentile and the median
   (:data:`PEEL_QUANTILES`: those two move only when half the points are lifted; for Gaussian
   scores the tail lands about 10 standard deviations up) are the footprints of clear
   anomalies; they are taken out, and the loose tail is drawn again on what is left, until
   nothing more goes. At most a third of the points (:data:`MAX_PEELED`) are taken out: a
   training series is mostly normal, and where more would go the lifted stretches are the
   series' own behaviour (a peel of up to half took the busy stretches out of NAB training
   parts, whose quiet rest then set a threshold that flagged most of the series), so the peel
   stops before them. The points above the loose tail already are a clear anomaly's footprint
   (the points whose windows hold it, less its faint edges); the peel once also took the
   ``window - 1`` points either side of them (:data:`PEEL_REACH` 1), which doubled what one
   spike costs, so that a single spike in 600 points (window 64) passed the cap and was never
   flagged, nor were eight in 3,000, and on NAB it took busy stretches out (the README's
   "Thresholds of a series" measures both).
2. **Fit.** The threshold is the exponential tail through the 75th and 90th percentiles of the
   points left (:func:`aekit.anomaly.thresholds.exponential_tail_threshold`), without the
   lower peaks-over-threshold fit the tabular rule also takes: a series of ``n`` points holds
   only about ``n / window`` independent scores, a tail fitted to so few often ends at the
   largest training score, and new windows of the same process exceed it.

The scores read are the training points' as new points would score
(:meth:`PointScores._scores_as_new`: without their overlapping windows among their neighbours).
Measured by ``benchmarks/series_thresholds.py`` (README, "Thresholds of a series").
"""

from __future__ import annotations

import warnings

import numpy as np

from aekit.anomaly import thresholds
from aekit.anomaly.ensemble import SPREAD_RESOLUTION
from aekit.warning_lines import caller_level

PEEL_QUANTILES = (0.25, 0.5)
MAX_PEELED = 1 / 3  # the largest share of the points taken out
MAX_PEELS = 10
PEEL_REACH = 0.0  # points taken out either side of those above the loose tail, in windows - 1


def footprints(flagged: np.ndarray, reach: int) -> np.ndarray:
    """The points within ``reach`` of a flagged one, as a mask like ``flagged`` (a series
    shorter than the reach too)."""
    flagged_before = np.concatenate([[0], np.cumsum(flagged)])  # flagged among the first i
    at = np.arange(len(flagged))
    first, after_last = np.maximum(at - reach, 0), np.minimum(at + reach + 1, len(flagged))
    return flagged_before[after_last] > flagged_before[first]


def peeled(scores: list[np.ndarray], window: int, risk: float) -> np.ndarray:
    """The scores of every series left once the footprints of the clear anomalies are out.
    What is taken out stays out: each pass draws the loose tail on what is left and adds the
    footprints above it, until a pass adds none (or would pass the cap, or the tail cannot be
    drawn: the quantiles of what is left are tied)."""
    kept = [np.ones(len(s), dtype=bool) for s in scores]
    total = left_before = sum(len(s) for s in scores)
    for _ in range(MAX_PEELS):
        remaining = np.concatenate([s[k] for s, k in zip(scores, kept)])
        loose = thresholds.exponential_tail_threshold(remaining, risk, *PEEL_QUANTILES)
        if not np.isfinite(loose):
            break
        reach = int(round(PEEL_REACH * (window - 1)))
        now = [k & ~footprints(s > loose, reach) for s, k in zip(scores, kept)]
        left = sum(k.sum() for k in now)
        if left < (1 - MAX_PEELED) * total or left == left_before:
            break
        kept, left_before = now, left
    return np.concatenate([s[k] for s, k in zip(scores, kept)])


def auto_threshold(scores: list[np.ndarray], window: int, risk: float) -> float:
    """The threshold of ``contamination="auto"`` from each training series' point scores."""
    every = thresholds.finite_scores(np.concatenate(scores))
    if np.ptp(every) <= SPREAD_RESOLUTION:  # a constant series: as the tabular rule treats it
        return thresholds.new_row_threshold(every, "contamination", 3.0, risk)
    kept = peeled([np.asarray(s, dtype=np.float64) for s in scores], int(window), risk)
    threshold = thresholds.exponential_tail_threshold(kept, risk)
    if not np.isfinite(threshold):  # tied quantiles: no exponential tail to draw
        threshold = thresholds.pot_threshold(kept, risk)
    return thresholds.above_ties(threshold, every)


def warn_of_lifted_points_unflagged(
    scores: list[np.ndarray], threshold: float, window: int, risk: float
) -> None:
    """Warn when more than the peel's cap of the training points score above its loose tail
    and the threshold is above every one of them: the peel took nothing out, so the tail was
    drawn through the lifted points themselves. Two clear spikes in 604 points (window 64)
    lift 254 points, 42%: the threshold landed at 323 against training scores of at most 143,
    and a continuation's spikes went unflagged without a word (NAB's ec2_cpu_utilization)."""
    every = thresholds.finite_scores(np.concatenate(scores))
    if not every.size or threshold <= every.max():
        return
    loose = thresholds.exponential_tail_threshold(every, risk, *PEEL_QUANTILES)
    share = float(np.mean(every > loose)) if np.isfinite(loose) else 0.0
    if share <= MAX_PEELED:
        return
    warnings.warn(
        f"contamination='auto' flags none of the {every.size} training points: {share:.0%} of "
        f"them score far above the rest (the {2 * window - 1} points around each clear "
        f"anomaly, or busy stretches), more than the third it takes out as anomalies, so the "
        f"threshold ({threshold:.4g}) lies above every training score ({every.max():.4g}). If "
        "the training series holds anomalies, give the expected anomaly rate "
        "(contamination=...), a smaller window, or a longer training series.",
        UserWarning,
        stacklevel=caller_level(),
    )
