"""``out=`` writes what the method returns: a ``.npy`` holds the same shape (one score per row
stays 1-D, images stay 4-D), so ``np.load(path) - method(X)`` is an elementwise difference and
never a broadcast n x n matrix; tables get one column per value of a row."""

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.estimators import streaming

SMALL = {"max_iter": 2, "hidden_layer_sizes": (8,), "latent_dim": 2, "random_state": 0}


@pytest.fixture(autouse=True)
def several_chunks(monkeypatch):
    monkeypatch.setattr(streaming, "BATCH_ROWS", 16)  # 40 rows: three chunks


def images():
    return np.random.default_rng(0).random((40, 1, 6, 5)).astype(np.float32)


@pytest.mark.parametrize("method", ["score_samples", "transform", "reconstruct"])
def test_a_npy_holds_the_shape_the_method_returns(method, tmp_path):
    X = images()
    ae = aekit.Autoencoder(**SMALL).fit(X)
    expected = getattr(ae, method)(X)
    written = np.load(getattr(ae, method)(X, out=tmp_path / "o.npy"))
    assert written.shape == expected.shape  # (40,), (40, 2) and (40, 1, 6, 5)
    np.testing.assert_allclose(written, expected, rtol=1e-6, atol=1e-6)


def test_a_detectors_one_value_per_row_stays_one_dimensional(tmp_path):
    X = images().reshape(40, -1)
    member = aekit.Autoencoder(**SMALL)
    params = {"n_estimators": 1, "contamination": 0.1, "random_state": 0}
    detector = aekit.AnomalyDetector(member, **params).fit(X)
    for method in ["anomaly_score", "predict"]:
        written = np.load(getattr(detector, method)(X, out=tmp_path / f"{method}.npy"))
        np.testing.assert_allclose(written, getattr(detector, method)(X), rtol=1e-12)


def test_a_table_gets_a_column_per_value_of_a_row(tmp_path):
    X = images()
    ae = aekit.Autoencoder(**SMALL).fit(X)
    scores = pd.read_csv(ae.score_samples(X, out=tmp_path / "s.csv"))
    assert list(scores.columns) == ["score"] and len(scores) == 40
    rows = pd.read_parquet(ae.reconstruct(X, out=tmp_path / "r.parquet"))
    assert rows.shape == (40, 30)
