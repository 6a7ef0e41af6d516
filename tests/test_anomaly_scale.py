"""AnomalyDetector on tables larger than it needs: training-row subsampling (``max_samples``),
neighbour distances queried in blocks, and a training budget that does not grow with the rows."""

from __future__ import annotations

import numpy as np
import pytest

import aekit
from aekit.anomaly import ensemble


def _tiny(**params):
    base = aekit.Autoencoder(
        latent_dim=2, hidden_layer_sizes=(8,), max_iter=3, batch_size=32, device="cpu"
    )
    return aekit.AnomalyDetector(base, n_estimators=2, random_state=0, **params)


def test_max_samples_keeps_that_many_training_rows_and_is_seeded():
    X = np.random.RandomState(0).normal(size=(300, 4))
    detector = _tiny(max_samples=120, neighbor_space="both").fit(X)
    assert detector.inputs_.shape == (120, 4)
    assert all(codes.shape == (120, 2) for codes in detector.codes_)
    rows = {tuple(r) for r in np.round(detector._encode_input(X), 5)}
    assert all(tuple(r) in rows for r in np.round(detector.inputs_, 5))  # rows of X, not new ones
    again = _tiny(max_samples=120, neighbor_space="both").fit(X)
    np.testing.assert_array_equal(detector.inputs_, again.inputs_)
    whole = _tiny(max_samples=None).fit(X)
    assert whole.inputs_.shape == (300, 4)


def test_max_samples_above_the_rows_changes_nothing():
    X = np.random.RandomState(1).normal(size=(150, 3))
    capped = _tiny(max_samples=150).fit(X).anomaly_score(X)
    uncapped = _tiny(max_samples=None).fit(X).anomaly_score(X)
    np.testing.assert_array_equal(capped, uncapped)


def test_blocked_neighbour_queries_give_the_one_shot_distances(monkeypatch):
    X = np.random.RandomState(2).normal(size=(200, 5))
    detector = _tiny(n_neighbors=7).fit(X)
    one_shot = detector.anomaly_score(X)
    monkeypatch.setattr(ensemble, "_BLOCK_ENTRIES", 20)  # blocks of 2 rows
    np.testing.assert_array_equal(detector.anomaly_score(X), one_shot)


@pytest.mark.parametrize("n", [40, 500, 5_000, 1_000_000])
def test_default_members_train_a_bounded_number_of_steps(n):
    detector = aekit.AnomalyDetector()
    detector.categorical_groups_ = ()
    member = detector._default_estimator(n, 10)
    steps = member.max_iter * int(np.ceil(n / member.batch_size))
    assert 200 <= steps <= 1_000 + n / member.batch_size  # at most 1000 (+ one epoch's rounding)


def test_density_trim_leaves_the_isolated_rows_out_of_training():
    rng = np.random.RandomState(3)
    X = np.vstack([rng.normal(size=(400, 4)), rng.uniform(8, 12, size=(10, 4)) * [1, -1, 1, -1]])
    detector = _tiny(density_trim=10 / 410)
    kept = detector._dense_rows(X)
    assert len(kept) == 400
    assert np.abs(kept).max() < 8  # none of the ten far rows
    np.testing.assert_array_equal(_tiny(density_trim=0.0)._dense_rows(X), X)  # off: every row


def test_density_trim_fits_and_ranks_the_contamination_first():
    rng = np.random.RandomState(4)
    X = np.vstack([rng.normal(size=(300, 4)), rng.uniform(5, 6, size=(6, 4))])
    scores = _tiny(density_trim=0.05, n_neighbors=0).fit(X).anomaly_score(X)
    assert set(np.argsort(-scores)[:6]) == set(range(300, 306))


def test_scores_in_blocks_of_rows_equal_the_one_shot_scores(monkeypatch):
    X = np.random.RandomState(5).normal(size=(120, 4))
    detector = _tiny().fit(X)
    one_shot = detector.anomaly_score(X)
    monkeypatch.setattr(ensemble, "_BLOCK_ROWS", 7)
    np.testing.assert_array_equal(detector.anomaly_score(X), one_shot)


@pytest.mark.parametrize("threshold", ["pot", "contamination"])
def test_the_fit_s_one_neighbour_query_gives_what_separate_queries_give(threshold, monkeypatch):
    # fit asks each neighbour term for the training rows thrice (the scale, the training scores,
    # the scores new rows would have); one query of k + 1 now answers all three
    X = np.random.RandomState(0).normal(size=(300, 4))
    X[:10] += 4
    params = dict(neighbor_space="both", n_neighbors=0.05, threshold=threshold, contamination=0.1)
    queries = []
    original = ensemble._mean_distances
    monkeypatch.setattr(ensemble, "_mean_distances",
                        lambda *args: queries.append(args[2]) or original(*args))  # fmt: skip
    detector = _tiny(**params).fit(X)
    assert len(queries) == 3  # one per member's codes and one for the input term
    A = detector.inputs_  # every row trains (300 < max_samples); after fit, separate queries
    for codes, scale in zip(detector.codes_, detector.distance_scales_, strict=True):
        assert scale == detector._part_spread(detector._distances(codes, codes, True))
    own = detector._input_distances(A, exclude_self=True)
    assert detector.input_distance_scale_ == detector._part_spread(own)
    train_scores = detector._anomaly_scores(A)
    assert detector.threshold_ == detector._threshold(train_scores, A, None)
    assert detector.contamination_ == np.mean(train_scores > detector.threshold_)
