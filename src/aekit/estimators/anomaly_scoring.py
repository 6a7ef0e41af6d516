"""A scorer for anomaly detectors: ROC-AUC of the anomaly score against labels that are 1 for
anomalies.

``scoring="roc_auc"`` ranks by ``decision_function``, which for a detector (as for scikit-learn's
IsolationForest) is high for *normal* rows: with y = 1 for anomalies it reports 1 - AUC (0.26 where
the AUC is 0.74). This scorer ranks by ``anomaly_score`` instead (higher = more anomalous), so
y = 1 marks the positive class as ``roc_auc_score`` expects.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import Pipeline


def anomaly_roc_auc(estimator: Any, X: Any, y: Any) -> float:
    """ROC-AUC of ``estimator.anomaly_score(X)`` against ``y`` (1 = anomaly, 0 = normal).

    A ``scoring`` callable (``cross_val_score(det, X, y, scoring=anomaly_roc_auc)``) for an
    :class:`aekit.AnomalyDetector`, a ``Pipeline`` ending in one (its first steps transform X),
    or any detector with ``score_samples`` alone (higher = more normal, as scikit-learn's
    ``IsolationForest``: ranked by ``-score_samples``), so baselines score alike. NaN for a
    fold holding one class only (no ranking to judge), with an ``UndefinedMetricWarning`` that
    names ``StratifiedKFold``. A row holding a category that the fold's
    training rows never held ranks above every other, as ``aekit score`` scores it (``inf``),
    with a warning: ``anomaly_score`` refuses it, and a rare category would otherwise fail every
    fold it lands in.

    Parameters
    ----------
    estimator : fitted detector with ``anomaly_score`` or ``score_samples``, or a Pipeline
        ending in one
    X : array-like or DataFrame of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        1 (or True) for an anomaly, 0 (or False) for a normal row.

    Returns
    -------
    auc : float
    """
    return _anomaly_metric(roc_auc_score, "anomaly_roc_auc", estimator, X, y)


def anomaly_average_precision(estimator: Any, X: Any, y: Any) -> float:
    """PR-AUC (average precision) of ``estimator.anomaly_score(X)`` against ``y`` (1 = anomaly).

    The precision-recall counterpart of :func:`anomaly_roc_auc`, for the same detectors and
    with the same checks: ``scoring="average_precision"`` ranks by ``decision_function``, high
    for normal rows, so with y = 1 for anomalies it scores the detector's worst-ranked rows,
    not how well it finds the anomalies.

    Parameters
    ----------
    estimator : fitted detector with ``anomaly_score`` or ``score_samples``, or a Pipeline
        ending in one
    X : array-like or DataFrame of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        1 (or True) for an anomaly, 0 (or False) for a normal row.

    Returns
    -------
    average_precision : float
    """
    return _anomaly_metric(average_precision_score, "anomaly_average_precision", estimator, X, y)


def _anomaly_metric(metric: Callable, name: str, estimator: Any, X: Any, y: Any) -> float:
    """``metric(y, anomaly scores)`` after the labels' checks (0/1 alone; NaN, warned, for one
    class)."""
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
    if len(values) < 2:  # scikit-learn's roc_auc scorer warns too (UndefinedMetricWarning)
        from sklearn.exceptions import UndefinedMetricWarning

        from aekit.warning_lines import caller_level

        kind = "anomalies" if values == {1} else "normal rows"
        warnings.warn(
            f"{name}: the {len(labels)} rows scored are all {kind}, so there is no "
            "ranking to judge (NaN). In cross-validation: a detector is no classifier, so cv=K "
            "splits the rows in order (KFold), and sorted labels leave one class to a fold; "
            "pass cv=StratifiedKFold(K, shuffle=True, random_state=0).",
            UndefinedMetricWarning,
            stacklevel=caller_level(),
        )
        return float("nan")
    return float(metric(labels.astype(int), _anomaly_ranking(estimator)(X)))


def _anomaly_ranking(estimator: Any) -> Callable[[Any], np.ndarray]:
    """The function giving ``estimator``'s anomaly scores of rows (higher = more anomalous)."""
    if isinstance(estimator, Pipeline):  # make_pipeline(StandardScaler(), det)
        rank = _anomaly_ranking(estimator.steps[-1][1])
        if len(estimator.steps) == 1:
            return rank
        head = estimator[:-1]
        return lambda X: rank(head.transform(X))
    # an aekit detector ranks a row with an unseen category first (AnomalyDetector's
    # _rank_scores); any other estimator with anomaly_score is read as it is
    rank_scores = getattr(estimator, "_rank_scores", None)
    rank_scores = rank_scores or getattr(estimator, "anomaly_score", None)
    if rank_scores is not None:
        return rank_scores
    score_samples = getattr(estimator, "score_samples", None)
    if score_samples is not None:  # scikit-learn's detectors: higher = more normal
        return lambda X: -np.asarray(score_samples(X), dtype=np.float64)
    raise TypeError(
        f"anomaly_roc_auc scores a detector with anomaly_score or score_samples, or a Pipeline "
        f"ending in one; {type(estimator).__name__} has neither."
    )
