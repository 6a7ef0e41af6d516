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


def test_explain_writes_to_a_file_as_the_other_scoring_methods_do(tmp_path):
    # explain(df, out=...) raised "DetectorOutputs.explain() got an unexpected keyword 'out'"
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(120, 2)), columns=["a", "latent"]).assign(
        kind=rng.choice(["x", "y"], 120)
    )
    detector = _fit(X)
    for suffix in ("parquet", "csv"):
        assert detector.explain(X, out=tmp_path / f"e.{suffix}") == tmp_path / f"e.{suffix}"
        read = pd.read_parquet if suffix == "parquet" else pd.read_csv
        written = read(tmp_path / f"e.{suffix}")
        assert list(written.columns) == ["a", "latent", "kind", "_latent"]
        np.testing.assert_allclose(written.to_numpy(), detector.explain(X).to_numpy(), rtol=1e-5)
    rows = X[["a", "latent"]].to_numpy()
    plain = _fit(rows)
    plain.explain(rows, out=tmp_path / "rows.csv")
    assert list(pd.read_csv(tmp_path / "rows.csv").columns) == ["x0", "x1", "latent"]
