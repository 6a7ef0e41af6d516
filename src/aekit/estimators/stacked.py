"""Fit several autoencoders of one kind and architecture at once (an ensemble's members), each
as its own ``fit`` would, with :func:`aekit.core.stacked.train_stacked`.

Each estimator goes through its own ``fit`` up to the trainer (checks, scale, seeded weights,
random stream) and after it (its fitted attributes), so the results are ordinary fitted
estimators, saved, loaded, exported and explained as any other; only the training steps run
together. Which estimators can: :func:`stack_refusal`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import torch

from aekit.core import distributed
from aekit.core.stacked import train_stacked
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators.autoencoder import Autoencoder
from aekit.estimators.denoising import DenoisingAutoencoder
from aekit.estimators.interrupted_fits import keeping_completed_epochs

STACKED_KINDS = (Autoencoder, DenoisingAutoencoder)


def stack_refusal(estimator: Any) -> str | None:
    """Why ``estimator`` cannot be fitted by :func:`fit_stacked`, or None when it can: dense
    (``architecture="mlp"``) :class:`Autoencoder` and :class:`DenoisingAutoencoder` without a
    checkpoint, compilation or distributed training. Other kinds (VAEs draw their code inside
    the network, convolutional networks are not dense) are fitted one by one."""
    if type(estimator) not in STACKED_KINDS:
        return (
            f"{type(estimator).__name__} is not stacked (only dense Autoencoder and "
            "DenoisingAutoencoder members are)"
        )
    if estimator.architecture != "mlp":
        return f"architecture={estimator.architecture!r} is not stacked (only 'mlp' is)"
    if estimator.checkpoint_dir is not None or estimator.compile:
        return "members with checkpoint_dir or compile=True are trained one by one"
    if distributed.wanted(estimator.distributed):
        return "distributed training is one network at a time"
    return None


def fit_stacked(estimators: Sequence[BaseAutoencoder], X: Sequence[Any]) -> list[BaseAutoencoder]:
    """Fit ``estimators[m]`` on ``X[m]`` (arrays of one shape), training them together.

    Parameters
    ----------
    estimators : sequence of Autoencoder or DenoisingAutoencoder
        Unfitted or fitted estimators of one architecture and training settings (their
        ``random_state`` differs); see :func:`stack_refusal`.
    X : sequence of array-like of shape (n_samples, n_features)
        Each estimator's training rows, the same shape for all.

    Returns
    -------
    estimators : list
        The same estimators, fitted as ``estimators[m].fit(X[m])`` would fit them, up to float
        rounding (see :mod:`aekit.core.stacked`).
    """
    for estimator in estimators:
        why = stack_refusal(estimator)
        if why:
            raise ValueError(f"cannot fit these estimators together: {why}.")
    runs = [estimator._start_fit(rows, None) for estimator, rows in zip(estimators, X, strict=True)]
    config = dataclasses.replace(runs[0].config, fingerprint="")
    for run in runs:
        if dataclasses.replace(run.config, fingerprint="") != config:
            raise ValueError(
                "cannot fit these estimators together: their training settings differ "
                f"({run.config} against {config}); give them the same parameters but random_state."
            )
        if not isinstance(run.X, torch.Tensor):
            raise ValueError("cannot fit rows on disk together: fit each estimator by itself.")
    with keeping_completed_epochs(estimators, runs):
        results = train_stacked(
            [run.model for run in runs],
            [run.X for run in runs],
            config=config,
            generators=[run.generator for run in runs],
        )
    for estimator, run, result in zip(estimators, runs, results, strict=True):
        estimator._finish_fit(run, result)
    return list(estimators)


__all__ = ["STACKED_KINDS", "fit_stacked", "stack_refusal"]
