"""The objective of the M2 model of Kingma et al. (2014), "Semi-Supervised Learning with Deep
Generative Models", sec. 3.1.2: a conditional VAE plus a classifier ``q(y|x)`` that learn from
labelled and unlabelled rows at once.

Generative model: ``p(y) = Cat(pi)``, ``p(z) = N(0, I)``, ``p(x | y, z)`` the decoder; the
paper's ``pi`` is uniform (``1/K``), the estimator's by default the labelled rows' class shares.
Inference: ``q(z | x, y)`` the conditional encoder and ``q(y | x)`` the classifier, which the
model holds as ``model.classifier`` (the objective owns no parameters).

Shapes: ``x`` is ``(n, D)`` or ``(n, C, H, W)`` in the model's space; ``y`` holds class indices
``(n,)``, with ``-1`` marking an unlabelled row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from aekit.core.objectives.training import (
    AutoencoderModel,
    Objective,
    Terms,
    importance_weighted_bound,
)

UNLABELLED = -1


class SemiSupervisedBound(Objective):
    """The per-row mean of Kingma et al.'s objective (eq. 9)::

        J_alpha = sum_labelled L(x, y) + sum_unlabelled U(x) + alpha * E_labelled[-log q(y|x)]

    with ``U(x) = sum_y q(y|x) L(x, y) - H(q(y|x))`` (eq. 7) and ``L(x, y)`` the negative bound
    on ``log p(x, y)`` (eq. 6): ``-ELBO(x, y)`` with the KL term at its current weight (beta,
    with its warm-up) for ``importance_samples=1``, else ``-L_k(x, y)``, the importance-weighted
    bound of Burda et al. (2015, eq. 8) with k draws of z per (row, class). Both include
    ``log p(y)`` so that ``U(x)`` bounds ``-log p(x)``. Under the paper's uniform prior it is
    ``-log K``, a constant for the gradients; under class shares ``pi`` it is not: in ``U(x)``
    the term ``-E_q log pi_y - H(q) = KL(q(y|x) || pi)`` pulls the classifier's guesses on
    unlabelled rows towards the shares, where a uniform ``pi`` pulls them towards even ones (on
    skewed classes, too many rows called the rare class). Scaled by the number of rows, the
    cross-entropy weight ``alpha`` is per row of the data: the paper's ``alpha = 0.1 * N`` on
    sums over ``N`` rows is ``classifier_weight=0.1``.
    This is the mean over the rows of a batch; the estimators oversample the labelled rows to
    half of each epoch's rows (:mod:`aekit.estimators._semi_supervised`), so over an epoch the
    labelled and unlabelled sums are weighted 1 : 1, not by their counts as in eq. 9 (with 100
    labelled rows of 1,000, a labelled row weighs 9 times as much against an unlabelled one).

    Parameters
    ----------
    classifier_weight : float
        ``alpha`` per row.
    importance_samples : int, default=1
        k: 1 trains on the ELBO, k > 1 on ``L_k``.
    log_prior : sequence of float, default=None
        ``log p(y)`` of each class index; None: uniform, ``-log K``.
    """

    def __init__(
        self,
        classifier_weight: float,
        importance_samples: int = 1,
        log_prior: Sequence[float] | None = None,
    ) -> None:
        self.classifier_weight = float(classifier_weight)
        self.importance_samples = int(importance_samples)
        self.log_prior = None if log_prior is None else [float(v) for v in log_prior]
        self._tables: dict[torch.device, torch.Tensor] = {}  # -log_prior on each device

    def _minus_log_prior(self, model: AutoencoderModel, y: torch.Tensor) -> torch.Tensor:
        """``-log p(y)`` of each row's class index, shape (n,)."""
        log_prior = getattr(self, "log_prior", None)  # (an objective pickled before it)
        if log_prior is None:
            return torch.full(y.shape, math.log(model.n_classes), device=y.device)
        tables = self.__dict__.setdefault("_tables", {})  # one copy a device, not one a batch
        if y.device not in tables:
            tables[y.device] = -torch.tensor(log_prior, dtype=torch.float64, device=y.device)
        return tables[y.device][y]

    def check(self, model: AutoencoderModel) -> None:
        if not model.n_classes or not model.latent.stochastic:
            raise ValueError("M2 needs a conditional model with a Gaussian latent.")
        if not hasattr(model, "classifier"):
            raise ValueError("M2 needs a model with a classifier q(y|x).")

    def negative_bound(
        self,
        model: AutoencoderModel,
        x: torch.Tensor,
        y: torch.Tensor,
        generator: torch.Generator | None,
        epoch: int,
    ) -> Terms:
        """``L(x, y)`` per row (eq. 6) as ``"bound"``, shape (n,), and its reconstruction, KL
        and ``-log p(y)`` parts (for ``-L_k``, those of the k-draw ELBO, recorded beside it)."""
        minus_log_prior = self._minus_log_prior(model, y).to(x.dtype)
        if self.importance_samples > 1:
            pieces: dict[str, torch.Tensor] = {}
            k = self.importance_samples
            bound = importance_weighted_bound(model, x, y, k, generator, pieces)
            # Recorded, not trained on: the k-draw ELBO's parts, as ImportanceWeightedBound's.
            reconstruction = -pieces["log_px_z"].mean(dim=0)
            return {
                "bound": -bound + minus_log_prior,
                "reconstruction": reconstruction,
                "kl": pieces["kl"],
                "label_prior": minus_log_prior,
            }
        code = model.encode(x, y)
        nll = model.likelihood.nll(model.decode(model.latent.sample(code, generator), y), x)
        kl = model.latent.kl(code)
        # The KL term's current weight (beta, with its warm-up), so L is the negative beta-ELBO.
        beta = sum(t.current_weight(epoch) for t in model.terms if t.name == "kl")
        return {
            "bound": nll + beta * kl + minus_log_prior,
            "reconstruction": nll,
            "kl": kl,
            "label_prior": minus_log_prior,
        }

    def __call__(
        self,
        model: AutoencoderModel,
        x: torch.Tensor,
        y: torch.Tensor | None,
        generator: torch.Generator | None,
        epoch: int,
    ) -> Terms:
        if y is None:
            raise ValueError("the M2 model needs y: class indices, -1 for unlabelled rows.")
        labelled = y != UNLABELLED
        x_l, y_l, x_u = x[labelled], y[labelled], x[~labelled]
        n_l, n_u, k = len(x_l), len(x_u), model.n_classes
        # One pass of the VAE over the labelled rows and every unlabelled row under every class:
        # the unlabelled block is class-major, (k * n_u) rows, so .view(k, n_u) undoes it.
        x_all = torch.cat([x_l, x_u.repeat(k, *([1] * (x.dim() - 1)))])
        y_all = torch.cat([y_l, torch.arange(k, device=y.device).repeat_interleave(n_u)])
        parts = self.negative_bound(model, x_all, y_all, generator, epoch)
        neg_bound = parts.pop("bound")

        logits = model.classifier(x)
        log_q = F.log_softmax(logits, dim=1)
        q_u = log_q[~labelled].exp()  # (n_u, k)
        entropy = -(q_u * log_q[~labelled]).sum(1)  # H(q(y|x)) of each unlabelled row
        # eq. 7: U(x) = E_q(y|x)[L(x, y)] - H(q(y|x))
        unlabelled = (q_u * neg_bound[n_l:].view(k, n_u).T).sum(1) - entropy
        if n_l:
            cross_entropy = F.cross_entropy(logits[labelled], y_l)
        else:  # a batch of unlabelled rows only: the trainer still wants the same terms
            cross_entropy = logits.sum() * 0.0
        n = len(x)

        def expected(per_row: torch.Tensor) -> torch.Tensor:
            """Batch mean of a per-(row, class) quantity, unlabelled rows weighted by q(y|x)."""
            return (per_row[:n_l].sum() + (q_u * per_row[n_l:].view(k, n_u).T).sum()) / n

        loss = (neg_bound[:n_l].sum() + unlabelled.sum()) / n
        # Recorded beside the loss so that its parts add up (for k = 1): loss = reconstruction
        # + beta * kl + label_prior - label_entropy + alpha * classification.
        return {
            "loss": loss + self.classifier_weight * cross_entropy,
            **{name: expected(value) for name, value in parts.items()},  # label_prior: -log p(y)
            "label_entropy": entropy.sum() / n,
            "classification": cross_entropy,
        }

    def __repr__(self) -> str:
        return (
            f"SemiSupervisedBound(classifier_weight={self.classifier_weight}, "
            f"importance_samples={self.importance_samples}, log_prior={self.log_prior})"
        )
