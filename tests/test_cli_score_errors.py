"""``aekit score`` of an autoencoder run writes each row's reconstruction error beside its
log-likelihood (the README ranks anomalous images by the error: the Bernoulli likelihood
follows how much mid-grey an image holds); a .npy keeps the scores alone."""

import numpy as np
import pandas as pd
from cli_helpers import invoke, ok

import aekit


def test_a_score_table_holds_the_models_reconstruction_error(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5)) @ rng.normal(size=(5, 5))
    pd.DataFrame(X, columns=list("abcde")).to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("train", tmp_path / "t.csv", "--epochs", 2, "--out", tmp_path / "R", "--quiet"))
    ok(invoke("score", tmp_path / "R", tmp_path / "t.csv", "-o", tmp_path / "s.csv"))
    scores = pd.read_csv(tmp_path / "s.csv")
    assert list(scores.columns) == ["score", "reconstruction_error"]
    model = aekit.load(tmp_path / "R" / "model.safetensors")
    np.testing.assert_allclose(scores["score"], model.score_samples(X), rtol=1e-5)
    np.testing.assert_allclose(
        scores["reconstruction_error"], model.reconstruction_error(X), rtol=1e-5
    )
    # a .npy holds (n,), as score_samples(X, out=...) writes it (the README's shapes)
    ok(invoke("score", tmp_path / "R", tmp_path / "t.csv", "-o", tmp_path / "s.npy"))
    np.testing.assert_allclose(np.load(tmp_path / "s.npy"), scores["score"], rtol=1e-6)
