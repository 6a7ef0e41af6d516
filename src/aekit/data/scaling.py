"""Standardization statistics: the one place aekit computes a column's mean and scale.

:class:`aekit.data.tabular.TabularEncoder` (numeric columns) and the estimators (Gaussian data,
``data_mean_`` / ``data_scale_``) both standardize ``(x - mean) / scale`` with these numbers, so a
column gets the same mean and scale whichever way it enters aekit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.preprocessing import StandardScaler


def standardization(X: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each column of X, from scikit-learn's ``StandardScaler``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numbers; NaN marks a missing entry and is left out of its column's statistics.

    Returns
    -------
    mean, scale : ndarray of float64, shape (n_features,)
        ``scale`` is the population standard deviation (``ddof=0``), or 1 for a constant column
        so that standardizing it gives zeros instead of a division by zero.
    """
    # StandardScaler accumulates in float64 whatever X's dtype, so float32 data (the estimators')
    # needs no float64 copy to get float64 statistics.
    scaler = StandardScaler().fit(X)
    return scaler.mean_, scaler.scale_
