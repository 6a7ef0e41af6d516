"""Layer 3: the M2 model of Kingma et al. (2014), "Semi-Supervised Learning with Deep Generative
Models", sec. 3.1.2: a conditional VAE plus a classifier ``q(y|x)`` that learns from labelled
and unlabelled rows at once.

Generative model: ``p(y) = Cat(1/K)``, ``p(z) = N(0, I)``, ``p(x | y, z)`` the decoder.
Inference: ``q(z | x, y)`` the conditional encoder and ``q(y | x)`` the classifier.

Shapes: ``x`` is ``(n, D)`` or ``(n, C, H, W)`` in the model's space; ``y`` holds class indices
``(n,)``, with ``-1`` marking an unlabelled row.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from aekit.core.model import AutoencoderModel

UNLABELLED = -1


class SemiSupervisedModel(AutoencoderModel):
    """A conditional :class:`AutoencoderModel` with a Gaussian latent and a classifier.

    ``forward`` returns the per-row mean of Kingma et al.'s objective (eq. 9)::

        J_alpha = sum_labelled L(x, y) + sum_unlabelled U(x) + alpha * E_labelled[-log q(y|x)]

    with ``L(x, y) = -ELBO(x, y)`` (eq. 6) and ``U(x) = sum_y q(y|x) L(x, y) - H(q(y|x))``
    (eq. 7). Scaled by the number of rows, the cross-entropy weight ``alpha`` is per row of the
    data: the paper's ``alpha = 0.1 * N`` on sums over ``N`` rows is ``classifier_weight=0.1``.
    """

    def __init__(
        self, base: AutoencoderModel, classifier: nn.Module, classifier_weight: float
    ) -> None:
        if not base.n_classes or not base.latent.stochastic:
            raise ValueError("M2 needs a conditional model with a Gaussian latent.")
        super().__init__(
            base.encoder,
            base.latent,
            base.decoder,
            base.likelihood,
            list(base.terms),
            base.corruption,
            base.n_classes,
        )
        self.classifier = classifier  # x -> logits of q(y|x), shape (n, n_classes)
        self.classifier_weight = float(classifier_weight)

    def _kl_weight(self, epoch: int) -> float:
        """The KL term's weight in ``epoch`` (beta, with its warm-up), so ``L`` is the
        beta-ELBO."""
        return sum(t.current_weight(epoch) for t in self.terms if t.name == "kl")

    def _negative_elbo(
        self, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None, epoch: int
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``L(x, y)`` per row (eq. 6) and its reconstruction and KL parts. ``log p(y) = -log K``
        is included so that ``U(x)`` bounds ``-log p(x)``; it is a constant for the gradients."""
        code = self.encode(x, y)
        nll = self.likelihood.nll(self.decode(self.latent.sample(code, generator), y), x)
        kl = self.latent.kl(code)
        return nll + self._kl_weight(epoch) * kl + math.log(self.n_classes), nll, kl

    def forward(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
        epoch: int = 0,
    ) -> dict[str, torch.Tensor]:
        if y is None:
            raise ValueError("the M2 model needs y: class indices, -1 for unlabelled rows.")
        labelled = y != UNLABELLED
        x_l, y_l, x_u = x[labelled], y[labelled], x[~labelled]
        n_l, n_u, k = len(x_l), len(x_u), self.n_classes
        # One pass of the VAE over the labelled rows and every unlabelled row under every class:
        # the unlabelled block is class-major, (k * n_u) rows, so .view(k, n_u) undoes it.
        x_all = torch.cat([x_l, x_u.repeat(k, *([1] * (x.dim() - 1)))])
        y_all = torch.cat([y_l, torch.arange(k, device=y.device).repeat_interleave(n_u)])
        neg_elbo, nll, kl = self._negative_elbo(x_all, y_all, generator, epoch)

        logits = self.classifier(x)
        log_q = F.log_softmax(logits, dim=1)
        q_u = log_q[~labelled].exp()  # (n_u, k)
        unlabelled = (q_u * neg_elbo[n_l:].view(k, n_u).T).sum(1) + (q_u * log_q[~labelled]).sum(
            1
        )  # eq. 7: E_q(y|x)[L(x, y)] - H(q(y|x)), the entropy written as + sum q log q
        if n_l:
            cross_entropy = F.cross_entropy(logits[labelled], y_l)
        else:  # a batch of unlabelled rows only: the trainer still wants the same terms
            cross_entropy = logits.sum() * 0.0
        n = len(x)

        def expected(per_row: torch.Tensor) -> torch.Tensor:
            """Batch mean of a per-(row, class) quantity, unlabelled rows weighted by q(y|x)."""
            return (per_row[:n_l].sum() + (q_u * per_row[n_l:].view(k, n_u).T).sum()) / n

        loss = (neg_elbo[:n_l].sum() + unlabelled.sum()) / n
        return {
            "loss": loss + self.classifier_weight * cross_entropy,
            "reconstruction": expected(nll),
            "kl": expected(kl),
            "classification": cross_entropy,
        }


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
