"""Training options of the variational kinds: dynamic binarization and the learning-rate
schedule."""

import math

import numpy as np
import pytest
import torch
from conftest import DEVICE

import aekit
from aekit.core.nets import MLPEncoder
from aekit.core.objectives import DynamicBinarization, ImportanceWeightedBound
from aekit.core.train import TrainConfig, learning_rate_scheduler
from aekit.data.datasets import load_digits

TINY = {"hidden_layer_sizes": (16,), "random_state": 0, "device": DEVICE, "latent_dim": 2}


@pytest.fixture
def seen_inputs():
    """Every batch an MLP encoder receives while a test runs (training or not)."""
    batches = []

    def record(module, args):
        if isinstance(module, MLPEncoder) and module.training:
            batches.append(args[0].detach().clone())

    handle = torch.nn.modules.module.register_module_forward_pre_hook(record)
    yield batches
    handle.remove()


def test_dynamic_binarization_feeds_fresh_binary_images_every_epoch(seen_inputs):
    X = load_digits()[0][:200]  # grey levels in [0, 1]
    assert len(np.unique(X)) > 2
    vae = aekit.VAE(binarize="dynamic", max_iter=2, batch_size=200, **TINY).fit(X)
    assert len(seen_inputs) == 2  # one full batch per epoch
    first, second = seen_inputs
    for batch in seen_inputs:
        assert set(torch.unique(batch).tolist()) <= {0.0, 1.0}
    # Each pixel p is redrawn as Bernoulli(p): the draws differ between epochs, while their mean
    # matches the grey levels' mean (a batch holds every row, in a new order each epoch).
    assert not torch.equal(first.sum(dim=0), second.sum(dim=0))
    assert first.mean().item() == pytest.approx(float(X.mean()), abs=0.01)
    # Pixels that are exactly 0 stay 0 and pixels at 1 stay 1: the draw is Bernoulli(p).
    always_zero = torch.from_numpy(X.max(axis=0) == 0)
    assert first[:, always_zero].sum() == 0
    assert isinstance(vae.model_.objective, DynamicBinarization)


def test_without_binarization_training_sees_the_grey_levels(seen_inputs):
    X = load_digits()[0][:200]
    aekit.VAE(max_iter=1, batch_size=200, **TINY).fit(X)
    np.testing.assert_array_equal(seen_inputs[0].cpu().sort(dim=0).values, np.sort(X, axis=0))


def test_binarize_is_validated_and_saved(tmp_path):
    X = load_digits()[0][:100]
    with pytest.raises(ValueError, match=r"'binarize' parameter .* Got 'static' instead"):
        aekit.VAE(binarize="static", max_iter=1, **TINY).fit(X)
    with pytest.raises(ValueError, match="Bernoulli likelihood"):
        aekit.VAE(binarize="dynamic", max_iter=1, **TINY).fit(X * 4 - 2)
    vae = aekit.ConditionalVAE(binarize="dynamic", max_iter=2, **TINY).fit(X, np.arange(100) % 3)
    vae.save(tmp_path / "m.aekit")
    loaded = aekit.load(tmp_path / "m.aekit", device=DEVICE)
    assert loaded.binarize == "dynamic" and isinstance(loaded.model_.objective, DynamicBinarization)
    np.testing.assert_array_equal(
        loaded.elbo(X, np.arange(100) % 3), vae.elbo(X, np.arange(100) % 3)
    )


def learning_rates(config: TrainConfig, epochs: int) -> list[float]:
    """The optimizer's learning rate in each epoch, the scheduler stepped once per epoch."""
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=config.learning_rate)
    scheduler = learning_rate_scheduler(optimizer, config)
    rates = []
    for _ in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def test_cosine_schedule_values():
    config = TrainConfig(
        max_iter=10, batch_size=1, learning_rate=0.1, learning_rate_schedule="cosine"
    )
    steps = learning_rates(config, 10)
    # The closed form, to the last bit: lr (1 + cos(pi t / max_iter)) / 2 (Loshchilov & Hutter).
    assert steps == [0.1 * 0.5 * (1.0 + math.cos(math.pi * e / 10)) for e in range(10)]
    assert steps[0] == pytest.approx(0.1)
    assert steps[5] == pytest.approx(0.05)  # half way: (1 + cos(pi/2)) / 2
    assert all(a > b for a, b in zip(steps, steps[1:]))
    constant = TrainConfig(max_iter=10, batch_size=1, learning_rate=0.1)
    assert set(learning_rates(constant, 10)) == {0.1}


def test_cosine_schedule_reaches_the_optimizer(monkeypatch):
    seen = []
    original = torch.optim.Adam.step

    def step(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    X = load_digits()[0][:100]
    aekit.VAE(learning_rate_schedule="cosine", max_iter=4, batch_size=100, **TINY).fit(X)
    assert seen == pytest.approx([1e-3 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(4)])
    with pytest.raises(
        ValueError, match=r"'learning_rate_schedule' parameter .* Got 'step' instead"
    ):
        aekit.VAE(learning_rate_schedule="step", max_iter=1, **TINY).fit(X)


def test_importance_weighted_objective_is_a_tighter_bound():
    X = load_digits()[0]
    X_train, X_test = X[:1000], X[1500:]
    common = {**TINY, "latent_dim": 8, "hidden_layer_sizes": (32,), "learning_rate_init": 3e-3}
    vae = aekit.VAE(max_iter=30, **common).fit(X_train)
    iwae = aekit.VAE(max_iter=30, importance_samples=5, **common).fit(X_train)
    assert iwae.model_.objective.k == 5
    # Its history splits the k-draw negative ELBO as the ELBO's does, which lies above the loss
    # -L_5 trained on in every epoch.
    history = iwae.history_
    assert set(history) == {"loss", "reconstruction", "kl"} and min(history["kl"]) > 0
    elbo_terms = np.add(history["reconstruction"], history["kl"])
    assert (elbo_terms > np.array(history["loss"])).all()

    # On one network, the training loss -L_5 lies below -ELBO on average (Burda et al. 2015,
    # Theorem 1): averaged over many draws of the k samples per row.
    model = vae.model_.train()
    device = next(model.parameters()).device  # the model's: its data and its random draws
    x = torch.from_numpy(X_test).to(device)
    iw_bound = ImportanceWeightedBound(5)
    with torch.no_grad():
        draws = [torch.Generator(device).manual_seed(s) for s in range(20)]
        elbo_losses = [model(x, None, g)["loss"].item() for g in draws]
        draws = [torch.Generator(device).manual_seed(s) for s in range(20)]
        iw_losses = [iw_bound(model, x, None, g, 0)["loss"].item() for g in draws]
    # the gap (about 0.2 nats here, 0.17 on a GPU's fit) beyond 4 standard errors of the
    # difference of the two means over the 20 draws
    gap = np.mean(elbo_losses) - np.mean(iw_losses)
    standard_error = np.sqrt((np.var(elbo_losses, ddof=1) + np.var(iw_losses, ddof=1)) / 20)
    assert gap > 4 * standard_error

    # Trained on L_5, the model explains held-out digits better (its L_500 is higher) while its
    # ELBO is looser: the IWAE trade-off Burda et al. report (sec. 5).
    ll_vae, ll_iwae = (m.log_likelihood(X_test, n_samples=500).mean() for m in (vae, iwae))
    assert ll_iwae > ll_vae + 0.2
    gap = [m.log_likelihood(X_test, n_samples=500).mean() - m.elbo(X_test).mean()
           for m in (vae, iwae)]  # fmt: skip
    assert gap[1] > gap[0]


def test_importance_samples_is_validated():
    X = load_digits()[0][:100]
    with pytest.raises(ValueError, match=r"'importance_samples' parameter .* Got 0 instead"):
        aekit.VAE(importance_samples=0, max_iter=1, **TINY).fit(X)
    with pytest.raises(ValueError, match="beta=1 and kl_warmup=0"):
        aekit.VAE(importance_samples=3, beta=2.0, max_iter=1, **TINY).fit(X)
    with pytest.raises(ValueError, match="beta=1 and kl_warmup=0"):
        aekit.VAE(importance_samples=3, kl_warmup=5, max_iter=1, **TINY).fit(X)
