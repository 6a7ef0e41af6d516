"""The network a fine-tuning estimator trains: a pretrained encoder, a new head and the loss.

The encoder is a fitted autoencoder's :meth:`~aekit.estimators.BaseAutoencoder.encoder_module`
(raw rows in, the code out: a VAE's posterior mean), so the supervised network takes the same
rows as the autoencoder, its input scaling included. The head is a small MLP from the code to
the logits (classification) or the standardized targets (regression).

Fine-tuning strategies, as parameter groups of the one trainer (:mod:`aekit.core.train`):

* ``"all"``: every layer trains; the pretrained ones at ``encoder_lr_factor`` times the head's
  learning rate, so the head can settle before it drags the features far from where
  pretraining put them (discriminative fine-tuning, Howard & Ruder 2018, sec. 3.2).
* ``"head"``: the encoder is frozen; only the head trains (a linear probe when the head has
  no hidden layers).
* ``"gradual"``: the head alone in epoch 0, then one more pretrained layer each epoch from the
  top (gradual unfreezing, Howard & Ruder 2018, sec. 3.3), at ``encoder_lr_factor``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from aekit.core.config import ParameterGroup
from aekit.core.nets import mlp, reset_parameters

FINE_TUNE = ("all", "head", "gradual")
TASKS = ("classification", "regression")


def layers_with_weights(module: nn.Module) -> list[nn.Module]:
    """The layers of ``module`` that own parameters, input side first (registration order is
    the order of the forward pass in aekit's encoders)."""
    return [m for m in module.modules() if any(True for _ in m.parameters(recurse=False))]


class FineTuningNetwork(nn.Module):
    """``x -> encoder -> code -> head -> outputs``, and its loss for the trainer.

    Parameters
    ----------
    encoder : nn.Module
        Raw rows ``(n, ...)`` -> codes ``(n, latent_dim)``.
    latent_dim : int
        Width of the code.
    head_layer_sizes : sequence of int
        Hidden widths of the head (empty: a linear head).
    n_outputs : int
        Classes (logits) or regression targets.
    task : {"classification", "regression"}
        Cross-entropy on class indices, or the mean squared error on standardized targets
        (summed over targets, averaged over rows).
    activation : str
        Activation between the head's layers.
    """

    def __init__(
        self,
        encoder: nn.Module,
        latent_dim: int,
        head_layer_sizes: Sequence[int],
        n_outputs: int,
        task: str,
        activation: str = "relu",
    ) -> None:
        super().__init__()
        self.encoder = encoder
        # The codes' mean and scale over the training rows, fixed before training: the head
        # sees standardized codes whatever scale pretraining left them at (set_code_scale).
        self.register_buffer("code_mean", torch.zeros(latent_dim))
        self.register_buffer("code_scale", torch.ones(latent_dim))
        self.head = mlp([latent_dim, *head_layer_sizes, n_outputs], activation, False)
        self.task = task
        # A classifier's weight of each class in the loss (class_weight="balanced"), set by fit
        # and not saved: predictions do not read it.
        self.register_buffer("class_weight", None, persistent=False)

    def outputs(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(n, n_classes)`` or standardized predictions ``(n, n_targets)``."""
        return self.head((self.encoder(x) - self.code_mean) / self.code_scale)

    @torch.no_grad()
    def set_code_scale(self, x: torch.Tensor, batch_size: int = 2048) -> None:
        """Standardize the head's input by the mean and standard deviation of the codes of the
        rows ``x`` (a constant code keeps scale 1)."""
        codes = torch.cat(
            [self.encoder(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
        )
        std = codes.std(dim=0) if len(codes) > 1 else torch.ones_like(codes[0])
        self.code_mean.copy_(codes.mean(dim=0))
        self.code_scale.copy_(torch.where(std > 1e-8, std, torch.ones_like(std)))

    def forward(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
        epoch: int = 0,
    ) -> dict[str, torch.Tensor]:
        """The batch's mean loss, as the trainer wants it (``generator`` and ``epoch`` unused:
        nothing here is random or scheduled), and a classifier's error rate."""
        if y is None:  # (it failed with "'bool' object has no attribute 'float'")
            raise ValueError(
                "this network's forward is its training loss and needs the targets y; for "
                "its outputs (logits or predictions) call network_.outputs(x)."
            )
        outputs = self.outputs(x)
        if self.task == "classification":
            # "error" (1 - accuracy) is reported, not trained on: early stopping may watch it.
            error = (outputs.detach().argmax(dim=1) != y).float().mean()
            return {"loss": F.cross_entropy(outputs, y, weight=self.class_weight), "error": error}
        return {"loss": (outputs - y).pow(2).sum(dim=1).mean()}

    def parameter_groups(
        self, fine_tune: str, encoder_lr_factor: float, pretrained: bool
    ) -> list[ParameterGroup]:
        """The trainer's groups for a strategy of :data:`FINE_TUNE` (see the module docstring).
        A randomly initialised encoder (``pretrained=False``) trains at the head's rate."""
        head = ParameterGroup(list(self.head.parameters()))
        factor = encoder_lr_factor if pretrained else 1.0
        layers = layers_with_weights(self.encoder)
        if fine_tune == "head":
            return [head]
        if fine_tune == "all":
            return [head, ParameterGroup(list(self.encoder.parameters()), factor)]
        # "gradual": the top pretrained layer from epoch 1, the next one from epoch 2, ...
        return [head] + [
            ParameterGroup(list(layer.parameters(recurse=False)), factor, len(layers) - i)
            for i, layer in enumerate(layers)
        ]

    def freeze_encoder(self) -> None:
        """No gradients through the encoder (``fine_tune="head"``): cheaper backward passes."""
        for parameter in self.encoder.parameters():
            parameter.requires_grad_(False)

    def reset_encoder(self, generator: torch.Generator) -> None:
        """Draw the encoder's weights afresh: the same network trained from scratch."""
        reset_parameters(self.encoder, generator)
