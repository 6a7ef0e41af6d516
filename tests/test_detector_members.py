"""What an AnomalyDetector refuses as its ``estimator``, before any training: members it
cannot feed, since it gives them flat rows and no labels (a convolutional member's own advice
sent users to a shape the detector refuses; a ConditionalVAE asked for labels already given)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aekit


@pytest.mark.parametrize(
    "member, said",
    [
        (aekit.ConditionalVAE(), r"passes its members no labels; use VAE"),
        (
            aekit.Autoencoder(architecture="conv1d"),
            r"needs sequence_shape: .* flat rows .* sequence_shape=\(channels, length\)",
        ),
        (aekit.VAE(architecture="gru"), r"VariationalAutoencoder\(architecture='gru'\)"),
        (aekit.Autoencoder(architecture="conv"), r"needs image_shape: .* flattened"),
    ],
)
def test_a_member_it_cannot_feed_is_refused_with_its_fix(member, said):
    X = np.random.default_rng(0).normal(size=(50, 16)).astype(np.float32)
    with pytest.raises(ValueError, match=said):
        aekit.AnomalyDetector(estimator=member, n_estimators=1).fit(X, np.zeros(50))


def test_the_advice_works():
    X = np.random.default_rng(0).normal(size=(60, 16)).astype(np.float32)
    member = aekit.Autoencoder(architecture="conv1d", sequence_shape=(1, 16), max_iter=2)
    detector = aekit.AnomalyDetector(estimator=member, n_estimators=1, preprocessing=None)
    assert detector.fit(X).anomaly_score(X).shape == (60,)


def test_training_rows_all_alike_are_warned_of():
    # 200 copies of one row (or a constant table) were taken without a word: threshold 2e-5
    row = np.random.default_rng(0).normal(size=(1, 5))
    for X in (np.repeat(row, 200, axis=0), np.ones((100, 5))):
        with pytest.warns(UserWarning, match=r"every one of the \d+ training rows is the same"):
            aekit.AnomalyDetector(n_estimators=1).fit(X)
    varied = np.random.default_rng(1).normal(size=(200, 5))
    varied[:, 2] = 1.0  # a constant column is no reason: it is warned of as itself
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("error", message="every one of")
        aekit.AnomalyDetector(n_estimators=1).fit(varied)
    assert [str(w.message) for w in caught if "constant" in str(w.message)], caught
