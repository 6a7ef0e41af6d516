"""fit's convergence check (aekit.estimators._convergence) reconstructs its rows through the
trained network in float32, not through the float64 copy that inference computes with: float64
convolutions have no fast CPU kernels, and for a conv network the copy's pass took a quarter of
a 1-epoch fit. Its figures stay those of float64 to float32's precision."""

import numpy as np
import pytest
import torch
from conftest import CPU

import aekit
import aekit.estimators._inference as inference
from aekit.data.datasets import load_digits
from aekit.estimators._convergence import _reconstruction_and_mean_errors


@pytest.fixture
def float64_copies(monkeypatch) -> list:
    """Each network that inference copied to float64, in order."""
    copied, real = [], inference.float64_copy

    def spy(network):
        copied.append(network)
        return real(network)

    monkeypatch.setattr(inference, "float64_copy", spy)
    return copied


def unit_digits() -> np.ndarray:
    X, _ = load_digits(as_images=True)
    return (X[:40] / max(float(X.max()), 1.0)).astype(np.float32)  # pixels in [0, 1]


KINDS = {
    "dense": lambda: aekit.Autoencoder(**CPU),
    "conv": lambda: aekit.Autoencoder(**{**CPU, "hidden_layer_sizes": (4, 8)}, architecture="conv"),
    "vae": lambda: aekit.VAE(**CPU),
}


@pytest.mark.parametrize("kind", KINDS)
def test_fit_makes_no_float64_copy_of_its_network(kind, float64_copies):
    X = unit_digits()
    estimator = KINDS[kind]()
    estimator.fit(X if kind == "conv" else X.reshape(len(X), -1))
    assert float64_copies == []  # the check ran (every kind here checks) on the network itself
    assert not estimator.model_.training  # left in eval mode, as fit leaves it
    assert next(estimator.model_.parameters()).dtype == torch.float32
    estimator.transform(X if kind == "conv" else X.reshape(len(X), -1))
    assert float64_copies == [estimator.model_]  # inference still computes in float64


def test_the_checks_figures_are_those_of_float64_and_the_networks_mode_is_kept():
    X = unit_digits().reshape(40, -1)
    estimator = aekit.Autoencoder(**CPU).fit(X)  # Bernoulli: the model's space is X's
    estimator.model_.train()  # a network in training mode is checked in eval mode, and kept
    error, baseline, _ = _reconstruction_and_mean_errors(estimator, torch.from_numpy(X), None)
    assert estimator.model_.training
    estimator.model_.eval()
    float64_error = np.mean((estimator.reconstruct(X) - X.astype(np.float64)) ** 2)
    assert error == pytest.approx(float64_error, rel=1e-6)
    assert baseline == pytest.approx(np.mean((X - X.mean(axis=0)) ** 2), rel=1e-12)
