"""A fine-tuner given a ConditionalVAE says that it encodes rows given their labels whatever its
fitted state: an unfitted one was pretrained first and failed there with "ConditionalVAE
requires y ... call fit(X, y)", to a user who had called fit(X, y) on the fine-tuner."""

import numpy as np
import pytest

import aekit

QUICK = {"max_iter": 1, "random_state": 0, "device": "cpu"}


@pytest.mark.parametrize("tuner", [aekit.FineTunedClassifier, aekit.FineTunedRegressor])
def test_an_unfitted_conditional_vae_is_refused_before_pretraining(tuner):
    X = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)
    y = np.arange(20) % 2
    model = tuner(aekit.ConditionalVAE(**QUICK), **QUICK)
    with pytest.raises(ValueError, match=r"a ConditionalVAE encodes rows given their labels.*"
                       r"pretrain an unconditional autoencoder"):  # fmt: skip
        model.check_params()  # the command line's check, before it reads DATA
    with pytest.raises(ValueError, match="a ConditionalVAE encodes rows given their labels"):
        model.fit(X, y)
