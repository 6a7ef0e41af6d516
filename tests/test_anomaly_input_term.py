"""The input-space neighbour term of AnomalyDetector: its own k (``input_neighbors``) and the
mean distance to the k nearest (``input_distance="mean"``), against distances worked out by
hand, and their round trip through a model file (files from before them score as they did)."""

from __future__ import annotations

import numpy as np
import pytest

import aekit
from aekit.anomaly.persistence import export_detector, import_detector

TRAIN = np.array([[0.0], [1.0], [3.0], [6.0], [10.0]])


def _tiny(**params):
    base = aekit.Autoencoder(
        latent_dim=1, hidden_layer_sizes=(4,), max_iter=2, batch_size=8, device="cpu"
    )
    params = {"n_estimators": 1, "preprocessing": None, "density_trim": 0.0} | params
    return aekit.AnomalyDetector(base, max_samples=None, random_state=0, **params)


@pytest.mark.filterwarnings("ignore:latent_dim=1")  # one feature, one code: fine here
@pytest.mark.parametrize(
    ("kind", "far", "own"),
    [
        # 20 is 10 from 10 and 14 from 6; each training row's 2nd nearest *other* row: 3, 2, 3, 4, 7
        ("kth", 14.0, [3, 2, 3, 4, 7]),
        # the mean of the two nearest others: (1+3)/2, (1+2)/2, (2+3)/2, (3+4)/2, (4+7)/2
        ("mean", 12.0, [2, 1.5, 2.5, 3.5, 5.5]),
    ],
)
def test_the_input_term_has_its_own_k_and_statistic(kind, far, own):
    detector = _tiny(
        n_neighbors=3, neighbor_space="both", input_neighbors=2, input_distance=kind
    ).fit(TRAIN)
    assert detector.n_neighbors_ == 3 and detector.input_neighbors_ == 2
    assert detector._input_distances(np.array([[20.0]]))[0] == pytest.approx(far)
    q25, q75 = np.percentile(own, [25, 75])
    assert detector.input_distance_scale_ == pytest.approx(q75 - q25)
    # the latent term keeps n_neighbors: the distance to the 3rd nearest training code
    codes = detector.estimators_[0].transform(TRAIN)
    third = np.sort(np.abs(codes - codes.T), axis=1)[:, 2]  # itself counts in predict
    np.testing.assert_allclose(detector._distances(detector.codes_[0], codes), third, rtol=1e-6)


@pytest.mark.filterwarnings("ignore:latent_dim=1")
def test_input_neighbors_none_is_n_neighbors():
    detector = _tiny(n_neighbors=4, neighbor_space="input", input_neighbors=None).fit(TRAIN)
    assert detector.input_neighbors_ == 4


def test_a_fraction_of_the_rows_is_at_least_5():
    X = np.random.RandomState(0).normal(size=(400, 3))
    detector = _tiny(n_neighbors=5, neighbor_space="input", input_neighbors=0.05).fit(X)
    assert detector.input_neighbors_ == 20


def test_the_input_term_round_trips_through_a_model_file(tmp_path):
    X = np.random.RandomState(1).normal(size=(150, 3))
    detector = _tiny(n_neighbors=6, input_neighbors=3, input_distance="mean").fit(X)
    detector.save(tmp_path / "d.safetensors")
    loaded = aekit.load(tmp_path / "d.safetensors", device="cpu")
    assert (loaded.input_neighbors, loaded.input_distance) == (3, "mean")
    np.testing.assert_allclose(loaded.anomaly_score(X), detector.anomaly_score(X), rtol=1e-5)


def test_a_file_from_before_the_options_scores_with_one_k():
    """A file without ``input_neighbors_`` was fitted with one k-th distance: loaded into a
    detector with today's defaults (what aekit.load builds from its parameters), it keeps it."""
    X = np.random.RandomState(2).normal(size=(150, 3))
    old = _tiny(n_neighbors=7, input_neighbors=None, input_distance="kth").fit(X)
    fitted, tree = export_detector(old)
    del fitted["input_neighbors_"], fitted["input_distance_"]
    params = old.get_params(deep=False) | {"input_neighbors": 5, "input_distance": "mean"}
    loaded = aekit.AnomalyDetector(**params)
    import_detector(loaded, fitted, tree, "cpu")
    assert (loaded.input_neighbors, loaded.input_distance) == (None, "kth")
    np.testing.assert_allclose(loaded.anomaly_score(X), old.anomaly_score(X), rtol=1e-5)


@pytest.mark.parametrize("bad", [{"input_neighbors": 0}, {"input_distance": "median"}])
def test_bad_input_term_options_are_refused(bad):
    with pytest.raises(ValueError, match="input_"):
        _tiny(**bad).fit(TRAIN)


def test_mean_std_threshold_flags_new_normal_rows_as_it_flags_the_training_rows():
    """A training row is its own nearest neighbour, so its in-sample score is below a new
    row's; the threshold rules fit the training rows scored without themselves. On new rows of
    the training distribution, mean + 2 std then flags what it flags of those (~5%; fitted to
    the in-sample scores it flagged 12.5% here)."""
    rng = np.random.RandomState(0)
    train, new = rng.normal(size=(400, 4)), rng.normal(size=(4000, 4))
    base = aekit.Autoencoder(
        latent_dim=2, hidden_layer_sizes=(8,), max_iter=3, batch_size=32, device="cpu"
    )
    detector = aekit.AnomalyDetector(
        base, n_estimators=2, threshold="mean_std", n_std=2.0, random_state=0
    ).fit(train)
    fresh = detector._anomaly_scores(detector._encode_input(train), exclude_self=True)
    flagged_new = np.mean(detector.anomaly_score(new) > detector.threshold_)
    assert flagged_new == pytest.approx(np.mean(fresh > detector.threshold_), abs=0.02)
    assert flagged_new < 0.08


@pytest.mark.filterwarnings("ignore:latent_dim=1")
def test_input_weight_scales_only_the_input_term():
    """The score is linear in the weight: the part it adds at 3 is twice the part at 2, and the
    unit of the term is its spread divided by the weight."""
    new = np.array([[2.0], [20.0], [-5.0]])
    fitted = {
        w: _tiny(neighbor_space="both", n_neighbors=2, input_neighbors=2, input_weight=w).fit(TRAIN)
        for w in (1.0, 2.0, 3.0)
    }
    score = {w: d.anomaly_score(new) for w, d in fitted.items()}
    one_term = score[2.0] - score[1.0]
    assert (one_term > 0).all()
    np.testing.assert_allclose(score[3.0] - score[1.0], 2 * one_term, rtol=1e-6)
    assert fitted[2.0].input_distance_scale_ == pytest.approx(fitted[1.0].input_distance_scale_ / 2)


def test_explain_splits_the_input_distance_over_the_columns():
    # Training rows (0, 0), (0, 1), (3, 0), (3, 1); the row (6, 2)'s nearest is (3, 1), 3 away
    # in the first column and 1 in the second: ||d|| = sqrt(10), split as 9 / sqrt(10) and
    # 1 / sqrt(10). Before, the whole distance went to "latent", so a row far out in one column
    # was explained by no column.
    train = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [3.0, 1.0]] * 10)
    detector = _tiny(neighbor_space="input", n_neighbors=1, input_distance="kth").fit(train)
    shares = detector._input_distance_shares(np.array([[6.0, 2.0]]))[0]
    np.testing.assert_allclose(shares, [9 / np.sqrt(10), 1 / np.sqrt(10)], rtol=1e-6)
    explained = detector.explain(np.array([[6.0, 2.0], [0.0, 0.0]]))
    errors_only = _tiny(n_neighbors=0).fit(train).explain(np.array([[6.0, 2.0], [0.0, 0.0]]))
    scale = detector.input_distance_scale_
    np.testing.assert_allclose(explained[0, :2] - errors_only[0, :2], shares / scale, rtol=1e-4)
    assert explained[0, 2] == pytest.approx(0.0, abs=1e-6)  # nothing left to "latent"
    np.testing.assert_allclose(
        explained.sum(axis=1), detector.anomaly_score(np.array([[6.0, 2.0], [0.0, 0.0]]))
    )
