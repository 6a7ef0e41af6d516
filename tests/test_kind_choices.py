"""What a user choosing among the kinds is told: an overcomplete code is warned of whenever
nothing regularizes it, a kind's penalty at weight 0 or its noise at level 0 included (those
were silent, and reconstructed noisy rows as the plain overcomplete autoencoder did), and a
masking or dropout level of 1, which hides every entry, is refused."""

import warnings

import numpy as np
import pytest
from conftest import DEVICE

import aekit

X = np.random.default_rng(0).normal(size=(120, 6))
FAST = {"latent_dim": 8, "hidden_layer_sizes": (8,), "max_iter": 1, "device": DEVICE}


def _warns_of_identity(model) -> bool:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X)
    return any("can learn the identity map" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    "cls, off, on",
    [
        (aekit.VAE, {"beta": 0}, {}),
        (aekit.SparseAutoencoder, {"sparsity_weight": 0}, {}),
        (aekit.ContractiveAutoencoder, {"contractive_weight": 0}, {}),
        (aekit.DenoisingAutoencoder, {"noise_level": 0}, {}),
    ],
)
def test_an_overcomplete_code_with_its_regularizer_off_is_warned_of(cls, off, on):
    assert _warns_of_identity(cls(**FAST, **off))
    assert not _warns_of_identity(cls(**FAST, **on))


@pytest.mark.parametrize("noise", ["masking", "dropout"])
def test_a_level_that_hides_every_entry_is_refused_unless_it_bounds_a_range(noise):
    with pytest.raises(ValueError, match=r"hidden, in \[0, 1\) \(at 1 every entry is\)"):
        aekit.DenoisingAutoencoder(**FAST, noise=noise, noise_level=1.0).fit(X)
    # a uniform schedule draws the levels below it
    aekit.DenoisingAutoencoder(**FAST, noise=noise, noise_level=1.0, noise_schedule="uniform").fit(
        X
    )


def test_a_sparse_code_that_lost_most_of_its_units_is_warned_of():
    # a new user's table kept 5 of 8 units, unsaid; a heavy L1 weight, left dead, kills 6
    heavy = {**FAST, "max_iter": 100, "random_state": 0, "sparsity_weight": 10.0}
    with pytest.warns(UserWarning, match=r"6 of the code's 8 units are 0 on every one of 120"):
        aekit.SparseAutoencoder(**heavy, revive_dead_units=False).fit(X)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*units are 0 on every one")
        aekit.SparseAutoencoder(**FAST, sparsity="kl").fit(X)  # a sigmoid code: none dead
