"""How :class:`aekit.ConditionalVAE` trains on partly labelled data, the M2 model of Kingma et
al. (2014): a classifier ``q(y|x)`` trained with the VAE on their objective
(:mod:`aekit.core.objectives.semisupervised`), epochs that draw the labelled rows again when
they are few, and the classifier's guess standing in for each missing label once training ends.

These are training hooks of :class:`aekit.estimators._base.BaseAutoencoder`; each does what the
variational base does unless the model is ``semi_supervised_``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import torch
from torch import nn

from aekit.core.architectures import DEFAULT_HIDDEN, make_encoder
from aekit.core.objectives import Objective, SemiSupervisedBound
from aekit.core.semisupervised import UNLABELLED, oversampled_order
from aekit.core.train import TrainConfig
from aekit.data.layer_widths import layer_widths

# Share of each epoch's rows that are labelled when labels are few (labelled rows are drawn again
# to reach it). A half keeps the classifier's gradient steady without starving the unlabelled
# term; with many labels the data already have more and nothing is repeated.
_LABELLED_SHARE = 0.5


class SemiSupervisedTraining:
    """The M2 hooks of :class:`aekit.ConditionalVAE`, listed first among its bases so that each
    hook's ``super()`` is the variational base's."""

    def _make_bound(self) -> Objective:
        """M2's objective (eqs. 6-9 of Kingma et al.) when semi-supervised, its ``L(x, y)`` the
        negative ELBO or, for ``importance_samples=k`` > 1, ``-L_k(x, y)``."""
        if not self._has_classifier():
            return super()._make_bound()
        log_prior = np.log(self.class_prior_).tolist()  # p(y): fit_prior's shares, or 1/K
        return SemiSupervisedBound(self.classifier_weight, int(self.importance_samples), log_prior)

    def _has_classifier(self) -> bool:
        return bool(getattr(self, "semi_supervised_", False))  # unset in files from before M2

    def _make_classifier(self, n_classes: int) -> nn.Module | None:
        """``q(y|x)`` when semi-supervised: the encoder's architecture (without the label input)
        and a linear head giving the logits."""
        if not self._has_classifier():
            return None
        hidden = layer_widths(self.hidden_layer_sizes, DEFAULT_HIDDEN[self.architecture])
        body = make_encoder(self.architecture, self._network_shape(), hidden, self.activation)
        return nn.Sequential(body, nn.Linear(body.out_features, n_classes))

    def _train_config(self, flat: np.ndarray, y_index: torch.Tensor | None) -> TrainConfig:
        config = super()._train_config(flat, y_index)
        if not self.semi_supervised_:  # the trainer's own shuffling of every row once
            return config
        # Semi-supervised epochs oversample the labelled rows when they are few.
        order = partial(oversampled_order, labelled_share=_LABELLED_SHARE)
        return replace(config, epoch_order=order)

    def _after_training(self, X_model: torch.Tensor, y_index: torch.Tensor | None, seed: int):
        if self.semi_supervised_:  # unlabelled rows take the classifier's label (for sampler)
            guessed = self._batched(lambda m, x, _: m.classifier(x).argmax(1), X_model, None)
            y_index = torch.where(y_index == UNLABELLED, guessed.to(y_index.device), y_index)
        super()._after_training(X_model, y_index, seed)
