"""A fine-tuned model read back from its file is the model that was saved, for scikit-learn's
``clone`` too: the pretrained autoencoder it was given is kept in the file, so a clone of the
loaded model (``cross_val_score``, ``GridSearchCV``, a refit) fine-tunes that autoencoder
again, as a clone of the original does, instead of pretraining a new one on the labelled rows
alone (the file held only the fine-tuned copy, and the parameter came back unfitted)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CPU, DEVICE
from sklearn.base import clone

import aekit
from aekit.data.datasets import load_digits
from aekit.pretraining.pretrained import is_fitted

X, y = load_digits()
QUICK = dict(
    max_iter=2, min_rows_per_epoch=300, early_stopping=False, random_state=0, device=DEVICE
)


def test_a_loaded_fine_tuned_models_clone_starts_from_the_same_pretrained_autoencoder(tmp_path):
    ae = aekit.Autoencoder(**{**CPU, "max_iter": 3}).fit(X[:600])
    tuned = aekit.FineTunedClassifier(ae, **QUICK).fit(X[:200], y[:200])
    tuned.save(tmp_path / "c.safetensors")
    loaded = aekit.load(tmp_path / "c.safetensors")
    assert is_fitted(loaded.autoencoder)
    np.testing.assert_array_equal(loaded.autoencoder.transform(X[:50]), ae.transform(X[:50]))
    np.testing.assert_array_equal(loaded.predict(X[600:700]), tuned.predict(X[600:700]))
    again, again_loaded = (clone(m).fit(X[:100], y[:100]) for m in (tuned, loaded))
    np.testing.assert_array_equal(
        again.predict_proba(X[600:700]), again_loaded.predict_proba(X[600:700])
    )
    # kept once: the file holds the autoencoder given, which fine-tuning did not change
    from safetensors import safe_open

    with safe_open(tmp_path / "c.safetensors", framework="pt") as handle:
        assert not [key for key in handle.keys() if "pretrained" in key]
    # the user's autoencoder, refitted later on other data, changes nothing of the fitted model
    before = tuned.predict_proba(X[600:700])
    ae.set_params(latent_dim=3).fit(X[:300] * 16)
    np.testing.assert_array_equal(tuned.predict_proba(X[600:700]), before)
    # an unfitted autoencoder stays a setting: nothing more is kept, and it loads unfitted
    fresh = aekit.FineTunedRegressor(aekit.Autoencoder(**CPU), **QUICK)
    fresh.fit(X[:200], y[:200].astype(float))
    fresh.save(tmp_path / "r.safetensors")
    assert not is_fitted(aekit.load(tmp_path / "r.safetensors").autoencoder)


def test_a_pixel_autoencoders_fine_tuned_model_refuses_rows_off_its_range():
    # the autoencoder refuses 0..16 pixels; its fine-tuned classifier scored them (24%)
    ae = aekit.Autoencoder(**CPU).fit(X[:300])
    assert ae.likelihood_ == "bernoulli"
    tuned = aekit.FineTunedClassifier(ae, **QUICK).fit(X[:200], y[:200])
    for call in (tuned.predict, tuned.predict_proba, lambda rows: tuned.score(rows, y[:50])):
        with pytest.raises(
            ValueError, match=r"needs data in \[0, 1\], but X ranges over \[0, 16\]"
        ):
            call(X[:50] * 16)
    with pytest.raises(ValueError, match=r"needs data in \[0, 1\]"):
        aekit.FineTunedClassifier(ae, **QUICK).fit(X[:200] * 16, y[:200])


def test_a_network_from_scratch_scales_its_inputs_by_all_its_rows():
    # built on the first two rows, its scaling came from them (and a Bernoulli likelihood where
    # those two lay in [0, 1])
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(300, 3)) * [1.0, 10.0, 100.0] + [0.0, 0.0, 5000.0]
    rows[:2] = rng.random((2, 3))  # two rows in [0, 1]
    labels = (rows[:, 0] > 0).astype(int)
    scratch = aekit.FineTunedClassifier(None, init="random", **QUICK).fit(rows, labels)
    assert scratch.autoencoder_.likelihood_ == "gaussian"
    np.testing.assert_allclose(scratch.autoencoder_.data_scale_, rows.std(axis=0), rtol=1e-4)


def test_a_network_from_scratch_on_rows_whose_first_two_lie_in_0_1_is_no_pixel_model():
    # built on two rows in [0, 1], its Bernoulli likelihood then refused the table (a review)
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 2, (200, 6)).astype(np.float32)
    rows[:, 5] = rng.poisson(2, 200)
    rows[:2, 5] = [0, 1]
    scratch = aekit.FineTunedClassifier(init="random", **QUICK).fit(rows, rows[:, 0] > 0)
    assert scratch.predict(rows).shape == (200,)
