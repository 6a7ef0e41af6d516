"""SeriesAnomalyDetector's flatlines (aekit.timeseries.flatlines): a channel that stops moving
(a stuck sensor) scores what it lacks in motion, where the window scores alone found a still
window more normal than a noisy one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from model_files import rewrite_header

import aekit

N_TRAIN, WINDOW = 2000, 32
STUCK = slice(N_TRAIN + 1000, N_TRAIN + 1200)  # channel 1 repeats its last value
SHORT = slice(N_TRAIN + 400, N_TRAIN + 420)  # channel 0 too, for less than a window


@pytest.fixture(scope="module")
def sensors():
    """Three channels of noise; channel 1 stuck for 200 points of the new part, and channel 2
    constant throughout (a set-point: standing still is its normal)."""
    x = np.random.RandomState(0).randn(N_TRAIN + 2000, 3)
    x[STUCK, 1] = x[STUCK.start - 1, 1]
    x[SHORT, 0] = x[SHORT.start - 1, 0]
    x[:, 2] = 4.0
    return x


@pytest.fixture(scope="module")
def with_and_without(sensors):
    def fit(flatlines):
        detector = aekit.SeriesAnomalyDetector(
            window=WINDOW, max_iter=10, random_state=0, flatlines=flatlines
        )
        return detector.fit(sensors[:N_TRAIN])

    return fit(True), fit(False)


def test_a_stuck_channel_is_flagged_where_the_window_scores_missed_it(sensors, with_and_without):
    flatlines, alone = with_and_without
    new = sensors[N_TRAIN:]
    for stuck in (STUCK, SHORT):
        points = slice(stuck.start - N_TRAIN, stuck.stop - N_TRAIN)
        # without: a still stretch scores about as a noisy one, and is not flagged
        assert (alone.predict(new)[points] == 1).all()
        assert (flatlines.predict(new)[points] == -1).all()  # a span of 16 points still: seen
    # elsewhere a span of the new noise may move a little less than the floor: a little more
    # score (measured: none here; 0.57 of a unit of 17.9 with spans of a quarter window), the
    # same flags
    away = np.ones(len(new), dtype=bool)
    for stuck in (STUCK, SHORT):
        away[stuck.start - N_TRAIN - WINDOW : stuck.stop - N_TRAIN + WINDOW] = False
    gained = flatlines.anomaly_score(new)[away] - alone.anomaly_score(new)[away]
    assert -1e-9 <= gained.min() and gained.max() < 0.05 * flatlines.flatline_unit_
    np.testing.assert_array_equal(flatlines.predict(new)[away], alone.predict(new)[away])


def test_training_windows_move_above_the_floor_so_the_threshold_is_unchanged(
    sensors, with_and_without
):
    flatlines, alone = with_and_without
    train = sensors[:N_TRAIN]
    np.testing.assert_array_equal(flatlines.anomaly_score(train), alone.anomaly_score(train))
    assert flatlines.threshold_ == alone.threshold_
    assert flatlines.flatline_floor_[2] == 0  # the constant channel: never scored
    assert alone.flatline_floor_ is None and alone.flatline_unit_ is None


def test_explain_puts_the_stillness_on_the_stuck_channel(sensors, with_and_without):
    flatlines, _ = with_and_without
    new = sensors[N_TRAIN:]
    shares = flatlines.explain(new)
    np.testing.assert_allclose(shares.to_numpy().sum(axis=1), flatlines.anomaly_score(new))
    middle = (STUCK.start + STUCK.stop) // 2 - N_TRAIN
    assert shares.iloc[middle, :3].to_numpy().argmax() == 1
    # one channel stood still adds one typical training window's score
    assert shares.iloc[middle, 1] > flatlines.flatline_unit_


def test_the_causal_score_reads_the_stillness(sensors, with_and_without):
    flatlines, alone = with_and_without
    new = sensors[N_TRAIN:]
    end = STUCK.stop - N_TRAIN - 1  # the window ending here lies inside the stuck stretch
    assert (
        flatlines.causal_score(new)[end]
        > alone.causal_score(new)[end] + flatlines.flatline_unit_ / 2
    )


def test_the_floor_is_saved_and_a_file_without_it_scores_as_before(
    sensors, with_and_without, tmp_path
):
    flatlines, alone = with_and_without
    new = sensors[N_TRAIN:]
    flatlines.save(tmp_path / "flat.aekit")
    loaded = aekit.load(tmp_path / "flat.aekit")
    np.testing.assert_array_equal(loaded.flatline_floor_, flatlines.flatline_floor_)
    np.testing.assert_array_equal(loaded.anomaly_score(new), flatlines.anomaly_score(new))

    def written_before_the_flatlines(header):
        del header["fitted"]["flatline_floor_"]
        del header["fitted"]["flatline_unit_"]
        del header["params"]["flatlines"]

    rewrite_header(tmp_path / "flat.aekit", tmp_path / "old.aekit", written_before_the_flatlines)
    old = aekit.load(tmp_path / "old.aekit")
    assert old.flatlines is False and old.flatline_floor_ is None
    np.testing.assert_array_equal(old.anomaly_score(new), alone.anomaly_score(new))


@pytest.mark.parametrize("threshold", ["likelihood", "mean_std"])
def test_no_training_window_gains_whatever_the_stride_or_rule(threshold):
    # fit sees every 16th window, causal_score (and the likelihood's prior) every window: a
    # quiet stretch between strided windows gained score when the floor read the strided ones
    rng = np.random.RandomState(1)
    parts = [rng.randn(1200, 2), rng.randn(900, 2)]
    parts[0][610:646, 0] *= 0.05  # holds 5 windows, none of those fit sees (starts 16k)
    fitted = [
        aekit.SeriesAnomalyDetector(
            window=WINDOW, stride=16, threshold=threshold, max_iter=5, random_state=0,
            flatlines=flatlines,
        ).fit(parts)
        for flatlines in (True, False)
    ]  # fmt: skip
    for part in parts:
        np.testing.assert_array_equal(*(d.causal_score(part) for d in fitted))
        np.testing.assert_array_equal(*(d.anomaly_score(part) for d in fitted))
    assert fitted[0].threshold_ == fitted[1].threshold_
    if threshold == "likelihood":
        np.testing.assert_array_equal(fitted[0].likelihood_prior_, fitted[1].likelihood_prior_)


def test_a_channel_still_somewhere_in_training_is_said_not_to_be_scored(sensors):
    # a stuck stretch among the training points makes a flat line nothing new: said, with how
    stuck_in_training = sensors[:N_TRAIN].copy()
    stuck_in_training[500 : 500 + WINDOW + 5, 0] = stuck_in_training[499, 0]
    told = r"channel 0 stands still for 16 points or more somewhere in the training series"
    with pytest.warns(UserWarning, match=told):
        detector = aekit.SeriesAnomalyDetector(window=WINDOW, max_iter=2, random_state=0)
        detector.fit(stuck_in_training)
    assert detector.flatline_floor_[0] == 0 and detector.flatline_floor_[1] > 0


def test_a_gap_filled_in_training_does_not_set_the_floor():
    # an interpolated gap is a straight line: its slope became the floor (14 times lower), and a
    # sensor stuck with a little jitter went unflagged after such a fit
    rng = np.random.RandomState(0)
    x = rng.randn(3000, 2)
    gapped = x[:2000].copy()
    gapped[800:840, 0] = np.nan
    fits = [
        aekit.SeriesAnomalyDetector(
            window=WINDOW, max_iter=5, random_state=0, handle_missing="interpolate"
        ).fit(train)
        for train in (x[:2000], gapped)
    ]
    np.testing.assert_allclose(fits[1].flatline_floor_, fits[0].flatline_floor_, rtol=0.1)
    new = x[2000:].copy()
    new[500:700, 0] = new[499, 0] + 0.03 * rng.randn(200)  # stuck, with jitter
    for detector in fits:
        assert (detector.predict(new)[500:700] == -1).mean() > 0.9


def test_rounding_of_a_still_span_is_no_floor():
    # values still but for 1e-13: the whole series' cumulative sums left a floor of 1e-13,
    # which windows' own sums fell under (training windows gained up to 3.5 of a unit of 22)
    x = np.random.RandomState(0).randn(1500, 2)
    x[1000:1060, 0] = x[999, 0] + np.tile([0.0, 1.2e-13], 30)
    with pytest.warns(UserWarning, match="channel 0 stands still"):
        on = aekit.SeriesAnomalyDetector(window=WINDOW, max_iter=2, random_state=0).fit(x)
    off = aekit.SeriesAnomalyDetector(window=WINDOW, max_iter=2, random_state=0, flatlines=False)
    off.fit(x)
    assert on.flatline_floor_[0] == 0
    np.testing.assert_array_equal(on.anomaly_score(x), off.anomaly_score(x))
    np.testing.assert_array_equal(on.causal_score(x), off.causal_score(x))


def test_a_channel_constant_throughout_training_is_said_with_its_units(sensors):
    # a stuck sensor coming back to life was caught or not by its units, unsaid (3.3 to 3.4:
    # unflagged; to 4.3: flagged), since a constant channel has no spread to standardize by
    for flatlines in (True, False):  # not a flat-line matter: said either way
        detector = aekit.SeriesAnomalyDetector(
            window=WINDOW, max_iter=2, random_state=0, flatlines=flatlines
        )
        with pytest.warns(UserWarning, match=r"channel 2 is constant throughout .* own units"):
            detector.fit(sensors[:N_TRAIN])
        assert detector.scale_[2] == 1.0
    frame = pd.DataFrame(sensors[:N_TRAIN], columns=["a", "b", "stuck"]).assign(dead=0.0)
    with pytest.warns(UserWarning, match=r"channels 'stuck', 'dead' are constant throughout"):
        aekit.SeriesAnomalyDetector(window=WINDOW, max_iter=2, random_state=0).fit(frame)
