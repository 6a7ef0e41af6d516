"""Layer 4: the trainer's optimizer and learning-rate schedule, shared by the one training loop
(:func:`aekit.core.train.train`) and its ensemble form (:mod:`aekit.core.stacked`): Adam over
the parameter groups of a :class:`aekit.core.train.TrainConfig` (each its own learning-rate
factor and first epoch: gradual unfreezing), and the rate of each epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from aekit.core.config import TrainConfig

LEARNING_RATE_SCHEDULES = ("constant", "cosine")


def learning_rate_scheduler(
    optimizer: torch.optim.Optimizer, config: TrainConfig
) -> torch.optim.lr_scheduler.LambdaLR:
    """The learning rate of each epoch (from 0) as a factor of ``config.learning_rate``; step it
    once per epoch.

    ``"cosine"``: ``lr * (1 + cos(pi * epoch / max_iter)) / 2`` (Loshchilov & Hutter 2017,
    eq. 5 without restarts, floor 0): large steps early, small ones to settle at the end.
    ``LambdaLR`` computes it in closed form from the epoch (``CosineAnnealingLR`` updates the
    rate recursively, which drifts from these values in the last bits), so a resumed run
    follows the very same rates. ``"constant"``: the factor 1.
    """
    if config.learning_rate_schedule == "cosine":
        max_iter = config.max_iter

        def factor(epoch: int) -> float:
            return 0.5 * (1.0 + math.cos(math.pi * epoch / max_iter))

    else:

        def factor(epoch: int) -> float:
            return 1.0

    # One factor per parameter group: 0 before a group's first epoch (its base rate already
    # holds its lr_factor); a single group starting at epoch 0 is the plain schedule.
    starts = [group.get("first_epoch", 0) for group in optimizer.param_groups]
    factors = [_from_epoch(factor, start) for start in starts]
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factors)


def _from_epoch(factor: Callable[[int], float], start: int) -> Callable[[int], float]:
    if start <= 0:
        return factor
    return lambda epoch: factor(epoch) if epoch >= start else 0.0


def parameter_groups(module: nn.Module, config: TrainConfig) -> list[dict]:
    """The optimizer's parameter groups: one of every trainable parameter, or the config's."""
    if config.parameter_groups is None:
        return [{"params": [p for p in module.parameters() if p.requires_grad]}]
    return [
        {
            "params": [p for p in group.params if p.requires_grad],
            "lr": config.learning_rate * group.lr_factor,
            "first_epoch": group.first_epoch,
        }
        for group in config.parameter_groups(module)
    ]


def adam(module: nn.Module, config: TrainConfig) -> torch.optim.Adam:
    """Adam, fused into one kernel where PyTorch supports it: the per-tensor loop of the plain
    implementation costs more than the forward pass for small networks at small batches."""
    return adam_over(
        [group for group in parameter_groups(module, config) if group["params"]], config
    )


def adam_over(groups: list[dict], config: TrainConfig) -> torch.optim.Adam:
    """:func:`adam` of parameter groups given as the optimizer takes them."""
    params = [p for group in groups for p in group["params"]]
    fusable = all(p.is_floating_point() and p.device.type in ("cpu", "cuda") for p in params)
    try:
        return torch.optim.Adam(groups, lr=config.learning_rate, fused=fusable or None)
    except (RuntimeError, TypeError):  # an older PyTorch without fused Adam on this device
        return torch.optim.Adam(groups, lr=config.learning_rate)
