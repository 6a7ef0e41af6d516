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
