"""``SeriesAnomalyDetector(threshold="likelihood")``: the anomaly likelihood (Ahmad et al. 2017)
follows a series that drifts, reads no point after the one it flags, and is saved with the
model; and :func:`aekit.timeseries.likelihood.tail_probability` against a direct computation."""

import copy
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtr
from test_timeseries import PERIOD, _quick, _wave

import aekit
from aekit.timeseries.likelihood import moving_average, tail_probability

SHIFT, HISTORY = 1500, 300


@pytest.fixture(scope="module")
def detectors():
    """The same window detector fitted on a stationary wave, with the default rule and with
    the likelihood."""
    train = _wave(1000)
    default = _quick().fit(train)
    adaptive = _quick(threshold="likelihood", likelihood_window=HISTORY, risk=1e-4).fit(train)
    return default, adaptive


def _level_shift(n=3000):
    """The wave, lifted by 1.5 for good from SHIFT on: a drift the model never saw."""
    series = _wave(n, seed=1)
    series[SHIFT:] += 1.5
    return series


def test_a_lasting_level_shift_stops_being_flagged_after_the_window(detectors):
    default, adaptive = detectors
    series = _level_shift()
    flags = adaptive.predict(series) == -1
    assert flags[SHIFT : SHIFT + 20].all()  # the change itself is news
    assert not flags[SHIFT + HISTORY :].any()  # the new level has become the recent past
    assert flags[PERIOD:SHIFT].mean() < 0.01  # and the stationary stretch before it is quiet
    # The fixed threshold compares every window of the new level with the training windows.
    assert (default.predict(series)[SHIFT + HISTORY :] == -1).mean() > 0.95


def test_a_spike_on_a_stationary_series_is_flagged_by_both(detectors):
    series = _wave(2000, seed=2)
    series[1500:1504] += 3.0
    for detector in detectors:
        flags = detector.predict(series) == -1
        assert flags[1500:1504].all(), detector.threshold
        assert flags[PERIOD:1300].mean() < 0.02  # quiet away from it


def test_a_flag_reads_no_later_point(detectors):
    _, adaptive = detectors
    series = _level_shift()
    other = series.copy()
    other[2000:] = np.random.RandomState(3).normal(scale=5.0, size=len(series) - 2000)
    for method in (adaptive.predict, adaptive.anomaly_likelihood, adaptive.causal_score):
        np.testing.assert_array_equal(method(series)[:2000], method(other)[:2000])
    # The default score averages the windows covering a point, later ones included.
    default, _ = detectors
    assert not np.array_equal(
        default.anomaly_score(series)[:2000], default.anomaly_score(other)[:2000]
    )


def test_new_points_with_enough_history_get_the_whole_series_flags(detectors):
    # The README's streaming advice: new points given with window - 1 + 10 + 2 x
    # likelihood_window points before them get the likelihood they get in the whole series
    # (the trailing Gaussian's history, and the history that fences each of its means);
    # window - 1 points alone (the advice before) left the Gaussian without its history.
    _, adaptive = detectors
    series, start = _level_shift(), SHIFT - 100
    series[start - 200] += 30.0  # a spike whose means the whole series' history fences
    whole = adaptive.anomaly_likelihood(series)[start:]
    history = adaptive.window - 1 + 10 + 2 * adaptive.likelihood_window
    part = adaptive.anomaly_likelihood(series[start - history :])[history:]
    np.testing.assert_allclose(part, whole, atol=1e-9)
    once = history - adaptive.likelihood_window  # the advice before the fence: unfenced there
    part = adaptive.anomaly_likelihood(series[start - once :])[once:]
    assert np.abs(part - whole).max() > 1e-3
    short = adaptive.window - 1
    assert np.abs(adaptive.anomaly_likelihood(series[start - short :])[short:] - whole).max() > 0.01


def test_likelihood_state_survives_save_and_load(detectors, tmp_path):
    _, adaptive = detectors
    adaptive.save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors")
    assert loaded.threshold == "likelihood" and loaded.likelihood_window == HISTORY
    np.testing.assert_array_equal(loaded.likelihood_prior_, adaptive.likelihood_prior_)
    series = _level_shift(2200)
    np.testing.assert_allclose(
        loaded.anomaly_likelihood(series), adaptive.anomaly_likelihood(series), atol=1e-9
    )
    np.testing.assert_array_equal(loaded.predict(series), adaptive.predict(series))


@pytest.mark.parametrize(
    "params,match",
    [
        ({"threshold": "likelyhood"}, "'threshold' parameter"),
        ({"threshold": "likelihood", "likelihood_window": 1}, "'likelihood_window' parameter"),
        ({"threshold": "likelihood", "likelihood_window": 2.5}, "'likelihood_window' parameter"),
    ],
)
def test_bad_likelihood_options_name_the_option(params, match):
    with pytest.raises(ValueError, match=match):
        aekit.SeriesAnomalyDetector(window=PERIOD, **params).fit(_wave(200))


def test_likelihood_options_unread_by_the_rule_are_refused_or_warned(detectors):
    default, _ = detectors
    with pytest.raises(ValueError, match="refit it with threshold='likelihood'"):
        default.anomaly_likelihood(_wave(300))
    # the rule set after fit: the message said "fitted with threshold='likelihood'" and to refit
    # with threshold='likelihood'
    changed = copy.deepcopy(default).set_params(threshold="likelihood")
    with pytest.raises(ValueError, match="another threshold rule than 'likelihood' .it was set"):
        changed.predict(_wave(300))
    with pytest.warns(UserWarning, match="likelihood_window=50 has no effect"):
        _quick(likelihood_window=50).fit(_wave(300))
    with warnings.catch_warnings():  # risk is the likelihood's epsilon: read, not warned of
        warnings.filterwarnings("error", message=".*no effect with threshold")
        _quick(threshold="likelihood", risk=1e-5, likelihood_window=50).fit(_wave(300))


def _entered(m, s, history, prior, floor=1e-9):
    """The mean at s as it enters the trailing Gaussian, computed directly: clipped at
    Q3 + 100 IQR of the ``history`` means before it (the prior's mu + 135.6 sigma before
    there are that many)."""
    before = m[s - history : s] if s >= history else np.array([np.nan])
    if np.isnan(before).any():
        fence = np.inf if prior is None else prior[0] + (0.6745 + 100 * 1.349) * prior[1]
    else:
        q1, q3 = np.quantile(before, [0.25, 0.75])
        fence = q3 + 100 * max(q3 - q1, 1.349 * floor)
    return min(m[s], fence)


@pytest.mark.parametrize("prior", [None, (2.0, 0.3)])
def test_tail_probability_is_the_gaussian_tail_of_the_fenced_trailing_means(prior):
    rng = np.random.RandomState(0)
    scores = rng.gamma(2.0, size=400)
    scores[:5] = np.nan  # points before the first window
    scores[100:103] = 600.0  # a spike, its means far above the fence (300 IQR)
    history, average = 50, 10
    q = tail_probability(scores, history, 20, floor=1e-9, prior=prior, average=average)
    m = moving_average(scores, average)
    for t in (30, 80, 112, 160, 399):
        if prior is not None and t < 20 + 5:
            continue
        past = np.array([_entered(m, s, history, prior) for s in range(max(t - history, 0), t)])
        past = past[np.isfinite(past)]
        window = scores[t - average + 1 : t + 1]
        expected = ndtr(-(np.nanmean(window) - past.mean()) / past.std())
        np.testing.assert_allclose(q[t], expected, rtol=1e-9)
    if prior is None:
        assert (q[:24] == 0.5).all()  # fewer than 20 means before t, no prior: never flagged
    clipped = [s for s in range(history, 400) if _entered(m, s, history, prior) < m[s]]
    assert set(range(100, 112)) <= set(clipped)  # the spike's means did enter clipped


def test_a_flat_stretch_does_not_keep_ordinary_wobbles_flagged(monkeypatch):
    """Its IQR is 0: unfloored, the fence was the flat value itself, every wobble after it
    entered the Gaussian as that value, and ordinary variation stayed flagged."""
    from aekit.timeseries import likelihood

    rng = np.random.default_rng(0)
    scores = np.r_[np.full(2000, 1.0), 1.3 + 0.02 * rng.normal(size=2000)]
    flagged = (likelihood.detector_tail_probability(scores, 1000, (1.0, 0.05)) < 1e-3).sum()
    monkeypatch.setattr(likelihood, "FENCE", np.inf)
    unclipped = (likelihood.detector_tail_probability(scores, 1000, (1.0, 0.05)) < 1e-3).sum()
    assert flagged <= unclipped + 5, (flagged, unclipped)


def test_a_spike_does_not_hide_a_level_shift_after_it(detectors):
    """Unclipped, the spike's means were the trailing Gaussian's whole spread for the next
    likelihood_window points, and a shift 150 points later was not flagged."""
    _, adaptive = detectors
    series = _level_shift()
    series[SHIFT - 150] += 6.0
    flags = adaptive.predict(series) == -1
    assert flags[SHIFT - 150] and flags[SHIFT : SHIFT + 10].any()
    assert flags[SHIFT : SHIFT + 50].mean() > 0.5  # unclipped: none of them
    assert not flags[SHIFT + HISTORY :].any()  # and the new level still becomes ordinary


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), cut=st.integers(1, 299), history=st.integers(2, 120))
def test_tail_probability_reads_no_later_score(seed, cut, history):
    rng = np.random.RandomState(seed)
    scores = rng.gamma(2.0, size=300)
    other = scores.copy()
    other[cut:] = rng.gamma(5.0, size=300 - cut) * 10.0  # another future
    q = [tail_probability(s, history, min(history, 20), 1e-6, (2.0, 1.4)) for s in (scores, other)]
    np.testing.assert_array_equal(q[0][:cut], q[1][:cut])
