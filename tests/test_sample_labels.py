"""A ConditionalVAE's samples keep their labels: ``sample(return_y=True)`` in Python, and a
label column in ``aekit generate``'s tables (a new user's samples drawn without --label came
back with no way to tell which class each was)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

import aekit

QUICK = ("--epochs", "1", "--quiet")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


def test_the_drawn_labels_are_those_of_the_rows(digits):
    X, y = digits
    cvae = aekit.ConditionalVAE(latent_dim=4, max_iter=30, random_state=0).fit(X, y)
    rows, labels = cvae.sample(200, random_state=3, return_y=True)
    np.testing.assert_array_equal(rows, cvae.sample(200, random_state=3))  # the same draws
    assert set(labels) == set(cvae.classes_)
    # a classifier of the real digits reads each row as the label returned with it
    judge = LogisticRegression(max_iter=2000).fit(X, y)
    assert (judge.predict(rows) == labels).mean() > 0.8
    assert (cvae.sample(5, y=7, return_y=True)[1] == 7).all()


def test_a_model_without_labels_refuses_return_y(digits):
    vae = aekit.VAE(latent_dim=2, max_iter=1, random_state=0).fit(digits[0][:200])
    with pytest.raises(ValueError, match="has no labels"):
        vae.sample(3, return_y=True)


def test_generate_writes_each_samples_label(tmp_path):
    table = pd.DataFrame(
        {
            "a": np.r_[np.zeros(100), np.ones(100)] + 0.1 * np.random.RandomState(0).randn(200),
            "kind": ["low"] * 100 + ["high"] * 100,
        }
    )
    table.to_csv(tmp_path / "t.csv", index=False)
    run = tmp_path / "run"
    ok(invoke("train", tmp_path / "t.csv", "--label-column", "kind", "--model", "cvae",
              *QUICK, "--out", run))  # fmt: skip
    ok(invoke("generate", run, "-n", 30, "-o", tmp_path / "s.csv"))
    samples = pd.read_csv(tmp_path / "s.csv")
    assert list(samples.columns) == ["a", "kind"]  # the training label column's name
    assert set(samples["kind"]) == {"low", "high"}
    ok(invoke("generate", run, "-n", 5, "--label", "high", "-o", tmp_path / "h.parquet"))
    assert (pd.read_parquet(tmp_path / "h.parquet")["kind"] == "high").all()
    with pytest.warns(UserWarning, match=r"s\.npy holds no labels: .* in a column 'kind'"):
        ok(invoke("generate", run, "-n", 5, "-o", tmp_path / "s.npy"))


def test_generated_labels_of_an_array_model_are_a_label_column(digits, tmp_path):
    run = tmp_path / "run"
    ok(invoke("train", "digits", "--model", "cvae", *QUICK, "--out", run))
    ok(invoke("generate", run, "-n", 20, "-o", tmp_path / "s.csv"))
    samples = pd.read_csv(tmp_path / "s.csv")
    assert samples.columns[-1] == "label" and samples.shape == (20, 65)
    assert set(samples["label"]) <= set(range(10))
    # a path between rows whose labels (read from --labels) the model does not know: said so,
    # not "DATA has no labels"
    np.save(tmp_path / "X.npy", digits[0][:20])
    np.save(tmp_path / "y.npy", digits[1][:20] + 10)
    said = refused(
        invoke("interpolate", run, tmp_path / "X.npy", "--labels", tmp_path / "y.npy",
               "--from", 0, "--to", 10, "-o", tmp_path / "p.csv"),
        "have the label 10, which", "not trained on",
    )  # fmt: skip
    assert "has no labels" not in said
