"""Layer 2: latent bottlenecks. Each turns encoder features into a code and owns its KL term.

* :class:`DeterministicLatent`: ``h = W f + b`` (optionally passed through a code activation,
  e.g. ReLU so an L1 penalty can make codes exactly zero, or a sigmoid for KL sparsity).
* :class:`GaussianLatent`: ``q(z|x) = N(mu, diag(exp(log_var)))`` with the reparameterization
  ``z = mu + exp(log_var / 2) * eps``, ``eps ~ N(0, I)`` (Kingma & Welling 2014, eq. 10).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from aekit.core import sharding
from aekit.core.nets import make_activation


@dataclass
class Code:
    """An encoder's output for a batch: the code's mean and (Gaussian codes) its log-variance."""

    mean: torch.Tensor  # (n, latent_dim)
    log_var: torch.Tensor | None = None  # (n, latent_dim); None for deterministic codes

    def gaussian_log_var(self) -> torch.Tensor:
        """``log_var``, which only a Gaussian code has: a ValueError for a deterministic one."""
        if self.log_var is None:
            raise ValueError(
                "a deterministic code has no log-variance; this needs a Gaussian latent."
            )
        return self.log_var


class DeterministicLatent(nn.Module):
    """A deterministic code ``h = act(W f + b)``; sampling returns the code itself."""

    stochastic = False

    def __init__(self, in_features: int, latent_dim: int, activation: str | None = None) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.head = nn.Linear(in_features, latent_dim)
        self.activation = make_activation(activation) if activation else nn.Identity()

    def forward(self, features: torch.Tensor) -> Code:
        return Code(self.activation(self.head(features)))

    def sample(self, code: Code, generator: torch.Generator | None = None) -> torch.Tensor:
        return code.mean


# exp(log_var) overflows float32 near 88; clamping keeps a diverging run finite long enough for
# the trainer to report it instead of producing silent infinities.
_LOG_VAR_RANGE = (-30.0, 20.0)


class GaussianLatent(nn.Module):
    """A diagonal Gaussian posterior ``q(z|x)`` against the prior ``p(z) = N(0, I)``."""

    stochastic = True

    def __init__(self, in_features: int, latent_dim: int) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.head = nn.Linear(in_features, 2 * latent_dim)

    def forward(self, features: torch.Tensor) -> Code:
        mean, log_var = self.head(features).chunk(2, dim=-1)
        return Code(mean, log_var.clamp(*_LOG_VAR_RANGE))

    def sample(
        self, code: Code, generator: torch.Generator | None = None, eps: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Reparameterized draw ``z = mu + sigma * eps`` (eps from ``generator`` unless given)."""
        if eps is None:
            eps = sharding.randn(
                code.mean.shape, generator=generator, device=code.mean.device, dtype=code.mean.dtype
            )
        return code.mean + torch.exp(0.5 * code.gaussian_log_var()) * eps

    @staticmethod
    def kl(code: Code) -> torch.Tensor:
        """Closed-form KL(q(z|x) || N(0, I)) per row, in nats (Kingma & Welling 2014, App. B):

        ``KL = -1/2 * sum_j (1 + log_var_j - mu_j^2 - exp(log_var_j))``.

        Computed in float32 at least: under bfloat16 autocast the code comes out of its layers
        in bfloat16, and autocast leaves these elementwise terms and their sum there, where the
        other losses are float32 (precision="bf16").
        """
        dtype = torch.promote_types(code.mean.dtype, torch.float32)
        mean, log_var = code.mean.to(dtype), code.gaussian_log_var().to(dtype)
        return -0.5 * (1 + log_var - mean.pow(2) - log_var.exp()).sum(dim=-1)


def manifold_values(n: int) -> np.ndarray:
    """The values each unit takes along a side of a VAE's ``manifold_grid`` (a 2-D code): the
    standard normal prior's quantiles at n evenly spaced levels from 5% to 95% (Kingma &
    Welling 2014, fig. 4)."""
    from scipy.stats import norm

    q = norm.ppf(np.linspace(0.05, 0.95, n))
    return (q - q[::-1]) / 2  # exactly symmetric: the middle of an odd n is 0, not -1.4e-16
