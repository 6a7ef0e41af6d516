"""Sliding windows and their inverse, and ``SeriesAnomalyDetector`` on series made here."""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import DEVICE

import aekit
from aekit.timeseries import SeriesAnomalyDetector, average_windows, sliding_windows
from aekit.timeseries.windows import spread_windows, window_starts

# ---- windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(101,), (101, 3)])
@pytest.mark.parametrize("length,stride", [(1, 1), (8, 1), (8, 3), (8, 8), (101, 1)])
def test_windows_are_a_view_and_average_back_to_the_series(shape, length, stride):
    series = np.random.RandomState(0).normal(size=shape)
    windows = sliding_windows(series, length, stride)
    assert np.shares_memory(windows, series)  # no copy
    count = (shape[0] - length) // stride + 1
    assert windows.shape == (count, length, *shape[1:])
    for i in (0, count - 1):
        np.testing.assert_array_equal(windows[i], series[i * stride : i * stride + length])
    back = average_windows(windows, shape[0], stride)
    covered = (count - 1) * stride + length  # points after the last whole window: NaN
    np.testing.assert_array_equal(back[:covered], series[:covered])  # exact round trip
    assert np.isnan(back[covered:]).all()


def test_average_windows_means_overlapping_outputs():
    # Three windows of length 2, stride 1, over 4 points, each window a constant value v_i:
    # point 0 sees v0, point 1 (v0 + v1) / 2, point 2 (v1 + v2) / 2, point 3 v2.
    windows = np.array([[1.0, 1.0], [3.0, 3.0], [8.0, 8.0]])
    np.testing.assert_allclose(average_windows(windows, 4), [1.0, 2.0, 5.5, 8.0])
    starts = window_starts(4, 2)
    np.testing.assert_allclose(spread_windows([1.0, 3.0, 8.0], starts, 2, 4), [1, 2, 5.5, 8])


def test_window_starts_cover_the_last_point():
    starts = window_starts(10, 4, 4)  # 0, 4 and a last window 6..9
    np.testing.assert_array_equal(starts, [0, 4, 6])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: sliding_windows(np.zeros(5), 6), "fewer than one window"),
        (lambda: sliding_windows(np.zeros((5, 2, 2)), 2), "time, channels"),
        (lambda: sliding_windows(np.zeros(5), 2, stride=0), "stride"),
        (lambda: average_windows(np.zeros((4, 3)), 5), "too short"),
    ],
)
def test_window_errors_name_the_problem(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_series_of_one_point_is_said_in_the_singular():
    # "the series has 1 points"
    with pytest.raises(ValueError, match=r"the series has 1 point, fewer than one window"):
        sliding_windows(np.zeros(1), 6)
    with pytest.raises(ValueError, match=r"the series has 2 points, fewer than one window"):
        sliding_windows(np.zeros(2), 6)


# ---- the detector ------------------------------------------------------------------------------
PERIOD = 25


def _wave(n, seed=0, channels=1):
    t = np.arange(n)
    rng = np.random.RandomState(seed)
    wave = np.sin(2 * np.pi * t / PERIOD)[:, None] + 0.05 * rng.normal(size=(n, channels))
    return wave[:, 0] if channels == 1 else wave


def _quick(**kwargs):
    """A small window detector: one short-trained autoencoder plus the neighbour distances."""
    member = aekit.Autoencoder(
        hidden_layer_sizes=(32,), latent_dim=4, max_iter=20, device=DEVICE, random_state=0
    )
    # The previous tabular defaults' input term (k = 3%, k-th distance): the series
    # threshold is fitted to the training points' own scores, and with a mean over the 3
    # nearest windows (one of them the window itself) those are far below a new window's.
    inner = aekit.AnomalyDetector(
        estimator=member,
        n_estimators=1,
        preprocessing=None,
        input_neighbors=0.03,
        input_distance="kth",
        reconstruction_weight=0.5,
    )
    return SeriesAnomalyDetector(window=PERIOD, estimator=inner, random_state=0, **kwargs)


@pytest.fixture(scope="module")
def fitted():
    return _quick().fit(_wave(600))


def _shape_anomaly(n=1200, at=800, width=50):
    """The wave at double frequency for ``width`` points: same values, same amplitude, so no
    single point is unusual; only the shape is."""
    test = _wave(n, seed=1)
    t = np.arange(width)
    test[at : at + width] = np.sin(4 * np.pi * t / PERIOD)
    return test


def test_detector_finds_a_shape_anomaly_that_point_statistics_miss(fitted):
    from sklearn.metrics import roc_auc_score

    test = _shape_anomaly()
    truth = np.zeros(len(test), bool)
    truth[800:850] = True
    scores = fitted.anomaly_score(test)
    assert scores.shape == test.shape
    assert roc_auc_score(truth, scores) > 0.95
    # The baseline: a point's distance from the training mean in training standard deviations.
    z = np.abs(test - fitted.mean_[0]) / fitted.scale_[0]
    assert roc_auc_score(truth, z) < 0.75
    flags = fitted.predict(test)
    assert set(np.unique(flags)) <= {-1, 1}
    assert (flags[800:850] == -1).mean() > 0.5 and (flags[:700] == -1).mean() < 0.05
    np.testing.assert_allclose(fitted.decision_function(test), -scores - fitted.offset_)


def test_explain_splits_scores_by_channel():
    train = _wave(600, channels=2)
    test = _wave(900, seed=1, channels=2)
    test[600:640, 1] += 3.0  # only the second channel breaks
    detector = _quick().fit(train)
    shares = detector.explain(test)
    assert list(shares.columns) == ["x0", "x1", "latent"]
    np.testing.assert_allclose(shares.sum(axis=1), detector.anomaly_score(test))
    assert (shares["x1"].iloc[600:640] > 3 * shares["x0"].iloc[600:640]).all()


def test_save_and_load_give_the_same_scores(fitted, tmp_path):
    path = tmp_path / "series.safetensors"
    fitted.save(path)
    loaded = aekit.load(path)
    test = _shape_anomaly()
    assert isinstance(loaded, SeriesAnomalyDetector)
    np.testing.assert_allclose(loaded.anomaly_score(test), fitted.anomaly_score(test), rtol=1e-6)
    assert loaded.threshold_ == fitted.threshold_


def test_several_series_in_and_out(fitted):
    detector = _quick().fit([_wave(300), _wave(400, seed=2)])
    scores = detector.score_samples([_wave(100, seed=3), _wave(150, seed=4)])
    assert [len(s) for s in scores] == [100, 150]
    assert len(detector.predict([_wave(100)])) == 1


def _frame(n=300):
    stamps = pd.date_range("2024-01-01", periods=n, freq="5min")
    return pd.DataFrame({"timestamp": stamps.astype(str), "value": _wave(n), "other": "a"})


def test_a_dataframe_with_a_time_column():
    frame = _frame()
    detector = _quick(time_column="timestamp").fit(frame)
    assert list(detector.feature_names_in_) == ["value"]
    shares = detector.explain(frame.iloc[100:])
    assert list(shares.index) == list(range(100, 300))


def test_missing_timestamps_and_values_are_an_error_or_interpolated():
    frame = _frame()
    gappy = frame.drop(index=range(150, 160))
    with pytest.raises(ValueError, match="not evenly spaced.*handle_missing='interpolate'"):
        _quick(time_column="timestamp").fit(gappy)
    holes = frame.copy()
    holes.loc[40, "value"] = np.nan
    with pytest.raises(ValueError, match=r"missing \(NaN\) in 1 of its \d+ rows: row 40 "):
        _quick(time_column="timestamp").fit(holes)
    detector = _quick(time_column="timestamp", handle_missing="interpolate").fit(gappy)
    scores = detector.anomaly_score(holes.drop(index=range(200, 203)))
    assert scores.shape == (297,) and np.isfinite(scores).all()


@pytest.mark.parametrize(
    "kwargs,X,match",
    [
        ({"window": 50}, np.zeros(30), "fewer than window=50"),
        ({"stride": 60}, np.zeros(300), "stride=60 is larger than window"),
        ({"time_column": "t"}, np.zeros(300), "needs a DataFrame"),
        (
            {"time_column": "t"},
            pd.DataFrame({"t": [3, 2, 1] * 40, "v": 1.0}),
            "back in time at row 1: 2 after 3",
        ),
        ({"value_columns": ["nope"]}, pd.DataFrame({"v": np.zeros(40)}), "not columns of X"),
        ({"time_column": "nope"}, pd.DataFrame({"v": np.zeros(40)}), "'nope' is not a column"),
    ],
)
def test_bad_series_are_clear_errors(kwargs, X, match):
    with pytest.raises(ValueError, match=match):
        SeriesAnomalyDetector(**{"window": 25, **kwargs}).fit(X)


def test_an_autoencoder_as_estimator_scores_by_reconstruction_alone():
    member = aekit.Autoencoder(hidden_layer_sizes=(16,), latent_dim=3, max_iter=5, random_state=0)
    detector = SeriesAnomalyDetector(window=PERIOD, estimator=member, random_state=0)
    detector.fit(_wave(300))
    assert detector.detector_.n_neighbors == 0 and detector.detector_.n_estimators == 1
    assert detector.anomaly_score(_wave(200)).shape == (200,)


def test_series_figure_shades_the_flagged_spans(fitted):
    from matplotlib.figure import Figure

    from aekit.viz.series import series_figure, spans

    assert spans([0, 1, 1, 0, 1]) == [(1, 2), (4, 4)]
    test = _shape_anomaly()
    scores = fitted.anomaly_score(test)
    figure = series_figure(test, scores, fitted.threshold_)
    assert isinstance(figure, Figure)
    top, bottom = figure.axes
    assert len(bottom.patches) == len(spans(scores > fitted.threshold_)) >= 1


def test_the_default_detector_finds_the_shape_anomaly():
    from sklearn.metrics import roc_auc_score

    detector = SeriesAnomalyDetector(window=PERIOD, random_state=0).fit(_wave(300))
    inner = detector.detector_
    assert inner.n_neighbors == 5 and inner.neighbor_space == "input"  # the NAB-chosen default
    assert inner.input_neighbors_ == 5 and inner.input_distance_ == "kth"  # whatever the tables'
    test = _shape_anomaly()
    truth = np.zeros(len(test), bool)
    truth[800:850] = True
    assert roc_auc_score(truth, detector.anomaly_score(test)) > 0.95


def test_max_iter_sets_the_default_members_epochs_and_is_refused_beside_an_estimator():
    # a long series fits its default window detector for 40 epochs; max_iter is the way to
    # spend less (it had none: the default member was out of reach without building one)
    short = SeriesAnomalyDetector(window=8, max_iter=3, random_state=0).fit(_wave(200))
    (member,) = short.detector_.estimators_
    assert member.max_iter == 3 and member.n_iter_ == 3
    assert SeriesAnomalyDetector()._window_detector(1).estimator.max_iter == 40
    given = aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=5)
    with pytest.raises(ValueError, match=r"set it there \(e.g. Autoencoder\(max_iter=3\)\)"):
        SeriesAnomalyDetector(window=8, estimator=given, max_iter=3).fit(_wave(200))


def test_a_short_window_narrows_the_default_code_and_draws_no_warning():
    # window=8 on one channel: the default member's 8-unit code was as wide as its input, and
    # fitting warned that it could learn the identity, advising options the user never set
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        short = SeriesAnomalyDetector(window=8, random_state=0).fit(_wave(200))
    assert short.detector_.estimator.latent_dim == 4  # half the window's 8 values
    two = SeriesAnomalyDetector(window=8, random_state=0)._window_detector(n_channels=2)
    assert two.estimator.latent_dim == 8  # 16 values: the default code stays


def test_a_constant_series_gets_a_threshold_just_above_itself():
    """Every training window is the same, so the parts of their scores differ by rounding alone;
    divided by that spread they reached 1e11 (threshold) and 7e27 (a bump) on NAB's art_flatline.
    7.77 also has a standard deviation of 4e-15 as computed, not 0."""
    flat = np.full(300, 7.77)
    detector = _quick().fit(flat)
    assert detector.mean_[0] == 7.77 and detector.scale_[0] == 1.0  # its own units, exactly
    own = detector.anomaly_score(flat)
    assert own.max() < detector.threshold_ < own.max() + 1e-5  # (was 1e11)
    assert (detector.predict(flat) == 1).all()
    bump = flat.copy()
    bump[150:155] += 5.0
    scores = detector.anomaly_score(bump)
    assert np.isfinite(scores).all() and scores[150:155].min() > 10 * detector.threshold_
    flagged = detector.predict(bump) == -1
    reach = slice(150 - PERIOD + 1, 155 + PERIOD - 1)  # the points whose windows hold the bump
    assert flagged[150:155].all() and not np.delete(flagged, np.r_[reach]).any()


def test_threshold_options_the_rule_does_not_read_are_warned_of():
    # n_std defaults to 3 here (1 in AnomalyDetector): only options moved off this class's own
    # defaults count.
    series = np.sin(np.arange(400) / 5.0)
    detector = aekit.SeriesAnomalyDetector(window=16, threshold="pot", contamination=0.05)
    with pytest.warns(UserWarning, match="contamination=0.05 has no effect with threshold='pot'"):
        detector.set_params(random_state=0).fit(series)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*no effect with threshold")
        aekit.SeriesAnomalyDetector(window=16, threshold="pot", random_state=0).fit(series)


def test_every_method_of_an_unfitted_series_detector_raises_not_fitted():
    # explain raised AttributeError ('n_features_in_') where the others say NotFittedError
    from sklearn.exceptions import NotFittedError

    detector = aekit.SeriesAnomalyDetector()
    for method in ("explain", "anomaly_score", "predict", "decision_function", "score_samples"):
        with pytest.raises(NotFittedError):
            getattr(detector, method)(np.zeros(200))


def test_a_series_of_few_windows_is_said_once_in_its_own_words():
    # 65 points, window 64: 2 windows. The window detector said it in its words (its k cut to
    # 1, "pass input_neighbors=K", which the series has not; a tail of "1 of 2" scores beside
    # the series' "1 of 65"); now the series says the windows are too few.
    values = np.sin(np.arange(65) / 5.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SeriesAnomalyDetector(window=64, max_iter=2, random_state=0).fit(values)
    said = [str(w.message) for w in caught]
    assert sum("gives 2 windows of 64 points to learn from" in m for m in said) == 1
    assert not any("input_neighbors" in m or "1 of 2 training scores" in m for m in said)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SeriesAnomalyDetector(window=16, max_iter=2, random_state=0).fit(values)
    assert not any("to learn from" in str(w.message) for w in caught)  # 50 windows of 16


def test_a_series_detector_refused_by_export_and_serve_is_told_how_to_score():
    # both said only what they take (user review): the series' points need windows around them
    from aekit.export import export_onnx
    from aekit.serve.inference import Served

    detector = SeriesAnomalyDetector(window=8, max_iter=1, random_state=0)
    detector.fit(np.sin(np.arange(100) / 4.0))
    with pytest.raises(TypeError, match=r"score new points with 'aekit score RUN DATA' or its"):
        export_onnx(detector, "unused")
    with pytest.raises(TypeError, match=r"of rows, not SeriesAnomalyDetector; score a series'"):
        Served(detector)
