"""What a fitted model's call does besides its network, done once: its rows converted and
checked once (scikit-learn's check_array ran again on the float rows aekit had checked), and
its network's modules walked once to tell whether the kept float64 copy still holds (three
walks: modules, parameters, buffers). A fifth and a third of a one-row transform's overhead.
Their behaviour is tested where it is: tests/test_bad_input.py, tests/test_warm_start.py."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.utils.validation
import torch
from conftest import CPU

import aekit
from aekit.core import inference_copies


@pytest.fixture(scope="module")
def fitted() -> aekit.Autoencoder:
    X = np.random.default_rng(0).normal(size=(60, 20))
    return aekit.Autoencoder(**CPU).fit(X)


def test_a_fitted_models_rows_are_converted_once(fitted, monkeypatch):
    calls = []
    check_array = sklearn.utils.validation.check_array

    def counted(*args, **kwargs):
        calls.append(1)
        return check_array(*args, **kwargs)

    monkeypatch.setattr(sklearn.utils.validation, "check_array", counted)
    row = np.zeros((1, 20))
    (
        fitted.transform(row),
        fitted.score_samples(row),
        fitted.inverse_transform(fitted.transform(row)),
    )
    assert calls == []
    # scikit-learn's checks of the feature count still run
    with pytest.raises(ValueError, match="X has 5 features, but Autoencoder is expecting 20"):
        fitted.transform(np.zeros((1, 5)))


def test_the_inference_copy_walks_the_network_once(fitted, monkeypatch):
    walks = []
    named_modules = torch.nn.Module.named_modules

    def counted(self, *args, **kwargs):
        if self is fitted.model_:  # the walks of the network, not of its submodules
            walks.append(1)
        return named_modules(self, *args, **kwargs)

    fitted.transform(np.zeros((1, 20)))  # the copy made and kept
    monkeypatch.setattr(torch.nn.Module, "named_modules", counted)
    assert inference_copies.float64_copy(fitted.model_) is inference_copies.float64_copy(
        fitted.model_
    )
    assert len(walks) == 2  # one a call
