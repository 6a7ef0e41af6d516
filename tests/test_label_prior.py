"""``sample(label_prior="fitted")`` and ``aekit generate --label-prior fitted``: a
ConditionalVAE's labels drawn at the shares of its training labels, so synthetic rows keep the
classes' balance (a new user's table: a class of 3% of the rows came back as a third)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from conftest import CPU

import aekit
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def rare_sevens():
    """A ConditionalVAE of the digits with one 7 in ten kept: 7s are 1% of its rows."""
    X, y = load_digits()
    keep = (y != 7) | (np.arange(len(y)) % 10 == 0)
    model = aekit.ConditionalVAE(**{**CPU, "hidden_layer_sizes": (16,), "max_iter": 2})
    return model.fit(X[keep], y[keep]), y[keep]


def test_fitted_shares_are_the_training_labels_shares(rare_sevens, tmp_path):
    model, y = rare_sevens
    assert model.class_counts_.tolist() == np.bincount(y).tolist()
    _, drawn = model.sample(4000, return_y=True, label_prior="fitted", random_state=0)
    shares = np.bincount(drawn, minlength=10) / 4000
    np.testing.assert_allclose(shares, np.bincount(y) / len(y), atol=0.02)
    _, uniform = model.sample(4000, return_y=True, random_state=0)  # the default, as before
    assert abs(np.mean(uniform == 7) - 0.1) < 0.02
    model.save(tmp_path / "m.safetensors")
    again = aekit.load(tmp_path / "m.safetensors")
    np.testing.assert_array_equal(again.class_counts_, model.class_counts_)
    np.testing.assert_array_equal(
        again.sample(50, label_prior="fitted", random_state=3),
        model.sample(50, label_prior="fitted", random_state=3),
    )


def test_uniform_labels_give_as_many_rows_of_each_class(rare_sevens):
    # they were drawn one by one: 10 rows held no 2, 6 or 8 and three 3s
    model, _ = rare_sevens
    for n in (10, 13, 100):
        _, drawn = model.sample(n, return_y=True, random_state=0)
        counts = np.bincount(drawn, minlength=10)
        assert counts.min() == n // 10 and counts.max() == -(-n // 10)
    orders = {tuple(model.sample(10, return_y=True, random_state=s)[1]) for s in range(5)}
    assert len(orders) == 5  # in a random order


def test_a_wrong_label_prior_or_a_model_without_counts_is_refused(rare_sevens):
    model, _ = rare_sevens
    with pytest.raises(ValueError, match="label_prior='data': use 'uniform' or 'fitted'"):
        model.sample(3, label_prior="data")
    older = type(model).__new__(type(model))
    older.__dict__.update(model.__dict__, class_counts_=None)  # as a file saved before them
    with pytest.raises(ValueError, match="saved before aekit kept the counts of its classes"):
        older.sample(3, label_prior="fitted")
    older.sample(3, y=7)  # given labels need no counts


def test_generate_keeps_a_rare_class_rare(tmp_path):
    rng = np.random.default_rng(0)
    segment = rng.choice(["basic", "plus", "vip"], 600, p=[0.6, 0.37, 0.03])
    income = np.where(segment == "vip", 100.0, 40.0) + rng.normal(0, 5, 600)
    pd.DataFrame({"segment": segment, "income": income}).to_csv(tmp_path / "t.csv", index=False)
    quick = ["--epochs", "2", "--quiet", "--param", "hidden_layer_sizes=[8]"]
    run = tmp_path / "RUN"
    ok(invoke("train", tmp_path / "t.csv", "--model", "cvae", "--label-column", "segment",
              *quick, "--out", run))  # fmt: skip
    out = tmp_path / "s.csv"
    ok(invoke("generate", run, "-n", "2000", "--draw", "--label-prior", "fitted", "-o", out))
    drawn = pd.read_csv(out)["segment"].value_counts(normalize=True)
    trained = pd.Series(segment).value_counts(normalize=True)
    assert (abs(drawn - trained) < 0.02).all()  # uniform draws gave vip a third
    refused(invoke("generate", run, "--label", "vip", "--label-prior", "fitted", "-o", out),
            "the labels drawn are the --label's alone")  # fmt: skip
    refused(invoke("generate", run, "--label-prior", "data", "-o", out), "use uniform or fitted")
    # a .npy holds no labels: said on stderr (it was a line among the results on stdout)
    with pytest.warns(UserWarning, match=r"s\.npy holds no labels: the samples' labels were "
                      r"drawn as many of each class"):  # fmt: skip
        said = ok(invoke("generate", run, "-n", "6", "-o", tmp_path / "s.npy")).stdout
    assert said == f"6 samples: {tmp_path / 's.npy'}\n"
    with pytest.warns(UserWarning, match=r"drawn at the training labels' shares"):
        ok(invoke("generate", run, "-n", "6", "--label-prior", "fitted", "-o", tmp_path / "f.npy"))
    ok(invoke("train", tmp_path / "t.csv", "--ignore-column", "segment", *quick, "--out",
              tmp_path / "VAE"))  # fmt: skip
    refused(invoke("generate", tmp_path / "VAE", "--label-prior", "fitted", "-o", out),
            "a ConditionalVAE run's")  # fmt: skip


def test_a_label_prior_with_nothing_to_draw_is_said_to_be_ignored(rare_sevens):
    from aekit.cli.errors import for_the_command_line

    model, _ = rare_sevens
    with pytest.warns(UserWarning, match="label_prior='fitted' is ignored: y gives the labels"):
        model.sample(3, y=7, label_prior="fitted")
    vae = aekit.VAE(**{**CPU, "hidden_layer_sizes": (16,), "max_iter": 1})
    with pytest.warns(UserWarning, match="ignored: this model draws no labels"):
        vae.fit(load_digits()[0][:100]).sample(3, label_prior="fitted")
    said = for_the_command_line(
        "label_prior='fitted': this model was saved before aekit kept the counts of its "
        "classes; fit it again, or give the labels (y)."
    )
    assert said.startswith("--label-prior fitted: this run was saved") and "--label" in said
