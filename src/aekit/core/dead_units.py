"""Reviving dead ReLU code units during training (a sparse autoencoder's L1 code).

A ReLU unit ``h_j = max(0, w_j . f + b_j)`` whose pre-activation is negative for every row gets
no gradient and stays 0 for good: the code is narrower than ``latent_dim``. On the digits 3 of 8
units of :class:`aekit.SparseAutoencoder` died this way, most in the first epoch, with and
without the L1 penalty: the encoder's last features ``f`` are non-negative and correlated, so a
unit's pre-activation has one sign for most rows from the start.

The remedy is the one of sparse-autoencoder practice (Bricken et al. 2023, *Towards
Monosemanticity*, "neuron resampling"): every few epochs, find the units that no row of a
sample activates and point each at a row the model reconstructs badly, drawn with probability
proportional to its squared reconstruction loss. The unit's weights become the direction of that
row's features from their mean, ``w_j = s (f* - mean f) / ||f* - mean f||`` (``s`` the mean norm
of the live units' weights), and its bias ``b_j = -w_j . mean f``, so it fires on the rows on
that row's side of the mean; its column of the decoder's first layer is set to 0, so reviving
changes no reconstruction until training gives the unit a use, and Adam's moments of the changed
weights are reset. Under DDP every process computes the same and takes rank 0's result.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

MAX_ROWS = 2048  # rows a check reads: enough that a unit no row of them activates is dead
EPS = 1e-12


def check_epochs(max_iter: int) -> set[int]:
    """The completed epochs after which dead units are looked for: every ``max_iter // 20``
    (at least every epoch) up to three quarters of training, so revived units have the last
    quarter to settle."""
    every = max(1, max_iter // 20)
    return set(range(every, 3 * max_iter // 4 + 1, every))


def revive_dead_units(
    module: nn.Module,
    X: torch.Tensor,
    generator: torch.Generator,
    optimizer: torch.optim.Optimizer,
    from_main: Callable[[torch.Tensor], torch.Tensor],
) -> int:
    """Revive the dead units of ``module.latent`` (see the module docstring) on a sample of the
    rows ``X`` drawn with ``generator``; ``from_main`` gives rank 0's value of a tensor (the
    identity for one process). Returns how many units were revived."""
    head: nn.Linear = module.latent.head
    count = min(len(X), MAX_ROWS)
    rows = torch.randperm(len(X), generator=generator, device=generator.device)[:count]
    x = X[rows.sort().values]  # in file order: rows on disk are read in one pass
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            features = module.encoder(module.objective.encoder_input(x)).float()
            dead = from_main(((features @ head.weight.T + head.bias) <= 0).all(dim=0).float()) > 0
            n_dead = int(dead.sum())
            if n_dead == 0:
                return 0
            losses = module.reconstruction_nll(x).float().clamp_min(0.0) ** 2
            weights = losses if float(losses.sum()) > 0 else torch.ones_like(losses)
            picked = torch.multinomial(
                weights.cpu(), n_dead, replacement=True, generator=_cpu(generator)
            )
            centre = features.mean(dim=0)
            directions = features[picked.to(features.device)] - centre
            directions = directions / directions.norm(dim=1, keepdim=True).clamp_min(EPS)
            live = ~dead if bool((~dead).any()) else torch.ones_like(dead)
            scale = head.weight[live].norm(dim=1).mean()
            new_weights = from_main(directions.to(head.weight.dtype) * scale)
            new_bias = from_main(-(new_weights * centre.to(head.weight.dtype)).sum(dim=1))
            head.weight[dead] = new_weights
            head.bias[dead] = new_bias
            _reset_moments(optimizer, head.weight, dead)
            _reset_moments(optimizer, head.bias, dead)
            column = _decoder_input_layer(module.decoder, head.out_features)
            if column is not None:
                column.weight[:, dead] = 0.0
                _reset_moments(optimizer, column.weight, (slice(None), dead))
            return n_dead
    finally:
        module.train(was_training)


def _cpu(generator: torch.Generator) -> torch.Generator | None:
    """``generator`` where it can draw on the CPU (multinomial's draws); a CUDA generator's
    stream is not the CPU's, so a CPU draw there is seeded from it."""
    if generator.device.type == "cpu":
        return generator
    seed = int(torch.randint(2**62, (1,), generator=generator, device=generator.device))
    return torch.Generator().manual_seed(seed)


def _decoder_input_layer(decoder: nn.Module, latent_dim: int) -> nn.Linear | None:
    """The decoder's first linear layer reading the code (None for decoders that have none)."""
    for layer in decoder.modules():
        if isinstance(layer, nn.Linear) and layer.in_features == latent_dim:
            return layer
    return None


def _reset_moments(
    optimizer: torch.optim.Optimizer,
    parameter: torch.Tensor,
    where: torch.Tensor | tuple[slice, torch.Tensor],
) -> None:
    """Zero Adam's running moments of ``parameter[where]``: a revived unit starts afresh."""
    state = optimizer.state.get(parameter, {})
    for name in ("exp_avg", "exp_avg_sq"):
        if name in state:
            state[name][where] = 0.0
