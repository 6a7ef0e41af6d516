"""``random_state``: an int seed, a RandomState or None, for every estimator; a bool (an int to
Python, so ``True`` was the seed 1) and numpy's Generator refused in words that say the int to
pass."""

from __future__ import annotations

import numpy as np
import pytest

import aekit
from aekit.denoising import corrupt

ESTIMATORS = [
    aekit.Autoencoder,
    aekit.VAE,
    aekit.ConditionalVAE,
    aekit.AnomalyDetector,
    aekit.SeriesAnomalyDetector,
    aekit.AutoencoderImputer,
    aekit.Compressor,
    aekit.SemanticHasher,
    aekit.FineTunedClassifier,
]


@pytest.mark.parametrize("kind", ESTIMATORS, ids=lambda kind: kind.__name__)
@pytest.mark.parametrize("seed", [True, False])
def test_a_bool_is_no_seed(kind, seed):
    with pytest.raises(ValueError, match=rf"'random_state' .* not a bool.* Got {seed} instead"):
        kind(random_state=seed)._validate_params()  # what fit does first


@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.AnomalyDetector])
def test_a_generator_is_told_to_give_an_int(kind):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"pass int\(rng\.integers\(2\*\*32\)\)\).*Got Generator"):
        kind(random_state=rng)._validate_params()


@pytest.mark.parametrize("seed", [0, np.int64(2**32 - 1), np.random.RandomState(0), None])
def test_the_seeds_scikit_learn_takes_are_taken(seed):
    aekit.Autoencoder(random_state=seed)._validate_params()
    aekit.AnomalyDetector(random_state=seed)._validate_params()


def test_a_bool_fit_raises_before_training(digits):
    with pytest.raises(ValueError, match="not a bool"):
        aekit.Autoencoder(max_iter=1, random_state=True).fit(digits[0][:50])


def test_corrupt_takes_an_int_seed_only():
    X = np.full((4, 5), 0.5)
    for seed in (True, 2.7):  # were the seeds 1 and 2
        with pytest.raises(ValueError, match=rf"random_state={seed!r} is a \w+; give an int"):
            corrupt(X, random_state=seed)
    assert np.array_equal(corrupt(X, random_state=1), corrupt(X, random_state=np.int64(1)))
