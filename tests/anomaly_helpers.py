"""A small AnomalyDetector and the rows it learns, shared by the detector's tests."""

import numpy as np
import pandas as pd

import aekit

FEATURES = 6


def tiny_ae(**params):
    defaults = dict(
        latent_dim=2, hidden_layer_sizes=(16,), max_iter=40, batch_size=32, random_state=0
    )
    return aekit.Autoencoder(**{**defaults, **params})


def small_detector(**params):
    defaults = dict(estimator=tiny_ae(), n_estimators=1, random_state=0)
    return aekit.AnomalyDetector(**{**defaults, **params})


def low_rank(n, seed=0):
    """Rows on a 2-D plane in 6-D plus a little noise: an autoencoder can learn them."""
    rng = np.random.RandomState(seed)
    W = np.random.RandomState(123).normal(size=(2, FEATURES))
    return rng.normal(size=(n, 2)) @ W + 0.05 * rng.normal(size=(n, FEATURES))


def mixed_frame(n, seed=0):
    rng = np.random.RandomState(seed)
    colour = rng.choice(["red", "green", "blue"], size=n)
    level = {"red": 0.0, "green": 3.0, "blue": -3.0}
    value = np.array([level[c] for c in colour]) + 0.1 * rng.normal(size=n)
    return pd.DataFrame(
        {
            "value": value,
            "twice": 2 * value + 0.1 * rng.normal(size=n),
            "colour": pd.Categorical(colour),
        }
    )
