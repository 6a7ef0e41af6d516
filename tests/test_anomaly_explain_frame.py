"""AnomalyDetector.explain's frame: the input's column names as given, one "latent" column."""

from __future__ import annotations

import numpy as np
import pandas as pd

import aekit


def _fit(X):
    member = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    return aekit.AnomalyDetector(estimator=member, n_estimators=1, random_state=0).fit(X)


def test_integer_column_names_stay_integers():
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(120, 3)))
    explained = _fit(X).explain(X.iloc[:4])
    assert list(explained.columns) == [0, 1, 2, "latent"]
    np.testing.assert_allclose(explained[1], explained.iloc[:, 1])  # was a KeyError


def test_a_column_named_latent_keeps_its_name_and_the_remainder_moves():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"latent": rng.normal(size=120), "x": rng.normal(size=120)})
    detector = _fit(X)
    explained = detector.explain(X.iloc[:4])
    assert list(explained.columns) == ["latent", "x", "_latent"]  # was "latent" twice
    np.testing.assert_allclose(explained.sum(axis=1), detector.anomaly_score(X.iloc[:4]))
