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


def test_a_duck_typed_autoencoder_without_tags_passes_the_check():
    # an autoencoder meeting the parameter's constraint (fit, encoder_module) without
    # BaseEstimator has no __sklearn_tags__: get_tags raised AttributeError on it
    class Duck:
        def fit(self, X, y=None):
            return self

        def encoder_module(self):
            return None

    aekit.FineTunedClassifier(Duck()).check_params()
