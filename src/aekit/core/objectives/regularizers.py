"""Weighted regularizer terms added to the reconstruction loss.

A term is a module with a ``name`` and a ``weight``; calling it with the batch's encoder input,
its code and the model returns the term's batch mean (unweighted, so the history shows the
quantity itself). The model adds ``weight * value`` to the loss.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

import torch
from torch import nn

from aekit.core.latent import Code, GaussianLatent


class Term(nn.Module):
    name = ""

    def __init__(self, weight: float) -> None:
        super().__init__()
        self.weight = float(weight)

    def current_weight(self, epoch: int) -> float:
        return self.weight

    def extra_repr(self) -> str:  # print(model) shows the settings, not "KLDivergence()"
        return f"weight={self.weight!r}"


class L1Sparsity(Term):
    """``sum_j |h_j|`` per row (Goodfellow et al. 2016, eq. 14.2 with an L1 penalty)."""

    name = "sparsity"

    def forward(self, x_in: torch.Tensor, code: Code, model: nn.Module) -> torch.Tensor:
        return code.mean.abs().sum(dim=1).mean()


class KLSparsity(Term):
    """``sum_j KL(rho || rho_hat_j)`` with ``rho_hat_j`` the batch-mean activation of unit j
    (Ng, "Sparse autoencoder" lecture notes, 2011):
    ``KL = rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat))``.
    The code must lie in (0, 1): the sparse model gives it a sigmoid."""

    name = "sparsity"

    def __init__(self, weight: float, target: float) -> None:
        super().__init__(weight)
        if not 0 < target < 1:
            raise ValueError(f"sparsity_target={target!r} must lie strictly between 0 and 1.")
        self.target = float(target)

    def extra_repr(self) -> str:
        return f"weight={self.weight!r}, target={self.target!r}"

    def forward(self, x_in: torch.Tensor, code: Code, model: nn.Module) -> torch.Tensor:
        rho = self.target
        rho_hat = code.mean.mean(dim=0).clamp(1e-6, 1 - 1e-6)
        kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
        return kl.sum()


def jacobian_frobenius_sq(
    encode: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> torch.Tensor:
    """Exact ``||dh/dx||_F^2`` per row for any encoder ``h = encode(x)`` whose rows do not
    interact (no batch statistics), which holds for the encoders that take the contractive
    penalty (not for the SemanticHasher's, whose BinaryLatent normalizes over the batch).

    Rifai et al. 2011, eq. 2: ``sum_ij (dh_j / dx_i)^2``. Since row r's code depends on row r
    only, the gradient of ``sum_r h_rj`` with respect to x holds, in row r, row r's gradient of
    ``h_j``: one reverse pass per code unit gives the whole Jacobian of every row. Built with
    ``create_graph`` so the penalty trains through. (``vmap(jacrev)`` computes the same, but
    has no batching rule for the fused LSTM/GRU kernels, and was slower here for every network.)
    """
    # Under no_grad too (a validation loss): the penalty is itself a gradient.
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)  # the data: differentiate with respect to it only
        codes = encode(x)
        total = x.new_zeros(len(x))
        for unit in range(codes.shape[1]):
            (gradient,) = torch.autograd.grad(codes[:, unit].sum(), x, create_graph=True)
            total = total + gradient.pow(2).flatten(1).sum(dim=1)
    return total


class ContractivePenalty(Term):
    """``||J_h(x~)||_F^2`` per row, the contractive autoencoder's penalty (Rifai et al. 2011),
    with ``x~`` the encoder's input in the model's space (standardized Gaussian features: column
    j is the raw Jacobian's times feature j's scale)."""

    name = "contractive"

    def forward(self, x_in: torch.Tensor, code: Code, model: nn.Module) -> torch.Tensor:
        # The penalty is a gradient that training differentiates again; cuDNN's fused LSTM/GRU
        # kernels have no double backward (nor a backward in eval mode, as in validation), so
        # recurrent encoders take PyTorch's own kernels here. (Not yet run on a GPU.)
        recurrent = any(isinstance(m, nn.RNNBase) for m in model.encoder.modules())
        # (cuDNN's other flags concern only its own kernels, so disabling it is all it takes.)
        with torch.backends.cudnn.flags(enabled=False) if recurrent else nullcontext():
            return jacobian_frobenius_sq(model.encode_code, x_in).mean()


class KLDivergence(Term):
    """``KL(q(z|x) || N(0, I))`` weighted by ``beta`` (Higgins et al. 2017, eq. 4), with a linear
    warm-up of the weight from ``beta / warmup_epochs`` to ``beta`` over the first
    ``warmup_epochs`` (the estimators' ``kl_warmup``; Bowman et al. 2016; Sønderby et al. 2016)
    so the decoder learns to use z first."""

    name = "kl"

    def __init__(self, beta: float, warmup_epochs: int) -> None:
        super().__init__(beta)
        self.warmup_epochs = int(warmup_epochs)

    def extra_repr(self) -> str:
        return f"beta={self.weight!r}, warmup_epochs={self.warmup_epochs}"

    def current_weight(self, epoch: int) -> float:
        if self.warmup_epochs <= 0:
            return self.weight
        return self.weight * min(1.0, (epoch + 1) / self.warmup_epochs)

    def forward(self, x_in: torch.Tensor, code: Code, model: nn.Module) -> torch.Tensor:
        return GaussianLatent.kl(code).mean()
