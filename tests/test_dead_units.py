"""Dead ReLU code units of the L1 sparse autoencoder are revived during training
(``aekit.core.dead_units``): what reviving does to one unit, and what it does to a fit."""

import numpy as np
import pytest
import torch

import aekit
from aekit.core.dead_units import check_epochs, revive_dead_units
from aekit.data.datasets import load_digits


def _dead_units(model, X) -> int:
    return int((~(model.transform(X) > 0).any(axis=0)).sum())


@pytest.fixture(scope="module")
def digits():
    X, _ = load_digits()
    return X[:1000]


def test_a_killed_unit_fires_again_and_changes_no_reconstruction(digits):
    model = aekit.SparseAutoencoder(max_iter=2, random_state=0, device="cpu").fit(digits)
    module = model.model_
    head = module.latent.head
    X = torch.from_numpy(digits.astype(np.float32))  # in [0, 1]: the model's own space
    assert model.likelihood_ == "bernoulli"
    optimizer = torch.optim.Adam(module.parameters())
    module(X[:64])["loss"].backward()
    optimizer.step()  # moments everywhere
    with torch.no_grad():
        head.bias[3] = -1e6  # unit 3: negative for every row, as a dead unit is
        before = module.reconstruction_nll(X)
    revived = revive_dead_units(module, X, torch.Generator().manual_seed(0), optimizer, lambda t: t)
    assert revived >= 1
    with torch.no_grad():
        fires = (module.encode_code(X)[:, 3] > 0).float().mean()
        after = module.reconstruction_nll(X)
    assert 0 < fires < 1  # on one side of the mean of the features, not on every row
    # its decoder column is 0, so the reconstructions are those of before
    torch.testing.assert_close(after, before)
    state = optimizer.state[head.weight]
    assert torch.all(state["exp_avg"][3] == 0) and torch.all(state["exp_avg_sq"][3] == 0)
    assert torch.any(state["exp_avg"][2] != 0)  # the live units' moments are kept


def test_a_fit_ends_with_fewer_dead_units(digits):
    # on the digits 3 to 5 of 8 units were dead at the defaults, for each seed; 20 epochs (3
    # checks), not 60: 5-7 dead without reviving, 0 with it over seeds 0-2 (4-7 and 0 at 60)
    for seed in (0, 2):
        params = dict(max_iter=20, random_state=seed, device="cpu")
        plain = aekit.SparseAutoencoder(revive_dead_units=False, **params).fit(digits)
        revived = aekit.SparseAutoencoder(**params).fit(digits)
        assert _dead_units(plain, digits) >= 3 > _dead_units(revived, digits) + 1


def test_checks_stop_at_three_quarters_of_training():
    assert check_epochs(100) == set(range(5, 76, 5))
    assert check_epochs(4) == {1, 2, 3}
    assert check_epochs(1) == set()


def test_recurrent_decoders_are_left_as_they_are():
    # the code is the recurrent decoder's input at every step: zeroing one column would change
    # the reconstructions, so sequences through an LSTM or GRU are not revived (review)
    model = aekit.SparseAutoencoder(architecture="lstm", max_iter=1, sequence_shape=(1, 8))
    config = model._train_config(np.zeros((4, 8), np.float32), None)
    assert config.after_epoch is None
    mlp = aekit.SparseAutoencoder(max_iter=40)._train_config(np.zeros((4, 8), np.float32), None)
    assert mlp.after_epoch is not None


def test_the_dead_units_warning_of_a_recurrent_model_says_none_was_revived():
    # revive_dead_units=True (the default) is skipped for lstm/gru: the warning read as though
    # revival had run and failed (API review)
    X = np.sin(np.arange(60 * 8).reshape(60, 8) / 3.0)
    heavy = {"sequence_shape": (1, 8), "latent_dim": 8, "hidden_layer_sizes": (8,),
             "max_iter": 30, "sparsity_weight": 10.0, "random_state": 0}  # fmt: skip
    with pytest.warns(UserWarning, match=r"units are 0 on every one of 60 training rows") as got:
        aekit.SparseAutoencoder(architecture="lstm", **heavy).fit(X)
    dead = next(str(w.message) for w in got if "units are 0" in str(w.message))
    assert "revive_dead_units does not apply to architecture='lstm'" in dead
    assert "none was revived" in dead
