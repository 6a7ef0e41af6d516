"""``sample``'s arguments as a new user passes them (a generation pass): a seed as text or a
numpy Generator, a flag that is no bool, a label for a model without labels; and a table run's
samples asked for as a .png."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from conftest import CPU

import aekit
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def models():
    X, y = load_digits()
    small = {**CPU, "hidden_layer_sizes": (16,), "max_iter": 2}
    return aekit.VAE(**small).fit(X[:200]), aekit.ConditionalVAE(**small).fit(X[:200], y[:200])


@pytest.mark.parametrize(
    ("seed", "said"),
    [("42", "is a str"), (1.5, "is a float"), (-1, "is out of range"), (True, "is a bool")],
)
def test_a_seed_numpy_cannot_take_is_refused_naming_random_state(models, seed, said):
    with pytest.raises(ValueError, match=f"random_state={seed!r} {said}; give an int in"):
        models[0].sample(3, random_state=seed)


def test_a_numpy_generator_seeds_the_draws(models):
    vae = models[0]
    first = vae.sample(4, random_state=np.random.default_rng(7))
    np.testing.assert_array_equal(first, vae.sample(4, random_state=np.random.default_rng(7)))
    rng = np.random.default_rng(7)
    vae.sample(4, random_state=rng)
    assert not np.array_equal(first, vae.sample(4, random_state=rng))  # the Generator moved on
    rows = load_digits()[0][:3]
    bound = vae.elbo_estimate(rows, n_samples=2, random_state=np.random.default_rng(0))
    assert np.isfinite(bound).all()


def test_flags_must_be_bools(models):
    vae, cvae = models
    for name in ("draw_x", "return_y"):
        with pytest.raises(ValueError, match=f"{name}='yes' is no bool; give True or False"):
            vae.sample(2, **{name: "yes"})
    X, y = cvae.sample(2, y=3, return_y=np.True_, draw_x=np.False_, random_state=0)
    assert list(y) == [3, 3]


def test_a_label_for_a_model_without_labels_is_said_to_be_ignored(models):
    vae, cvae = models
    with pytest.warns(UserWarning, match="y is ignored: a VariationalAutoencoder has no labels"):
        samples = vae.sample(3, y=7, random_state=0)
    np.testing.assert_array_equal(samples, vae.sample(3, random_state=0))  # ignored indeed
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "y is ignored")
        cvae.sample(3, y=7, random_state=0)


def test_a_table_runs_samples_are_no_image(tmp_path):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"city": rng.choice(["Oslo", "Rome"], 80), "spend": rng.normal(size=80)})
    table.to_csv(tmp_path / "t.csv", index=False)
    quick = ["--epochs", "2", "--quiet", "--param", "hidden_layer_sizes=[8]"]
    ok(invoke("train", tmp_path / "t.csv", *quick, "--out", tmp_path / "RUN"))
    for shape in ([], ["--image-shape", "1,1,3"]):  # 3 encoded values drew as "images"
        said = refused(invoke("generate", tmp_path / "RUN", "-o", tmp_path / "s.png", *shape))
        assert "trained on a table (its columns city, spend)" in said and ".parquet" in said
    assert not (tmp_path / "s.png").exists()
    ok(invoke("generate", tmp_path / "RUN", "-o", tmp_path / "s.csv"))
