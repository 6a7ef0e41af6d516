"""How :class:`aekit.ConditionalVAE` reads labels: those of ``fit`` (``-1`` marking an unlabelled
row, for the M2 model of Kingma et al. 2014), one per row, predicted when missing, broadcast for
decoding, drawn for sampling, or summed out of a density.

These are the :class:`aekit.estimators._labels.LabelHooks` a conditional model overrides; the
public methods of :class:`aekit.estimators.BaseAutoencoder` and its variational kinds call them
with whatever ``y`` they were given.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from scipy.special import logsumexp

from aekit.core.semisupervised import UNLABELLED
from aekit.data.validation import MissingLabelsError, as_labels, encode_labels, fit_labels


class ConditionalLabels:
    """Mixin of :class:`aekit.ConditionalVAE`, ahead of its base in the MRO."""

    def _fit_labels(self, y: Any, n_samples: int) -> torch.Tensor:
        """``classes_`` from the labelled rows; unlabelled rows get the index -1."""
        labels = as_labels(y, n_samples)
        unlabelled = _unlabelled(labels)
        if unlabelled.all():
            raise ValueError(
                f"y marks all {n_samples} rows unlabelled (-1): there is nothing to learn the "
                "labels from. Label some rows, or fit a VariationalAutoencoder to unlabelled data."
            )
        if unlabelled.any() and self.classifier is False:
            raise ValueError(
                f"y marks {int(unlabelled.sum())} rows unlabelled (-1), which needs the "
                "classifier q(y|x): use classifier='auto' or True, or drop those rows."
            )
        self.semi_supervised_ = self.classifier is True or bool(unlabelled.any())
        self.classes_, index = fit_labels(labels[~unlabelled])
        full = np.full(n_samples, UNLABELLED, dtype=np.int64)
        full[~unlabelled] = index
        return torch.from_numpy(full)

    def _labels(self, y: Any, n_samples: int) -> torch.Tensor:
        return torch.from_numpy(encode_labels(as_labels(y, n_samples), self.classes_))

    def _labels_or_predicted(self, X: Any, y: Any) -> Any:
        return self.predict(X) if y is None else y

    def _broadcast_labels(self, y: Any, n: int, one: bool = False) -> np.ndarray:
        if one and np.ndim(y) != 0:  # also None
            error = MissingLabelsError if y is None else ValueError
            raise error("ConditionalVAE.interpolate needs y: one label for the path.")
        if y is None:
            raise MissingLabelsError(
                "ConditionalVAE needs labels y here: one label or one per row."
            )
        y = np.asarray(y)
        return np.full(n, y.item(), dtype=y.dtype) if y.ndim == 0 else as_labels(y, n)

    def _sampling_labels(self, y: Any, n: int, rng: np.random.RandomState) -> np.ndarray:
        if y is None:  # uniform over the classes
            y = self.classes_[rng.randint(0, len(self.classes_), n)]
        return self._broadcast_labels(y, n)

    def _over_labels(
        self, score: Callable[[torch.Tensor | None], np.ndarray], y: Any, n_samples: int
    ) -> np.ndarray:
        """Without labels, ``log p(x) = logsumexp_y log p(x | y) - log n_classes`` under a
        uniform label prior, for a ``score`` that is ``log p(x | y)`` or a bound on it."""
        if y is not None:
            return score(self._labels(y, n_samples))
        n_classes = len(self.classes_)
        per_class = [score(torch.full((n_samples,), c, dtype=torch.long)) for c in range(n_classes)]
        return logsumexp(np.stack(per_class, axis=1), axis=1) - np.log(n_classes)


def _unlabelled(labels: np.ndarray) -> np.ndarray:
    """Rows marked unlabelled: -1 for numeric labels; -1 or None in an object array."""
    if labels.dtype.kind in "iuf":
        return labels == UNLABELLED
    if labels.dtype == object:
        return np.array(
            [v is None or (isinstance(v, numbers.Number) and v == UNLABELLED) for v in labels]
        )
    return np.zeros(len(labels), dtype=bool)
