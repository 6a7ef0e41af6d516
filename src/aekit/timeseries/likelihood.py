"""The anomaly likelihood: how unusual the last few raw scores are against the scores of a
trailing stretch of the same series (Ahmad, Lavin, Purdy & Agha 2017, "Unsupervised real-time
anomaly detection for streaming data", Neurocomputing 262, section 4.3).

A fixed threshold on the raw score keeps flagging a series that has drifted away from the part
the model was fitted on: every window of the new level is far from the training windows. The
likelihood instead compares the mean of the last ``average`` raw scores,

    m_t = mean(s_{t-average+1}, ..., s_t),

with a Gaussian fitted to those means over the ``history`` points before t (mean mu_t, standard
deviation sigma_t, dividing by n), and reports the tail probability

    q_t = Q((m_t - mu_t) / sigma_t) = P(N(0, 1) > (m_t - mu_t) / sigma_t)

(the paper's likelihood is ``1 - q_t``; a point is flagged when ``q_t < epsilon``). A lasting
change raises ``m_t`` at once, so its first points are flagged, and then enters the trailing
window, which widens and shifts the Gaussian until the new level is ordinary: after about
``history`` points it is no longer flagged. Only high scores count (one-sided; the paper's code
flips low means too). The paper's eqs. 3-5 fit mu_t and sigma_t to the raw scores instead;
Numenta's NAB code, as here, to the means, whose spread is smaller (about sigma / sqrt(average)
for independent scores), so a point's z is larger than under the paper's equations.

One change to both: a mean enters the trailing Gaussian clipped at ``Q3 + 100 IQR`` of the
``history`` means before it (while there are fewer, the training series' Gaussian's,
``mu + 135.6 sigma``). Unclipped, one spike's means, thousands of IQRs above the rest, were the
Gaussian's whole spread for the next ``history`` points, and a level shift 600 points later
(its means 200 times the usual) was not flagged at all. Clipped, a spike still widens the
Gaussian, so smaller wobbles after an anomaly stay unflagged as in the paper, but only by so
much. The fence is far beyond Tukey's (3 IQR): on NAB the likelihood's purpose is to let a
drifting series stop being flagged, and the lower the fence, the longer a change that lasts
stays news (fence 3: 19 of the 48 series more than 10% flagged, 3 unclipped; 100: 4;
``benchmarks/timeseries_drift.py``, README). A lasting change still becomes ordinary: once it
holds a quarter of the history the fence moves up to it and its means enter whole. The point
scored is never clipped.
Everything is computed for a whole series at once with cumulative sums and rolling quartiles,
and ``q_t`` reads ``s`` at ``t`` and before only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aekit.anomaly.ensemble import SPREAD_RESOLUTION

WINDOW = 1000  # SeriesAnomalyDetector's likelihood_window: the order of NAB's series (1k-22k)
AVERAGE = 10  # the paper's short-term averaging window (raw scores)
MIN_HISTORY = 100  # the paper's estimationSamples: means before a series has its own Gaussian
FLOOR = 0.1  # smallest sigma, as a fraction of the training means' std (the paper floors variance)
FENCE = 100.0  # a mean above Q3 + FENCE * IQR of the history enters it clipped (above)
GAUSSIAN_Q3, GAUSSIAN_IQR = 0.6745, 1.349  # a Gaussian's Q3 - mu and IQR, in sigmas


def _window_sums(values: np.ndarray, first: np.ndarray, stop: np.ndarray):
    """Count, sum and sum of squares of the finite ``values[first[t]:stop[t]]`` for every t."""
    finite = np.isfinite(values)
    v = np.where(finite, values, 0.0)
    count = np.concatenate([[0], np.cumsum(finite)])
    total = np.concatenate([[0.0], np.cumsum(v)])
    squares = np.concatenate([[0.0], np.cumsum(v * v)])
    return (
        count[stop] - count[first],
        total[stop] - total[first],
        squares[stop] - squares[first],
    )


def moving_average(scores: np.ndarray, length: int = AVERAGE) -> np.ndarray:
    """Mean of the finite scores among the last ``length`` (t included); NaN where none is."""
    scores = np.asarray(scores, dtype=np.float64)
    t = np.arange(len(scores))
    n, total, _ = _window_sums(scores, np.maximum(t - length + 1, 0), t + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def tail_probability(
    scores: np.ndarray,
    history: int,
    min_history: int,
    floor: float,
    prior: tuple[float, float] | None = None,
    average: int = AVERAGE,
) -> np.ndarray:
    """``q_t`` of the module docstring for every point of one series of raw scores.

    Parameters
    ----------
    scores : ndarray of shape (time,)
        Raw anomaly scores, higher = more anomalous; NaN where a point has none yet (before
        the first whole window).
    history : int
        Trailing points whose averaged scores give the Gaussian (the paper's 8640).
    min_history : int
        Fewer averaged scores than this before t: the Gaussian is ``prior`` (or, without one,
        ``q_t = 0.5``, never flagged: the paper's probationary period).
    floor : float
        Smallest sigma used: a flat stretch (sigma near 0) would otherwise flag any rounding.
    prior : (mean, std) or None
        The Gaussian of the averaged scores of the training series.
    average : int, default=10

    Returns
    -------
    q : ndarray of shape (time,), in (0, 1]; 0.5 where there is no averaged score.
    """
    from scipy.special import ndtr

    m = moving_average(scores, average)
    t = np.arange(len(m))
    entered = _fenced(m, history, prior, floor)
    n, total, squares = _window_sums(entered, np.maximum(t - history, 0), t)  # before t only
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = total / np.maximum(n, 1)
        sigma = np.sqrt(np.maximum(squares / np.maximum(n, 1) - mu * mu, 0.0))
    early = n < min_history
    if prior is not None:
        mu = np.where(early, prior[0], mu)
        sigma = np.where(early, prior[1], sigma)
    z = (m - mu) / np.maximum(sigma, floor)
    q = ndtr(-z)  # Q(z) = P(N(0, 1) > z)
    undefined = ~np.isfinite(m) | (early if prior is None else False)
    return np.where(undefined, 0.5, q)


def _fenced(
    means: np.ndarray, history: int, prior: tuple[float, float] | None, floor: float
) -> np.ndarray:
    """Each mean as it enters the trailing Gaussian: at most ``Q3 + FENCE * IQR`` of the
    ``history`` means before it; before there are ``history`` of them, the prior's Gaussian's
    fence (none without a prior). Quartiles of fewer would climb: a spike's 74 means (window
    64) are more than a quarter of the first 200, and lift Q3 to themselves. The IQR is at
    least a Gaussian's of sigma ``floor`` (sigma's own floor): on a flat stretch, IQR 0, every
    ordinary wobble after it entered as the flat value and stayed flagged. A NaN among the
    ``history`` means (a direct caller's gap: the detector fills or refuses them) makes the
    fence the prior's until it leaves the window. NaN stays NaN."""
    trailing = pd.Series(means).rolling(history, min_periods=history)
    q1 = trailing.quantile(0.25).shift(1).to_numpy()
    q3 = trailing.quantile(0.75).shift(1).to_numpy()
    fence = q3 + FENCE * np.maximum(q3 - q1, GAUSSIAN_IQR * floor)
    if prior is not None:
        mean, std = prior
        early = mean + (GAUSSIAN_Q3 + FENCE * GAUSSIAN_IQR) * std
        fence = np.where(np.isnan(fence), early, fence)
    return np.where(np.isnan(fence), means, np.minimum(means, fence))


def detector_tail_probability(
    scores: np.ndarray, likelihood_window: int, prior: tuple[float, float]
) -> np.ndarray:
    """``q_t`` as ``SeriesAnomalyDetector(threshold="likelihood")`` computes it from one series'
    window scores (:meth:`~aekit.SeriesAnomalyDetector.causal_score`): the Gaussian of the last
    ``likelihood_window`` points once there are ``MIN_HISTORY`` of them (fewer: the training
    series' ``prior``), sigma at least ``FLOOR`` times the prior's."""
    mean, std = (float(v) for v in prior)
    window = int(likelihood_window)
    return tail_probability(
        scores,
        history=window,
        min_history=min(MIN_HISTORY, window),
        floor=max(FLOOR * std, SPREAD_RESOLUTION),
        prior=(mean, std),
    )
