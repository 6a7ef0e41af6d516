"""DenoisingAutoencoder: trained to undo corruption of its input."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch

from aekit.core.objectives import Corruption
from aekit.core.objectives.corruption import NOISES
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._params import is_number


class DenoisingAutoencoder(BaseAutoencoder):
    """Autoencoder that learns to undo corruption (Vincent et al. 2008).

    In training the encoder sees a corrupted copy of each row and the loss compares the output
    with the clean row; ``reconstruct`` (or ``denoise``) then cleans noisy data.

    Parameters
    ----------
    noise : {"gaussian", "masking", "salt_pepper", "dropout"}, default="gaussian"
        Corruption: additive Gaussian noise, entries set to 0, entries set to their
        feature's minimum or maximum, or entries set to 0 with the others scaled by
        ``1 / (1 - noise_level)`` (inverted dropout).
    noise_level : float, default=0.3
        Standard deviation of the Gaussian noise (in standardized units for Gaussian data, in
        the data's units for [0, 1] data), or the probability that an entry is corrupted.
    {shared_parameters}
    """

    _own_params: ClassVar[dict[str, Any]] = {"noise": "gaussian", "noise_level": 0.3}

    def _param_checks(self) -> dict[str, bool]:
        return {
            **super()._param_checks(),
            "noise": self.noise in NOISES,
            "noise_level": is_number(self.noise_level)
            and 0 <= self.noise_level <= (1 if self.noise != "gaussian" else float("inf")),
        }

    def _make_corruption(self, low: torch.Tensor, high: torch.Tensor) -> Corruption:
        return Corruption(self.noise, self.noise_level, low, high)

    def denoise(self, X: Any) -> np.ndarray:
        """Clean noisy X: the same as :meth:`reconstruct`."""
        return self.reconstruct(X)
