"""``sample(draw_x=True)``: rows drawn from p(x|z) rather than its expected values.

The expected values of a table's category columns are probabilities, whose most likely
category ``TabularEncoder.inverse_transform`` takes: a column of four equally likely categories
came back as one of them in 95% of the rows, and the numbers with two thirds of the data's
spread (a new user's synthetic table)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch
from cli_helpers import invoke, ok

import aekit
from aekit.core.objectives.likelihoods import (
    BernoulliLikelihood,
    CategoricalGroups,
    GaussianLikelihood,
)


def test_each_likelihood_draws_from_its_distribution():
    generator = torch.Generator().manual_seed(0)
    n = 200_000
    gaussian = GaussianLikelihood(learn_scale=True)
    with torch.no_grad():
        gaussian.log_scale.fill_(math.log(0.5))
    mu = torch.full((n, 1), 3.0)
    drawn = gaussian.draw(mu, generator)
    assert abs(drawn.mean().item() - 3.0) < 0.01 and abs(drawn.std().item() - 0.5) < 0.01
    logits = torch.full((n, 1), math.log(0.2 / 0.8))  # p = 0.2
    bits = BernoulliLikelihood().draw(logits, generator)
    assert set(bits.unique().tolist()) == {0.0, 1.0} and abs(bits.mean().item() - 0.2) < 0.01
    # a Gaussian column beside a group of three categories of probabilities 0.2 / 0.3 / 0.5
    grouped = CategoricalGroups(GaussianLikelihood(), ((1, 4),))
    output = torch.cat(
        [torch.zeros(n, 1), torch.log(torch.tensor([[0.2, 0.3, 0.5]])).expand(n, 3)], 1
    )
    rows = grouped.draw(output, generator)
    one_hot = rows[:, 1:]
    assert torch.all(one_hot.sum(dim=1) == 1) and set(one_hot.unique().tolist()) == {0.0, 1.0}
    np.testing.assert_allclose(one_hot.mean(dim=0).numpy(), [0.2, 0.3, 0.5], atol=0.01)
    assert abs(rows[:, 0].std().item() - 1.0) < 0.01  # sigma fixed at 1


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    n = 1500
    age = rng.normal(45, 12, n)
    return pd.DataFrame(
        {
            "age": age,
            "income": 1000 * age + rng.normal(0, 8000, n),
            "region": rng.choice(["north", "south", "east", "west"], n),  # unrelated to the rest
        }
    )


def test_drawn_table_rows_keep_category_frequencies_and_spread(table):
    encoder = aekit.TabularEncoder().fit(table)
    vae = aekit.VAE(latent_dim=2, max_iter=30, random_state=0, device="cpu")
    vae.set_params(categorical_groups=encoder.categorical_groups_).fit(encoder.transform(table))
    means = encoder.inverse_transform(vae.sample(4000, random_state=1))
    drawn = encoder.inverse_transform(vae.sample(4000, random_state=1, draw_x=True))
    shares = drawn["region"].value_counts(normalize=True)
    assert len(shares) == 4 and (shares - 0.25).abs().max() < 0.05, shares
    for column in ("age", "income"):
        assert drawn[column].std() > 0.8 * table[column].std()
        assert drawn[column].std() > means[column].std()
    # seeded: the same draws again
    again = vae.sample(50, random_state=1, draw_x=True)
    np.testing.assert_array_equal(again, vae.sample(50, random_state=1, draw_x=True))


def test_saved_categorical_groups_come_back_as_given(table, tmp_path):
    # they came back as lists inside the tuple: get_params() of the two models differed
    encoder = aekit.TabularEncoder().fit(table)
    vae = aekit.VAE(max_iter=1, categorical_groups=encoder.categorical_groups_, device="cpu")
    vae.fit(encoder.transform(table)).save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors").get_params()["categorical_groups"]
    assert loaded == encoder.categorical_groups_ and isinstance(loaded[0], tuple)


def test_the_codes_drawn_are_those_of_the_expected_values(table, monkeypatch):
    # the draws' seed comes after the codes': with draws that are the means, the rows are equal
    encoder = aekit.TabularEncoder().fit(table)
    vae = aekit.VAE(latent_dim=2, max_iter=2, random_state=0, device="cpu")
    vae.set_params(categorical_groups=encoder.categorical_groups_).fit(encoder.transform(table))
    for kind in (GaussianLikelihood, CategoricalGroups):
        monkeypatch.setattr(kind, "draw", lambda self, output, generator: self.mean(output))
    np.testing.assert_array_equal(
        vae.sample(30, random_state=4, draw_x=True), vae.sample(30, random_state=4)
    )


def test_a_conditional_models_draws_keep_their_labels(table):
    encoder = aekit.TabularEncoder().fit(table)
    labels = np.where(table["age"] > 45, "older", "younger")
    cvae = aekit.ConditionalVAE(latent_dim=2, max_iter=5, random_state=0, device="cpu")
    cvae.set_params(categorical_groups=encoder.categorical_groups_)
    cvae.fit(encoder.transform(table), labels)
    _, meant = cvae.sample(20, random_state=3, return_y=True)
    _, drawn = cvae.sample(20, random_state=3, return_y=True, draw_x=True)
    np.testing.assert_array_equal(meant, drawn)  # the labels are drawn before, and alike


def test_generate_draw_writes_drawn_rows_of_a_table_run(table, tmp_path):
    table.to_csv(tmp_path / "t.csv", index=False)
    args = ["--model", "vae", "--epochs", "10", "--quiet", "--no-figures"]
    ok(invoke("train", tmp_path / "t.csv", *args, "--out", tmp_path / "run"))
    for option in ("--draw", "--mean"):
        out = tmp_path / f"s{option}.csv"
        ok(invoke("generate", tmp_path / "run", "-n", "400", option, "-o", out))
    drawn, meant = pd.read_csv(tmp_path / "s--draw.csv"), pd.read_csv(tmp_path / "s--mean.csv")
    assert list(drawn.columns) == ["age", "income", "region"]
    assert drawn["region"].nunique() == 4 and drawn["age"].std() > meant["age"].std()
