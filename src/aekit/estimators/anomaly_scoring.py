"""A scorer for anomaly detectors: ROC-AUC of the anomaly score against labels that are 1 for
anomalies.

``scoring="roc_auc"`` ranks by ``decision_function``, which for a detector (as for scikit-learn's
IsolationForest) is high for *normal* rows: with y = 1 for anomalies it reports 1 - AUC (0.26 where
the AUC is 0.74). This scorer ranks by ``anomaly_score`` instead (higher = more anomalous), so
y = 1 marks the positive class as ``roc_auc_score`` expects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score


def anomaly_roc_auc(estimator: Any, X: Any, y: Any) -> float:
    """ROC-AUC of ``estimator.anomaly_score(X)`` against ``y`` (1 = anomaly, 0 = normal).

    A ``scoring`` callable (``cross_val_score(det, X, y, scoring=anomaly_roc_auc)``) for an
    :class:`aekit.AnomalyDetector`. NaN for a fold holding one class only (no ranking to
    judge). A row holding a category that the fold's training rows never held ranks above
    every other, as ``aekit score`` scores it (``inf``), with a warning: ``anomaly_score``
    refuses it, and a rare category would otherwise fail every fold it lands in.

    Parameters
    ----------
    estimator : fitted detector with ``anomaly_score``
    X : array-like or DataFrame of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        1 (or True) for an anomaly, 0 (or False) for a normal row.

    Returns
    -------
    auc : float
    """
    labels = np.asarray(y)
    values = set(np.unique(labels).tolist())
    if not values <= {0, 1}:
        hint = (
            " For predict's convention (-1 = anomaly, 1 = normal) pass y == -1."
            if values <= {-1, 1}
            else ""
        )
        raise ValueError(
            f"y must be 1 for anomalies and 0 for normal rows; got the values "
            f"{sorted(values, key=str)[:10]}.{hint}"
        )
    if len(values) < 2:
        return float("nan")
    # an aekit detector ranks a row with an unseen category first (AnomalyDetector's
    # _rank_scores); any other estimator with anomaly_score is read as it is
    rank_scores = getattr(estimator, "_rank_scores", None)
    anomaly_scores = estimator.anomaly_score(X) if rank_scores is None else rank_scores(X)
    return float(roc_auc_score(labels.astype(int), anomaly_scores))
