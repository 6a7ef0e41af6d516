"""How an autoencoder reads labels ``y``: the hooks its public methods pass ``y`` through.

Every public method of the autoencoders takes ``y`` (``transform(X, y=None)``,
``score_samples``, ``sample``, ``interpolate``, ...), so calling code never asks which kind it
holds: it passes the labels it has (None when it has none) and the model decides what they mean.
:class:`LabelHooks` holds the decisions of a model without labels, which ignores ``y``;
:class:`aekit.estimators._conditional_labels.ConditionalLabels` makes them for
:class:`aekit.ConditionalVAE`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch


class LabelHooks:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`: ``y`` is ignored throughout."""

    def _fit_labels(self, y: Any, n_samples: int) -> torch.Tensor | None:
        """Learn the labels of ``fit`` (``classes_``); each row's class index for the trainer."""
        return None

    def _labels(self, y: Any, n_samples: int) -> torch.Tensor | None:
        """The class indices of one label per row, as the networks take them."""
        return None

    def _labels_or_predicted(self, X: Any, y: Any) -> Any:
        """The labels rows are encoded under: ``y``, or the predicted ones when y is None."""
        return None

    def _broadcast_labels(
        self, y: Any, n: int, one: bool = False, rows: str | None = None
    ) -> np.ndarray | None:
        """One label per code for ``n`` codes from one label or one per code (``one``: exactly
        one label, for a path through latent space; ``rows``: what sets ``n``, for a message);
        an error where labels are required."""
        return None

    def _sampling_labels(self, y: Any, n: int, rng: np.random.RandomState) -> np.ndarray | None:
        """The labels of ``n`` generated rows: ``y`` broadcast, or drawn with ``rng`` when None."""
        return None

    def _over_labels(
        self, score: Callable[[torch.Tensor | None], np.ndarray], y: Any, n_samples: int
    ) -> np.ndarray:
        """``score(class indices)`` of each row under its labels ``y``; where labels matter and y
        is None, the labels summed out of the score (a density's marginal)."""
        return score(self._labels(y, n_samples))
