"""The autoencoder under :class:`aekit.Compressor`: a code that survives rounding.

Training follows Ballé, Laparra & Simoncelli (2017, "End-to-end optimized image compression",
sec. 2): rounding has no useful gradient, so in training the code is perturbed by additive
uniform noise ``z + u, u ~ U(-1/2, 1/2)``, which has the same marginal effect on the decoder as
quantizing with step 1; at compression time the code is rounded (with step ``step``). The rate
term is the code's cost under a Laplace prior of unit scale, ``sum_j |z_j|`` nats up to a
constant: with the noise width fixed, shrinking the code saves bits and costs fidelity, and
``rate_weight`` (the lambda of the rate-distortion objective ``D + lambda R``) sets the balance.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import nn

from aekit.core.latent import Code, DeterministicLatent
from aekit.core.objectives import L1Sparsity, Term
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._params import is_number


class NoisyLatent(DeterministicLatent):
    """A deterministic code that, in training, is sampled as ``z + U(-1/2, 1/2)``."""

    def sample(self, code: Code, generator: torch.Generator | None = None) -> torch.Tensor:
        if not self.training:
            return code.mean
        z = code.mean
        noise = torch.rand(z.shape, generator=generator, device=z.device, dtype=z.dtype) - 0.5
        return z + noise


class LaplaceRate(L1Sparsity):
    """``sum_j |z_j|``: minus the log density of the code under a unit Laplace prior, up to a
    constant; a differentiable stand-in for the rate in nats."""

    name = "rate"


class QuantizingAutoencoder(BaseAutoencoder):
    """Autoencoder trained for quantized codes; the network inside :class:`aekit.Compressor`.

    Parameters
    ----------
    rate_weight : float, default=0.01
        lambda of ``distortion + lambda * rate`` (see :mod:`aekit.compression.quantized`).
    {shared_parameters}
    """

    _own_params: ClassVar[dict[str, Any]] = {"rate_weight": 0.01}

    def _param_checks(self) -> dict[str, bool]:
        return {
            **super()._param_checks(),
            "rate_weight": is_number(self.rate_weight) and self.rate_weight >= 0,
        }

    def _make_latent(self, in_features: int) -> nn.Module:
        return NoisyLatent(in_features, self.latent_dim)

    def _make_terms(self) -> list[Term]:
        return [LaplaceRate(self.rate_weight)] if self.rate_weight else []
