"""Training-time input corruption for denoising autoencoders (Vincent et al. 2008).

The encoder sees ``x~ ~ C(x~ | x)`` while the loss still compares the output with the clean
``x``. Corruption works in the model's input space (standardized data, or [0, 1] data as is):
masking sets entries to 0 there (black pixels, or the feature's mean for standardized data), and
Gaussian noise is clipped to the training data's per-feature range ``[low, high]``, so corrupted
inputs look like the noisy data the model will later be asked to clean.
"""

from __future__ import annotations

import torch
from torch import nn

from aekit.core import sharding

NOISES = ("gaussian", "masking", "salt_pepper", "dropout")


class Corruption(nn.Module):
    """Gaussian noise ``x + level * eps`` (clipped to the data range), masking (each entry set to
    0 with probability ``level``), salt-and-pepper (each entry set to ``low`` or ``high`` with
    probability ``level``) or dropout (masking whose kept entries are scaled by
    ``1 / (1 - level)``, as ``nn.Dropout`` does, so the corrupted row has the clean row's
    expectation and a network later fed complete rows sees inputs of the scale it trained on;
    the input dropout of MIDA, Gondara & Wang 2018)."""

    def __init__(self, noise: str, level: float, low: torch.Tensor, high: torch.Tensor) -> None:
        super().__init__()
        if noise not in NOISES:
            raise ValueError(f"noise={noise!r} is not supported; use one of {list(NOISES)}.")
        if not 0 <= level or (noise != "gaussian" and level > 1):
            raise ValueError(
                f"noise_level={level!r} is out of range: a probability in [0, 1] for {noise!r}."
            )
        self.noise, self.level = noise, float(level)
        self.register_buffer("low", low)
        self.register_buffer("high", high)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        if self.noise == "gaussian":
            eps = sharding.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
            return torch.clamp(x + self.level * eps, self.low, self.high)
        hit = sharding.rand(x.shape, generator=generator, device=x.device) < self.level
        if self.noise == "masking":
            return x.masked_fill(hit, 0.0)
        if self.noise == "dropout":
            return x.masked_fill(hit, 0.0) / (1.0 - self.level) if self.level < 1 else x * 0
        salt = sharding.rand(x.shape, generator=generator, device=x.device) < 0.5
        return torch.where(hit, torch.where(salt, self.high, self.low), x)
