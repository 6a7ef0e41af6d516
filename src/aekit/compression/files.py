"""How a :class:`~aekit.compression.Compressor` is kept in a model file
(:mod:`aekit.estimators.persistence`): its network, its prior (``quantiles_``), the step its
:meth:`compress` uses and its training rows' squared error, each checked as it loads."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.compression.distortion import stored_training_error
from aekit.compression.quantized import QuantizingAutoencoder
from aekit.compression.step import positive_step
from aekit.estimators.persistence import export_estimator, import_estimator


class CompressorFiles:
    """The fitted state of a :class:`~aekit.compression.Compressor`, to and from a file."""

    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        document, tree = export_estimator(self.autoencoder_)
        fitted = {
            "autoencoder": document,
            "step": self.step_,
            "training_error": self.training_error_,
        }
        return fitted, {"autoencoder": tree, "quantiles": self.quantiles_}

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        network = import_estimator(fitted["autoencoder"], tree["autoencoder"], device)
        quantiles = np.asarray(tree["quantiles"], dtype=np.float64)
        if not isinstance(network, QuantizingAutoencoder) or quantiles.shape[0] != self.latent_dim:
            raise ValueError("the stored network or prior does not fit this compressor")
        self.autoencoder_ = network
        self.quantiles_ = quantiles
        self._take_shape_of(network)
        # Files written before "auto" carry no chosen step: their step parameter was a number.
        step = fitted.get("step", self.step)
        self.step_ = positive_step(1.0 if step == "auto" else step)
        # files written before aekit 0.2 carry none: their new rows are not measured against it
        self.training_error_ = stored_training_error(fitted.get("training_error"))
