"""aekit.estimators.anomaly_roc_auc: cross-validation's ROC-AUC of a detector with y = 1 for
anomalies (scoring="roc_auc" ranks by decision_function, high = normal, and gives 1 - AUC)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score

import aekit
from aekit.estimators import anomaly_roc_auc


def _planted():
    r = np.random.RandomState(0)
    X = np.vstack([r.normal(size=(150, 4)), r.normal(loc=4.0, size=(10, 4))])
    y = np.r_[np.zeros(150, int), np.ones(10, int)]
    return X, y


def test_it_is_roc_auc_score_of_the_anomaly_score_per_fold():
    X, y = _planted()
    det = aekit.AnomalyDetector(n_estimators=1, random_state=0)
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    got = cross_val_score(det, X, y, scoring=anomaly_roc_auc, cv=cv)
    expected = [
        roc_auc_score(y[test], clone(det).fit(X[train]).anomaly_score(X[test]))
        for train, test in cv.split(X, y)
    ]
    np.testing.assert_allclose(got, expected)
    assert got.min() > 0.9  # the planted rows are found
    plain = cross_val_score(det, X, y, scoring="roc_auc", cv=cv)  # the trap it avoids
    np.testing.assert_allclose(plain, 1 - got)


def test_labels_other_than_0_1_are_refused():
    X, y = _planted()
    det = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"1 for anomalies.*pass y == -1"):
        anomaly_roc_auc(det, X, np.where(y == 1, -1, 1))
    # one class: nothing to rank, said with the cause (cross_val_score's folds were NaN silently)
    with pytest.warns(
        UndefinedMetricWarning, match=r"the 5 rows scored are all normal rows.*StratifiedKFold"
    ):
        assert np.isnan(anomaly_roc_auc(det, X[:5], y[:5]))


def test_a_category_only_the_test_fold_holds_ranks_first_not_nan():
    # A rare category falls into one fold only: anomaly_score refused those rows, and
    # cross_val_score gave NaN for the fold ("Scoring failed").
    import pandas as pd

    X, y = _planted()
    frame = pd.DataFrame(X, columns=list("abcd")).assign(kind="usual")
    frame.loc[[3, 155], "kind"] = "rare"  # a normal and an anomalous row
    det = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(frame.drop(index=[3, 155]))
    with pytest.raises(ValueError, match="not seen in fit"):
        det.anomaly_score(frame)
    with pytest.warns(UserWarning, match="2 row"):
        got = anomaly_roc_auc(det, frame, y)
    known = frame.assign(kind="usual")  # the same rows with the category seen in fit
    scores = det.anomaly_score(known)
    scores[[3, 155]] = scores.max() + 1  # ranked above every other row
    assert got == pytest.approx(roc_auc_score(y, scores))
    test = np.r_[np.arange(0, 150, 2), [3], np.arange(150, 160, 2), [155]]
    train = np.setdiff1d(np.arange(len(y)), test)  # the fold's training rows lack "rare"
    with pytest.warns(UserWarning, match="not seen in training"):
        folds = cross_val_score(clone(det), frame, y, scoring=anomaly_roc_auc, cv=[(train, test)])
    assert np.isfinite(folds).all()


def test_a_pipeline_ending_in_a_detector_is_scored_not_nan():
    # make_pipeline(StandardScaler(), det) has no anomaly_score: every fold was NaN
    # ("Scoring failed"), so a grid search over it picked its first candidate blindly.
    from sklearn.ensemble import IsolationForest
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _planted()
    det = aekit.AnomalyDetector(n_estimators=1, random_state=0)
    pipe = make_pipeline(StandardScaler(), det).fit(X)
    scaled = StandardScaler().fit_transform(X)
    expected = roc_auc_score(y, clone(det).fit(scaled).anomaly_score(scaled))
    assert anomaly_roc_auc(pipe, X, y) == pytest.approx(expected)
    # a detector with score_samples alone (higher = more normal) ranks by its negation
    forest = IsolationForest(random_state=0).fit(X)
    assert anomaly_roc_auc(forest, X, y) == pytest.approx(
        roc_auc_score(y, -forest.score_samples(X))
    )
    with pytest.raises(TypeError, match="anomaly_score or score_samples"):
        anomaly_roc_auc(StandardScaler().fit(X), X, y)


def test_average_precision_is_of_the_anomaly_score_and_checks_labels_alike():
    # scoring="average_precision" ranks by decision_function (high = normal) too: with y = 1
    # for anomalies it measured how the normal rows were found (a scikit-learn user's pass)
    from sklearn.metrics import average_precision_score

    from aekit.estimators import anomaly_average_precision

    X, y = _planted()
    det = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X)
    got = anomaly_average_precision(det, X, y)
    assert got == pytest.approx(average_precision_score(y, det.anomaly_score(X)))
    assert got > 0.8  # the planted rows first (fitted on them too: not all)
    plain = cross_val_score(det, X, y, scoring="average_precision", cv=StratifiedKFold(2))
    assert plain.max() < 0.5  # the trap it avoids
    with pytest.raises(ValueError, match=r"1 for anomalies.*pass y == -1"):
        anomaly_average_precision(det, X, np.where(y == 1, -1, 1))
    with pytest.warns(UndefinedMetricWarning, match="anomaly_average_precision: the 150 rows"):
        assert np.isnan(anomaly_average_precision(det, X[:150], y[:150]))
