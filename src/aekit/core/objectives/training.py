"""What a model is trained to minimise, as an object handed to the model when it is built.

An :class:`Objective` owns no parameters: it is given the model (whose networks, latent,
likelihood, weighted terms, corruption and optional classifier it uses), a batch and the epoch,
and returns the batch's loss with each named term. Objectives compose: the estimators pick one
bound and may wrap it in a training-time input transform such as :class:`DynamicBinarization`.

* :class:`PenalizedReconstruction`: ``-log p(x|z)`` plus the model's weighted terms; with a
  Gaussian latent and its KL term, the negative beta-ELBO.
* :class:`ImportanceWeightedBound`: ``-L_k``, the IWAE objective (Burda et al. 2015, eq. 8).
* :class:`DynamicBinarization`: ``x ~ Bernoulli(x)`` before any objective, in training only.

The masked likelihood of imputation is in :mod:`aekit.core.objectives.missing` and the M2
objective of semi-supervised learning in :mod:`aekit.core.objectives.semisupervised`.

Shapes: ``x`` is ``(n, D)`` or ``(n, C, H, W)`` in the model's space; ``y`` holds class indices
``(n,)`` for conditional models (``-1`` for an unlabelled row under the M2 objective).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

import torch
from torch import nn

from aekit.core import sharding
from aekit.core.latent import Code
from aekit.core.objectives.corruption import Corruption
from aekit.core.objectives.likelihoods import Likelihood

Terms = dict[str, torch.Tensor]


class AutoencoderModel(Protocol):
    """What an objective uses of the model it trains (:class:`aekit.core.model.AutoencoderModel`
    has all of it). Written as a protocol so this layer does not import the model, which is
    built from objectives. The attributes are read-only here (objectives only read them), so a
    model may hold narrower types (a :class:`Likelihood` subclass, say). ``classifier`` exists
    only on a model built with one (M2's :meth:`Objective.check` asks for it)."""

    @property
    def training(self) -> bool: ...

    @property
    def n_classes(self) -> int: ...

    @property
    def latent(self) -> nn.Module: ...

    @property
    def likelihood(self) -> Likelihood: ...

    @property
    def terms(self) -> nn.ModuleList: ...

    @property
    def corruption(self) -> Corruption | None: ...

    @property
    def classifier(self) -> nn.Module: ...

    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> Code: ...

    def encode_code(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor: ...

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor: ...

    def log_importance_weights(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None,
        eps: torch.Tensor,
        max_rows: int = 2048,
        parts: dict[str, torch.Tensor] | None = None,
    ) -> torch.Tensor: ...


def _short(value: object) -> str:
    """``repr(value)``, cut to 60 characters: a tensor among an objective's settings printed
    whole."""
    text = " ".join(repr(value).split())  # one line: a 2-D tensor's rows joined
    return text if len(text) <= 60 else text[:57] + "..."


class Objective:
    """Interface: ``objective(model, x, y, generator, epoch)`` returns ``{"loss": ..., name:
    ...}``, batch means (the trainer records every entry). ``epoch`` (from 0) drives weight
    schedules such as the KL warm-up; ``model.training`` says whether training-only noise
    (corruption, binarization) applies."""

    def __call__(
        self,
        model: AutoencoderModel,
        x: torch.Tensor,
        y: torch.Tensor | None,
        generator: torch.Generator | None,
        epoch: int,
    ) -> Terms:
        raise NotImplementedError

    def encoder_input(self, x: torch.Tensor) -> torch.Tensor:
        """Rows as the user gives them -> what the encoder saw in training, at inference: the
        identity, except for objectives that read a special encoding of x (missing entries)."""
        return x

    def check(self, model: AutoencoderModel) -> None:
        """Raise ``ValueError`` if this objective cannot train ``model``."""

    def __repr__(self) -> str:  # its settings: ImportanceWeightedBound(k=5)
        settings = ", ".join(f"{name}={_short(value)}" for name, value in vars(self).items())
        return f"{type(self).__name__}({settings})"


class PenalizedReconstruction(Objective):
    """``-log p(x | z) + sum_t w_t(epoch) * T_t``, batch means: the reconstruction NLL through a
    draw ``z`` of the code (the code itself for deterministic latents) plus each of the model's
    terms at its current weight.

    With a Gaussian latent and its KL term of weight beta this is the negative beta-ELBO,
    ``E_q[-log p(x|z)] + beta * KL(q(z|x) || p(z))`` (Kingma & Welling 2014, eq. 3, one draw of
    z; Higgins et al. 2017, eq. 4). In training mode the encoder sees the model's corruption of
    x (Vincent et al. 2008) while the NLL compares the output with the clean x.
    """

    def __call__(
        self,
        model: AutoencoderModel,
        x: torch.Tensor,
        y: torch.Tensor | None,
        generator: torch.Generator | None,
        epoch: int,
    ) -> Terms:
        return self.penalized(model, x, x, y, generator, epoch, model.likelihood.nll)

    @staticmethod
    def penalized(
        model: AutoencoderModel,
        target: torch.Tensor,
        x_in: torch.Tensor,
        y: torch.Tensor | None,
        generator: torch.Generator | None,
        epoch: int,
        nll: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    ) -> Terms:
        """The loss for encoder input ``x_in`` (corrupted here in training) and reconstruction
        target ``target``, with ``nll(output, target)`` giving ``-log p(target | z)`` per row."""
        if model.corruption is not None and model.training:
            x_in = model.corruption(x_in, generator)
        code = model.encode(x_in, y)
        output = model.decode(model.latent.sample(code, generator), y)
        terms = {"reconstruction": nll(output, target).mean()}
        loss = terms["reconstruction"]
        for term in model.terms:
            value = term(x_in, code, model)
            terms[term.name] = value
            loss = loss + term.current_weight(epoch) * value
        return {"loss": loss, **terms}


def importance_weighted_bound(
    model: AutoencoderModel,
    x: torch.Tensor,
    y: torch.Tensor | None,
    k: int,
    generator: torch.Generator | None,
    parts: dict[str, torch.Tensor] | None = None,
) -> torch.Tensor:
    """``L_k(x) = log (1/k) sum_i w_i`` per row, shape (n,), with ``k`` fresh draws of z per row
    (Burda et al. 2015, eq. 8): ``w_i = p(x, z_i) / q(z_i | x)``, ``z_i ~ q(z | x)``. ``L_1`` is
    a one-draw ELBO, and ``E[L_k]`` rises towards ``log p(x)`` with k (their Theorem 1)."""
    eps = sharding.randn(
        (k, len(x), model.latent.latent_dim),
        generator=generator,
        device=x.device,
        dtype=x.dtype,
        row_dim=1,
    )
    # One pass, (k, n); ``parts`` gets log p(x | z_i) and the KL from it (see the model).
    log_w = model.log_importance_weights(x, y, eps, max_rows=k * len(x), parts=parts)
    return torch.logsumexp(log_w, dim=0) - math.log(k)


class ImportanceWeightedBound(Objective):
    """``-L_k`` averaged over the batch: the IWAE objective (Burda et al. 2015, eq. 8; see
    :func:`importance_weighted_bound`). Its gradient weights each draw by its normalised
    importance weight, so the decoder learns from the draws that explain x best. ``L_k`` has no
    separate KL term, so the model's terms (and their weights) are not used.

    Parameters
    ----------
    k : int
        Draws of z per row; k = 1 is a one-draw ELBO.
    """

    def __init__(self, k: int) -> None:
        if int(k) < 1:
            raise ValueError(f"the importance-weighted bound needs k >= 1 draws, got {k!r}.")
        self.k = int(k)

    def check(self, model: AutoencoderModel) -> None:
        if not model.latent.stochastic:
            raise ValueError("the importance-weighted bound needs a Gaussian latent.")

    def __call__(
        self,
        model: AutoencoderModel,
        x: torch.Tensor,
        y: torch.Tensor | None,
        generator: torch.Generator | None,
        epoch: int,
    ) -> Terms:
        parts: dict[str, torch.Tensor] = {}
        bound = importance_weighted_bound(model, x, y, self.k, generator, parts)
        # Recorded beside the loss, as the ELBO's kinds record theirs (not trained on): the
        # reconstruction NLL averaged over the k draws and the closed-form KL, whose sum is the
        # k-draw negative ELBO, never below the loss -L_k (Burda et al. 2015, Theorem 1).
        return {
            "loss": -bound.mean(),
            "reconstruction": -parts["log_px_z"].mean(),
            "kl": parts["kl"].mean(),
        }

    def __repr__(self) -> str:
        return f"ImportanceWeightedBound(k={self.k})"


class DynamicBinarization(Objective):
    """Another objective, on a fresh binary draw of x in training: every time a row is used,
    each value p in [0, 1] is redrawn as ``x ~ Bernoulli(p)``, for the encoder's input and the
    reconstruction target alike, so a grey-level image stands for a distribution of binary
    images (Salakhutdinov & Murray 2008; Burda et al. 2015, sec. 5). Evaluation (eval mode)
    sees x as given.

    Parameters
    ----------
    objective : Objective
        The objective trained on the binary draws.
    """

    def __init__(self, objective: Objective) -> None:
        self.objective = objective

    def __call__(
        self,
        model: AutoencoderModel,
        x: torch.Tensor,
        y: torch.Tensor | None,
        generator: torch.Generator | None,
        epoch: int,
    ) -> Terms:
        if model.training:
            x = sharding.bernoulli(x, generator=generator)
        return self.objective(model, x, y, generator, epoch)

    def encoder_input(self, x: torch.Tensor) -> torch.Tensor:
        return self.objective.encoder_input(x)

    def check(self, model: AutoencoderModel) -> None:
        self.objective.check(model)

    def __repr__(self) -> str:
        return f"DynamicBinarization({self.objective!r})"
