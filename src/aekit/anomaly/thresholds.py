"""Threshold rules: where, on the anomaly-score axis (higher = more anomalous), "normal" ends.

Each rule takes the anomaly scores of the training rows (or of a clean validation set) and
returns one number; the detector flags rows scoring above it.

- ``contamination``: the ``1 - contamination`` quantile, as scikit-learn's outlier detectors do.
- ``mean_std``: ``mean + k * std`` of the scores, the rule of the TensorFlow autoencoder tutorial.
- ``validation``: a percentile of the scores of rows known to be normal.
- ``pot``: peaks over threshold (extreme value theory): a generalized Pareto distribution fitted
  to the excesses over a high initial quantile gives the score exceeded with probability
  ``risk`` (Siffer et al. 2017, "Anomaly Detection in Streams with Extreme Value Theory", eq. 1).
- ``contamination="auto"``: :func:`robust_pot_threshold`, that fit kept from overshooting when a
  few anomalies are among the training rows.

Whatever the rule, a threshold that lands on training scores tied with it (a table of
categories alone scores each combination the same) is moved just above them
(:func:`above_ties`), so that float rounding does not decide whether those rows are flagged.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from aekit.anomaly.ensemble import SPREAD_RESOLUTION
from aekit.warning_lines import caller_level

RULES = ("contamination", "mean_std", "validation", "pot")

# The two quantiles the exponential tail of contamination="auto" is drawn through (see
# robust_pot_threshold for why these two).
TAIL_QUANTILES = (0.75, 0.9)


def contamination_threshold(
    scores: np.ndarray, contamination: float, *, units: str = "rows"
) -> float:
    """The score above which a fraction ``contamination`` of ``scores`` lies; where tied scores
    straddle that quantile (:func:`above_ties` puts them all below), fewer do, which is said.
    ``units`` names what was scored, ``"rows"`` of a table or ``"points"`` of a series."""
    scores = finite_scores(scores)
    cut = float(np.quantile(scores, 1.0 - contamination))
    threshold = above_ties(cut, scores)
    above = float(np.mean(scores > threshold))
    if above < 0.5 * contamination and contamination * len(scores) >= 2:
        # the tied scores at the cut: flagged all or none
        tied = np.abs(scores - cut) <= SPREAD_RESOLUTION * max(1.0, abs(cut))
        with_them = float(np.mean(scores >= scores[tied].min()))
        why, fix = TIES_EXPLAINED[units]
        warnings.warn(
            f"contamination={contamination:g} asks for {contamination:.1%} of the training "
            f"{units} above the threshold, but {with_them - above:.1%} of the {units} tie at "
            f"the cut ({why}), which are flagged all or none: {above:.1%} of the {units} are "
            f"flagged, the tied ones left normal (with them, {with_them:.1%}). {fix}",
            UserWarning,
            stacklevel=caller_level(),
        )
    return threshold


# Why scores tie, and what would separate them, by what was scored.
TIES_EXPLAINED = {
    "rows": (
        "rows of one score: a table of a few categories scores them alike",
        "Columns that tell such rows apart would separate their scores.",
    ),
    "points": (
        "points of one score: a series that repeats one stretch exactly, or stands still, "
        "scores them alike",
        "A contamination whose cut falls clear of them, or contamination 'auto' (the "
        "default, which models new points' scores), is not decided by them.",
    ),
}


def mean_std_threshold(scores: np.ndarray, n_std: float) -> float:
    """``mean + n_std * std`` of the scores (population std, as numpy/TensorFlow compute it)."""
    scores = finite_scores(scores)
    return float(np.mean(scores) + n_std * np.std(scores))


def percentile_threshold(scores: np.ndarray, percentile: float) -> float:
    """The ``percentile``-th percentile (0-100) of the scores of normal rows."""
    scores = finite_scores(scores)
    return above_ties(float(np.percentile(scores, percentile)), scores)


def pot_threshold(scores: np.ndarray, risk: float, initial_quantile: float = 0.9) -> float:
    """Peaks-over-threshold: the score exceeded with probability ``risk`` under a generalized
    Pareto tail.

    With ``t`` the ``initial_quantile`` of the scores, ``N_t`` excesses ``scores - t > 0`` out of
    ``n`` and the GPD shape ``xi`` and scale ``sigma`` fitted to them by maximum likelihood,
    the threshold is (Siffer et al. 2017, eq. 1)::

        z_q = t + sigma / xi * ((risk * n / N_t) ** -xi - 1)      (xi != 0)
        z_q = t - sigma * log(risk * n / N_t)                      (xi == 0)

    Falls back to the empirical ``1 - risk`` quantile when the tail is too small to fit.
    """
    from scipy.stats import genpareto

    scores = finite_scores(scores)
    t = float(np.quantile(scores, initial_quantile))
    excesses = scores[scores > t] - t
    n, n_t = len(scores), len(excesses)
    if n_t < 10 or np.ptp(excesses) == 0 or risk * n >= n_t:
        if n_t < 10:
            warnings.warn(
                f"only {n_t} of {n} training scores lie above their {initial_quantile:g} "
                "quantile (fewer than about 100 rows, or ties): too few to fit a tail, so the "
                "threshold is a rough one; give the expected anomaly rate (contamination=...) "
                "if you know it.",
                stacklevel=caller_level(),
            )
        return float(np.quantile(scores, 1.0 - min(risk, 1.0)))
    with warnings.catch_warnings():  # scipy's optimizer may warn on awkward tails; result is
        warnings.simplefilter("ignore")  # checked for finiteness below
        xi, _, sigma = genpareto.fit(excesses, floc=0.0)
    ratio = risk * n / n_t
    if abs(xi) < 1e-8:
        z = t - sigma * np.log(ratio)
    else:
        z = t + sigma / xi * (ratio**-xi - 1.0)
    if not np.isfinite(z):
        return float(np.quantile(scores, 1.0 - risk))
    return float(z)


def exponential_tail_threshold(
    scores: np.ndarray, risk: float, lower: float | None = None, upper: float | None = None
) -> float:
    """The score exceeded with probability ``risk`` under an exponential tail (the generalized
    Pareto with shape 0) drawn through two quantiles of the scores.

    With ``q_l``, ``q_u`` the ``lower`` and ``upper`` quantiles (default
    :data:`TAIL_QUANTILES`), ``P(S > s) = (1 - lower)
    exp(-(s - q_l) / sigma)`` above ``q_l`` passes through both when
    ``sigma = (q_u - q_l) / log((1 - lower) / (1 - upper))``, and then::

        z = q_l + sigma * log((1 - lower) / risk)

    Two quantiles are all it reads, so the top ``1 - upper`` of the scores (anomalies among the
    training rows) cannot move it. Above the truth for light tails (normal, chi, gamma scores),
    below it for heavy ones (log-normal, Pareto).
    """
    lower = TAIL_QUANTILES[0] if lower is None else lower
    upper = TAIL_QUANTILES[1] if upper is None else upper
    scores = finite_scores(scores)
    q_lower, q_upper = np.quantile(scores, [lower, upper])
    if q_upper <= q_lower:  # tied scores: no tail to draw (inf leaves the plain fit to decide)
        return float("inf")
    sigma = (q_upper - q_lower) / np.log((1.0 - lower) / (1.0 - upper))
    return float(q_lower + sigma * np.log((1.0 - lower) / risk))


def robust_pot_threshold(scores: np.ndarray, risk: float) -> float:
    """``contamination="auto"``: the lower of :func:`pot_threshold` and
    :func:`exponential_tail_threshold`.

    A few anomalies among the training rows break the plain tail fit: they are the top of the
    tail, the fitted shape turns heavy and ``z_q`` lands far above them, so nothing is flagged
    (``aekit detect`` on 300 rows with 10 planted outliers scoring 2-4x the normal rows:
    threshold 1,433, no row flagged; with this rule the 10 flagged). The exponential tail
    through the 75th and 90th percentiles does not see them (up to nearly 10% of the rows);
    where it overshoots instead (light, clean tails) the plain fit is the lower. Its price is
    heavy tails, where it undershoots: more normal rows flagged than ``risk`` says. The pair of
    percentiles was chosen on simulated scores (10 tail shapes): against the 80th and 95th, the
    share of clean new scores flagged goes from 0.34% to 0.41% (risk 0.1%), and the share of
    planted anomalies flagged from 51% to 93% at 5% of the rows and from 3% to 77% at 8%.
    Measured by ``benchmarks/thresholds.py`` (README, "Thresholds without a rate").
    """
    return min(pot_threshold(scores, risk), exponential_tail_threshold(scores, risk))


def new_row_threshold(scores: np.ndarray, rule: str, n_std: float, risk: float) -> float:
    """The threshold of a rule that models the scores of new normal rows: ``"mean_std"``,
    ``"pot"`` (the plain tail fit), else ``contamination="auto"`` (:func:`robust_pot_threshold`).
    Shared by :class:`aekit.AnomalyDetector` and :class:`aekit.SeriesAnomalyDetector`.

    Scores all the same up to rounding (a constant training series, whose windows are all the
    same) have no tail to fit, and a new normal row scores the same: the threshold is then
    just above them, so rounding flags nothing and any real change is flagged."""
    scores = finite_scores(scores)
    if np.ptp(scores) <= SPREAD_RESOLUTION:
        return float(scores.max() + SPREAD_RESOLUTION)
    if rule == "mean_std":
        return above_ties(mean_std_threshold(scores, n_std), scores)
    if rule == "pot":
        return above_ties(pot_threshold(scores, risk), scores)
    return above_ties(robust_pot_threshold(scores, risk), scores)


def above_ties(threshold: float, scores: np.ndarray) -> float:
    """``threshold``, or, where training scores lie on it up to rounding, just above them.

    Rows whose scores are tied (a table of categories alone scores every row of a combination
    the same; a quantile of such scores is one of them) score the same later only up to float
    rounding (a row scored alone or among others, 1e-16 apart): a threshold equal to their
    score would flag some and not others at random (the series detector's rule for tied
    scores, :func:`new_row_threshold`, is the same). The cluster of scores within
    ``SPREAD_RESOLUTION`` (relative above 1) of the threshold, and of each other going up, is
    put below it: those rows are normal, as "above the threshold" reads them."""
    tolerance = SPREAD_RESOLUTION * max(1.0, abs(threshold))
    ordered = np.sort(np.asarray(scores, dtype=np.float64).ravel())
    start = int(np.searchsorted(ordered, threshold - tolerance))
    if start == len(ordered) or ordered[start] > threshold + tolerance:
        return float(threshold)  # no training score on it
    gaps = np.flatnonzero(np.diff(ordered[start:]) > tolerance)
    top = ordered[start + gaps[0]] if len(gaps) else ordered[-1]
    return float(max(threshold, top) + tolerance)


# The rule that reads each option ("risk": see _reads).
_READ_BY = {"contamination": "contamination", "n_std": "mean_std", "percentile": "validation"}


def warn_unused_options(estimator, given_normal_rows: bool = False) -> None:
    """Warn, naming them, of threshold options set away from their default that the chosen
    ``threshold`` rule does not read (``contamination=0.05`` beside ``threshold="pot"`` used to
    be ignored without a word), and of normal rows given to a rule other than "validation"."""
    params = estimator.get_params(deep=False)
    defaults = inspect.signature(type(estimator)).parameters  # left at its default: not news
    rule = params["threshold"]
    unused = [
        f"{name}={params[name]!r}"
        for name in (*_READ_BY, "risk", "threshold_holdout")
        if name in params
        and params[name] != defaults[name].default
        and not _reads(rule, name, params)
    ]
    if given_normal_rows and rule != "validation":
        unused.append("X_normal")
    if unused:
        one = len(unused) == 1
        warnings.warn(
            f"{', '.join(unused)} {'has' if one else 'have'} no effect with threshold={rule!r}; "
            f"drop {'it' if one else 'them'} or choose the rule that reads "
            f"{'it' if one else 'them'}.",
            UserWarning,
            stacklevel=caller_level(),
        )


def _reads(rule: str, name: str, params: dict) -> bool:
    if name == "threshold_holdout":  # "validation" sets it on X_normal, holding nothing out
        return rule != "validation"
    if name == "risk":  # the tail fits: "pot", the default rule's contamination="auto", and
        # the series detector's "likelihood" (its largest tail probability flagged)
        return rule in ("pot", "likelihood") or (
            rule == "contamination" and params["contamination"] == "auto"
        )
    return _READ_BY[name] == rule


def finite_scores(scores: np.ndarray) -> np.ndarray:
    """``scores`` as float64, refusing what no threshold can be fitted to."""
    scores = np.asarray(scores, dtype=np.float64).ravel()
    if scores.size == 0:
        raise ValueError("no scores to fit a threshold to; fit on at least a few rows.")
    if not np.isfinite(scores).all():
        raise ValueError(
            f"{int((~np.isfinite(scores)).sum())} of {scores.size} scores are NaN or infinite; "
            "a model that diverged scores so: refit it (smaller learning rate, scaled inputs)."
        )
    return scores
