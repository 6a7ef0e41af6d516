"""Layer 3: the M2 model of Kingma et al. (2014), "Semi-Supervised Learning with Deep Generative
Models", sec. 3.1.2, is the ordinary :class:`aekit.core.model.AutoencoderModel` (conditional,
Gaussian latent) built with a classifier ``q(y|x)`` and the objective
:class:`aekit.core.objectives.semisupervised.SemiSupervisedBound`. This module holds what the
trainer needs besides: the order of an epoch's rows, which gives every batch its share of the
few labelled rows.

Shapes: ``y`` holds class indices ``(n,)``, with ``-1`` (``UNLABELLED``) marking an unlabelled
row.
"""

from __future__ import annotations

import math

import torch

from aekit.core.objectives.semisupervised import UNLABELLED

__all__ = ["UNLABELLED", "oversampled_order"]


def oversampled_order(
    y: torch.Tensor, generator: torch.Generator, labelled_share: float
) -> torch.Tensor:
    """One epoch's row order: every row once, plus labelled rows drawn again with replacement
    until they make up about ``labelled_share`` of the epoch, all shuffled.

    With 100 labels among 60,000 rows, plain shuffling puts a labelled row in one batch of ten
    and the classifier barely trains; this gives every batch its share of labelled rows.
    """
    device = generator.device
    labelled = torch.nonzero(y != UNLABELLED).squeeze(1).to(device)
    n_unlabelled = len(y) - len(labelled)
    wanted = math.ceil(labelled_share * n_unlabelled / (1 - labelled_share))
    extra = max(0, wanted - len(labelled))
    picks = torch.randint(len(labelled), (extra,), generator=generator, device=device)
    order = torch.cat([torch.arange(len(y), device=device), labelled[picks]])
    return order[torch.randperm(len(order), generator=generator, device=device)]
