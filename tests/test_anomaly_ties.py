"""Tied training scores: a threshold on them must not leave the flag to float rounding."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.anomaly import thresholds


def test_a_threshold_on_tied_scores_moves_just_above_them():
    scores = np.r_[np.full(60, 0.5), np.full(40, 1.25) + 1e-16 * np.arange(40)]
    # the 0.7 quantile is a tied 1.25: none of the 30% asked for is flagged, which is said
    told = r"0\.3 asks for 30\.0%.* 40\.0% of the rows tie .*: 0\.0% .*\(with them, 40\.0%\)"
    with pytest.warns(UserWarning, match=told):
        by_rate = thresholds.contamination_threshold(scores, 0.3)
    for threshold in (by_rate, thresholds.percentile_threshold(scores, 99.0)):
        assert scores.max() < threshold < scores.max() + 1e-5
    # a threshold between clusters, or one that no score is on, is left alone
    assert thresholds.above_ties(0.9, scores) == 0.9
    assert thresholds.above_ties(0.5 - 1e-7, scores) == 0.5 + 1e-6


def test_categories_alone_are_flagged_the_same_one_row_at_a_time():
    rng = np.random.default_rng(0)
    B = pd.DataFrame({"a": rng.random(300) < 0.5, "b": rng.random(300) < 0.5})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # four distinct scores: too few for a tail fit
        detector = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(B)
    together = detector.predict(B)
    alone = np.array([detector.predict(B.iloc[[i]])[0] for i in range(0, 300, 5)])
    assert (together == 1).all() and (alone == 1).all()  # was 20% flagged alone
    common = pd.DataFrame({"a": [True], "b": [True]})
    assert detector.predict(common)[0] == 1 and detector.predict_proba(common)[0, 1] < 0.5


def test_a_rate_met_despite_ties_is_not_warned_of():
    scores = np.r_[np.arange(90.0), np.full(10, 100.0)]  # the top 10% tied, 10% asked
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        threshold = thresholds.contamination_threshold(scores, 0.1)
    assert np.mean(scores > threshold) == 0.1


def test_tied_points_of_a_series_are_spoken_of_as_points():
    scores = np.r_[np.full(60, 0.5), np.full(40, 1.25)]
    told = r"40\.0% of the points tie at the cut \(points of one score: a series .* 'auto' \(the"
    with pytest.warns(UserWarning, match=told):
        thresholds.contamination_threshold(scores, 0.3, units="points")
