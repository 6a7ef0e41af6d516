"""Threshold rules: where, on the anomaly-score axis (higher = more anomalous), "normal" ends.

Each rule takes the anomaly scores of the training rows (or of a clean validation set) and
returns one number; the detector flags rows scoring above it.

- ``contamination``: the ``1 - contamination`` quantile, as scikit-learn's outlier detectors do.
- ``mean_std``: ``mean + k * std`` of the scores, the rule of the TensorFlow autoencoder tutorial.
- ``validation``: a percentile of the scores of rows known to be normal.
- ``pot``: peaks over threshold (extreme value theory): a generalized Pareto distribution fitted
  to the excesses over a high initial quantile gives the score exceeded with probability
  ``risk`` (Siffer et al. 2017, "Anomaly Detection in Streams with Extreme Value Theory", eq. 1).
"""

from __future__ import annotations

import warnings

import numpy as np

RULES = ("contamination", "mean_std", "validation", "pot")


def contamination_threshold(scores: np.ndarray, contamination: float) -> float:
    """The score above which a fraction ``contamination`` of ``scores`` lies."""
    return float(np.quantile(scores, 1.0 - contamination))


def mean_std_threshold(scores: np.ndarray, n_std: float) -> float:
    """``mean + n_std * std`` of the scores (population std, as numpy/TensorFlow compute it)."""
    return float(np.mean(scores) + n_std * np.std(scores))


def percentile_threshold(scores: np.ndarray, percentile: float) -> float:
    """The ``percentile``-th percentile (0-100) of the scores of normal rows."""
    return float(np.percentile(scores, percentile))


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

    scores = np.asarray(scores, dtype=np.float64)
    t = float(np.quantile(scores, initial_quantile))
    excesses = scores[scores > t] - t
    n, n_t = len(scores), len(excesses)
    if n_t < 10 or np.ptp(excesses) == 0 or risk * n >= n_t:
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
