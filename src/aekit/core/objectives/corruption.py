"""Training-time input corruption for denoising autoencoders (Vincent et al. 2008).

The encoder sees ``x~ ~ C(x~ | x)`` while the loss still compares the output with the clean
``x``. Corruption works in the model's input space (standardized data, or [0, 1] data as is):
masking and dropout set entries to 0 there (black pixels, or the feature's training mean for
standardized data), and Gaussian noise is clipped to, and salt-and-pepper writes, the bounds
``[low, high]`` the estimator gives: 0 and 1 for every feature of [0, 1] data (the Bernoulli
likelihood's support, so an always-black border pixel still gets noise), each feature's
training minimum and maximum otherwise (``aekit.estimators._data_scale.value_range``), so
corrupted inputs look like the noisy data the model will later be asked to clean.

``schedule="uniform"`` draws each row's level afresh, ``level * u`` with ``u ~ U(0, 1)``, so one
network learns to undo every amount of noise up to ``level`` (the range of noise levels of a
diffusion-scaled denoising autoencoder, DDAE, Sattarov et al. 2025), instead of one amount.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from aekit.core import sharding

NOISES = ("gaussian", "masking", "salt_pepper", "dropout")
SCHEDULES = ("fixed", "uniform")  # one level for every row, or a level per row in [0, level)


def noise_level_rule(noise: str) -> str:
    """What ``level`` is for ``noise``, and its valid range, as a message says it."""
    if noise == "gaussian":
        return "the standard deviation of the added noise, a finite number of at least 0"
    if noise in ("masking", "dropout"):  # at 1 every entry is hidden: nothing left to learn from
        return "the probability that an entry is hidden, in [0, 1) (at 1 every entry is)"
    return "the probability that an entry is hit, in [0, 1]"


def valid_noise_level(noise: str, level: float, schedule: str = "fixed") -> bool:
    """Whether ``level`` is in range for ``noise`` (:func:`noise_level_rule`); NaN is not. A
    ``"uniform"`` schedule draws levels below ``level``: masking up to 1 is a range."""
    if noise == "gaussian":
        return 0 <= level < math.inf
    hides_all = noise in ("masking", "dropout") and schedule == "fixed"
    return 0 <= level < 1 if hides_all else 0 <= level <= 1


class Corruption(nn.Module):
    """Gaussian noise ``x + level * eps`` (clipped to ``[low, high]``), masking (each entry set
    to 0 with probability ``level``), salt-and-pepper (each entry set to ``low`` or ``high``,
    equally likely, with probability ``level``) or dropout (masking whose kept entries are scaled by
    ``1 / (1 - level)``, as ``nn.Dropout`` does, so the corrupted row has the clean row's
    expectation and a network later fed complete rows sees inputs of the scale it trained on;
    the input dropout of MIDA, Gondara & Wang 2018). ``schedule="uniform"``: each row's level
    drawn from ``U(0, level)`` at every step (see the module's docstring). Masking, salt-and-pepper
    and dropout hit each entry independently, so a row's share of hit entries varies around
    ``level``; Vincent et al.'s masking and salt-and-pepper (2008; 2010) hit exactly
    ``level * d`` of a row's ``d`` entries, chosen at random."""

    low: torch.Tensor  # buffers, registered in __init__
    high: torch.Tensor

    def __init__(
        self,
        noise: str,
        level: float,
        low: torch.Tensor,
        high: torch.Tensor,
        schedule: str = "fixed",
        level_name: str = "noise_level",
    ) -> None:
        # level_name: the caller's name for level in messages (the estimators' noise_level,
        # aekit.denoising.corrupt's level)
        super().__init__()
        if noise not in NOISES:
            raise ValueError(f"noise={noise!r} is not supported; use one of {list(NOISES)}.")
        if schedule not in SCHEDULES:
            raise ValueError(
                f"noise_schedule={schedule!r} is not supported; use one of {list(SCHEDULES)}."
            )
        if not valid_noise_level(noise, level, schedule):
            raise ValueError(
                f"{level_name}={level!r} is out of range for noise={noise!r}: it is "
                f"{noise_level_rule(noise)}."
            )
        self.noise, self.level, self.schedule = noise, float(level), schedule
        self.register_buffer("low", low)
        self.register_buffer("high", high)

    def extra_repr(self) -> str:  # print(model) showed "Corruption()"
        return f"noise={self.noise!r}, level={self.level!r}, schedule={self.schedule!r}"

    def _levels(self, x: torch.Tensor, generator: torch.Generator | None) -> float | torch.Tensor:
        """The level of each row: ``level``, or (``"uniform"``) ``level * u``, u ~ U(0, 1) per
        row, shaped to broadcast over the row's entries. Drawn before the noise, so the fixed
        schedule draws exactly what it drew before the option existed."""
        if self.schedule == "fixed":
            return self.level
        u = sharding.rand((x.shape[0],), generator=generator, device=x.device, dtype=x.dtype)
        return self.level * u.view(-1, *([1] * (x.dim() - 1)))

    def input_bounds(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The range of the corrupted inputs, per entry: the network was trained on values there.

        Gaussian noise is clipped to ``[low, high]`` and salt-and-pepper writes those bounds;
        masking adds 0; dropout also scales the kept entries by ``1 / (1 - level)`` (the uniform
        schedule's levels are below ``level``, so the same bound), so a model of [0, 1] data
        trained with dropout at 0.3 has seen values up to 1 / 0.7 = 1.43."""
        if self.noise in ("gaussian", "salt_pepper"):
            return self.low, self.high
        scale = 1.0 / (1.0 - self.level) if self.noise == "dropout" and self.level < 1 else 1.0
        zero = torch.zeros_like(self.low)
        return torch.minimum(self.low * scale, zero), torch.maximum(self.high * scale, zero)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        level = self._levels(x, generator)
        if self.noise == "gaussian":
            eps = sharding.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
            return torch.clamp(x + level * eps, self.low, self.high)
        hit = sharding.rand(x.shape, generator=generator, device=x.device) < level
        if self.noise == "masking":
            return x.masked_fill(hit, 0.0)
        if self.noise == "dropout":
            if self.schedule == "uniform":  # u < 1, so every row's level is below 1
                return x.masked_fill(hit, 0.0) / (1.0 - level)
            return x.masked_fill(hit, 0.0) / (1.0 - self.level) if self.level < 1 else x * 0
        salt = sharding.rand(x.shape, generator=generator, device=x.device) < 0.5
        return torch.where(hit, torch.where(salt, self.high, self.low), x)
