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

    def _continued_labels(self, y: Any, n_samples: int) -> torch.Tensor | None:
        """Each row's class index for a fit that continues the fitted network (warm_start):
        the labels of the first fit, ``classes_`` kept."""
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

    def _sampling_labels(
        self, y: Any, n: int, rng: np.random.RandomState, label_prior: str = "uniform"
    ) -> np.ndarray | None:
        """The labels of ``n`` generated rows: ``y`` broadcast, or drawn with ``rng`` when None
        (``label_prior``: uniformly, or at the shares of fit's labels)."""
        return None

    def _over_labels(
        self, score: Callable[[torch.Tensor | None], np.ndarray], y: Any, n_samples: int
    ) -> np.ndarray:
        """``score(class indices)`` of each row under its labels ``y``; where labels matter and y
        is None, the labels summed out of the score (a density's marginal)."""
        return score(self._labels(y, n_samples))


def warn_of_ignored_targets(kind: str, y: Any, X: Any) -> None:
    """Said when a model that ignores ``y`` is given a y with X's shape: Keras' habit,
    ``fit(x_noisy, x_clean)`` or ``fit(x, x)``, where y is the target to reconstruct. Here a
    model reconstructs its own input (a denoising one corrupts it itself), so the fit learns
    from X alone, which is not what was asked for the noisy/clean pair."""
    if y is None:
        return
    # np.asarray, not np.shape: array-likes that refuse numpy's functions still convert
    shape = getattr(y, "shape", None) or np.asarray(y).shape
    rows = getattr(X, "shape", ())
    if len(shape) < 2 or len(rows) < 2 or shape[0] != rows[0]:
        return
    width = int(np.prod(rows[1:]))
    if int(np.prod(shape[1:])) != width or width < 2:  # labels or other targets: not X's
        return
    values = np.asarray(y).reshape(len(y), -1)
    if np.isin(values, (0, 1)).all() and (values.sum(axis=1) == 1).all():  # one-hot labels
        return
    import warnings

    from aekit.warning_lines import caller_level

    warnings.warn(
        f"y has X's shape {tuple(shape)} and is ignored: {kind} learns to reconstruct X itself "
        "(Keras' fit(x_noisy, x_clean) trains on the noisy rows here). To learn to denoise, fit "
        "a DenoisingAutoencoder on the clean rows: it adds the noise itself (noise=..., "
        "noise_level=...).",
        UserWarning,
        stacklevel=caller_level(),  # the user's fit, through whichever kind's
    )
