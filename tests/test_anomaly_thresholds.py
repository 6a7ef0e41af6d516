"""The anomaly thresholds as functions of the scores: POT's exact tail quantile, its robust fit
under a planted tail, the exponential tail, what they refuse or warn of, and ties."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aekit
from aekit.anomaly import thresholds


def test_pot_threshold_sits_above_the_bulk():
    scores = np.random.RandomState(0).exponential(size=20000)
    z = thresholds.pot_threshold(scores, risk=1e-3)
    # Exponential tail: P(S > z) = exp(-z), so the exact 1e-3 quantile is log(1000) = 6.91.
    assert z > np.quantile(scores, 0.99)
    assert z == pytest.approx(np.log(1000), rel=0.1)


def _contaminated_exponential(n_anomalies, seed=0):
    rng = np.random.RandomState(seed)
    normal = rng.exponential(size=2000 - n_anomalies)
    planted = np.quantile(normal, 0.99) * rng.uniform(1.5, 7, n_anomalies)
    return np.concatenate([normal, planted]), planted


def test_robust_pot_flags_planted_tail_the_plain_fit_overshoots():
    fresh = np.random.RandomState(1).exponential(size=100_000)
    # 1%, 3% and 5% of the rows (near 10% the 90th percentile is theirs); at 5% a tail drawn
    # through the 80th and 95th percentiles (this rule until a review) flagged under half
    for n_planted, recalled in ((20, 0.9), (60, 0.9), (100, 0.75)):
        scores, planted = _contaminated_exponential(n_planted)
        plain = thresholds.pot_threshold(scores, risk=1e-3)
        robust = thresholds.robust_pot_threshold(scores, risk=1e-3)
        assert plain > planted.max()  # a heavy fitted tail: nothing would be flagged
        assert (planted > robust).mean() >= recalled
        # new normal rows: P(S > z) = exp(-z) for these scores, 1e-3 at z = log(1000)
        assert (fresh > robust).mean() < 3e-3


def test_auto_threshold_flags_planted_rows_making_up_7_percent_of_a_table():
    # 300 Gaussian rows, 20 of them shifted by +-4 in every column: a tail drawn through the
    # 80th and 95th percentiles (this rule until a review) flagged none of them
    rng = np.random.RandomState(0)
    X = rng.randn(300, 6)
    X[:20] += rng.choice([-1, 1], (20, 6)) * 4
    flagged = aekit.AnomalyDetector(random_state=0).fit_predict(X) == -1
    assert flagged[:20].sum() >= 18
    assert flagged[20:].sum() <= 1


def test_exponential_tail_threshold_is_exact_for_an_exponential_tail():
    scores = np.random.RandomState(0).exponential(size=20000)
    z = thresholds.exponential_tail_threshold(scores, risk=1e-3)
    assert z == pytest.approx(np.log(1000), rel=0.05)
    # a light (half-normal) tail: the exponential overshoots its 1e-3 quantile (3.29), so the
    # robust rule keeps the plain fit
    light = np.abs(np.random.RandomState(0).randn(20000))
    assert thresholds.exponential_tail_threshold(light, risk=1e-3) > 3.6
    plain = thresholds.pot_threshold(light, risk=1e-3)
    assert thresholds.robust_pot_threshold(light, risk=1e-3) == plain
    assert plain == pytest.approx(3.29, rel=0.05)


def test_too_few_scores_for_a_tail_fit_warn():
    with pytest.warns(UserWarning, match="too few to fit a tail"):
        z = thresholds.pot_threshold(np.arange(30.0), risk=1e-3)
    assert z == pytest.approx(np.quantile(np.arange(30.0), 1 - 1e-3))


def test_thresholds_refuse_scores_they_cannot_fit():
    rules = (
        lambda s: thresholds.robust_pot_threshold(s, risk=1e-3),
        lambda s: thresholds.mean_std_threshold(s, n_std=1.0),
        lambda s: thresholds.contamination_threshold(s, 0.1),
    )
    for bad in (np.array([]), np.array([1.0, np.nan, 2.0] * 20), np.array([1.0, np.inf] * 20)):
        for rule in rules:
            with pytest.raises(ValueError, match="scores"):
                rule(bad)


def test_tied_scores_leave_the_plain_fit_to_decide():
    scores = np.r_[np.zeros(700), np.ones(280), np.linspace(1.0, 1.01, 20)]
    assert thresholds.exponential_tail_threshold(scores, risk=1e-3) == np.inf
    assert thresholds.robust_pot_threshold(scores, 1e-3) == thresholds.pot_threshold(scores, 1e-3)


def test_parts_and_scores_tied_up_to_rounding_stay_in_their_own_units():
    from aekit.anomaly import ensemble

    rng = np.random.RandomState(0)
    rounding = 1e-3 + 1e-20 * rng.normal(size=500)  # the errors of identical training rows
    assert ensemble.robust_spread(rounding) == ensemble.tail_spread(rounding) == 1.0
    ordinary = 1e-3 * rng.exponential(size=500)  # small, but real: the plain spreads
    q25, q50, q75, q99 = np.percentile(ordinary, [25, 50, 75, 99])
    assert ensemble.robust_spread(ordinary) == q75 - q25
    assert ensemble.tail_spread(ordinary) == q99 - q50
    for rule in ("contamination", "mean_std", "pot"):  # nothing flagged by rounding
        threshold = thresholds.new_row_threshold(rounding, rule, 3.0, 1e-3)
        assert rounding.max() < threshold < rounding.max() + 1e-5


def test_the_rules_settings_are_bounded_where_they_mean_something():
    # n_std=-5 was taken (a threshold under the mean, every row flagged); percentile=100, the
    # largest clean score, was refused
    X = np.random.default_rng(0).normal(size=(300, 3))
    for kind in (aekit.AnomalyDetector, aekit.SeriesAnomalyDetector):
        with pytest.raises(ValueError, match=r"'n_std' parameter .* range \[0.0, inf\)"):
            kind(threshold="mean_std", n_std=-5).fit(X)
    detector = aekit.AnomalyDetector(threshold="validation", percentile=100, n_estimators=1)
    detector.fit(X, X_normal=X[:100])
    assert detector.threshold_ == pytest.approx(detector.anomaly_score(X[:100]).max(), rel=1e-5)


def test_holding_out_most_rows_for_the_threshold_is_warned_of():
    # threshold_holdout=0.99 of 300 rows trained on 3 and said only that input_neighbors=3
    # was cut to the farthest of them
    X = np.random.default_rng(0).normal(size=(300, 3))
    with pytest.warns(UserWarning, match=r"threshold_holdout=0.99 trains on 3 of 300 rows"):
        aekit.AnomalyDetector(threshold_holdout=0.99, n_estimators=1).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        aekit.AnomalyDetector(threshold_holdout=0.5, n_estimators=1).fit(X)
        aekit.AnomalyDetector(threshold_holdout=0.5, n_estimators=1).fit(X[:299])  # 150 of 299
