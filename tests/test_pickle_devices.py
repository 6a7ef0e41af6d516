"""A pickle of an estimator fitted on a GPU loads on a machine without one (joblib, MLflow):
its networks come back on the CPU, with a warning, instead of torch's "Attempting to deserialize
object on a CUDA device" that no ``pickle.load`` can get past.

No GPU is needed: while a pickle is written, torch is made to tag every storage "cuda:0", as it
tags a GPU's (its registry of storage locations, ``torch.serialization._package_registry``),
and while it is read, PyTorch sees no GPU.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch
from conftest import CPU
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import aekit
import aekit.devices

rng = np.random.default_rng(0)
X = rng.random((60, 6))
y = (X[:, 0] > 0.5).astype(int)
SMALL = {**CPU, "latent_dim": 2, "device": "auto"}


@pytest.fixture(autouse=True)
def auto_means_the_cpu(monkeypatch):
    """The GPU is simulated: every fit here is on the CPU, in a suite run on CUDA too."""
    monkeypatch.setattr(aekit.devices, "auto_device", lambda: torch.device("cpu"))


FITS = {
    "pipeline": lambda: make_pipeline(aekit.Autoencoder(**SMALL), LogisticRegression()).fit(X, y),
    "detector": lambda: aekit.AnomalyDetector(
        n_estimators=1, contamination=0.1, random_state=0
    ).fit(X),
    "fine-tuned": lambda: aekit.FineTunedClassifier(
        aekit.Autoencoder(**SMALL), max_iter=1, random_state=0
    ).fit(X, y),
}


def _fit(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return FITS[name]()


def _pickled_on_a_gpu(estimator, monkeypatch) -> bytes:
    tagged = (0, lambda storage: "cuda:0", lambda storage, location: None)
    with monkeypatch.context() as patch:
        registry = [tagged, *torch.serialization._package_registry]
        patch.setattr(torch.serialization, "_package_registry", registry)
        return pickle.dumps(estimator)


def _without_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.mark.parametrize("name", list(FITS))
def test_a_gpu_fitted_pickle_loads_on_the_cpu(name, monkeypatch):
    estimator = _fit(name)
    blob = _pickled_on_a_gpu(estimator, monkeypatch)
    _without_a_gpu(monkeypatch)
    with pytest.warns(UserWarning, match="fitted on cuda:0, which PyTorch does not see here"):
        loaded = pickle.loads(blob)
    method = "score_samples" if name == "detector" else "predict_proba"
    np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(estimator, method)(X))


def test_the_refit_hint_comes_where_device_names_the_gpu(monkeypatch):
    model = _fit("pipeline")[0]
    plain = pickle.dumps(model)
    on_gpu = _pickled_on_a_gpu(model, monkeypatch)
    named = _pickled_on_a_gpu(model.set_params(device="cuda"), monkeypatch)
    _without_a_gpu(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a CPU pickle loads as before, silently
        np.testing.assert_array_equal(pickle.loads(plain).transform(X), model.transform(X))
    with pytest.warns(UserWarning) as auto:  # device="auto" refits on the CPU by itself
        pickle.loads(on_gpu)
    assert "set_params" not in str(auto[0].message)
    with pytest.warns(UserWarning, match=r"To refit it here, set_params\(device='cpu'\)"):
        pickle.loads(named)
