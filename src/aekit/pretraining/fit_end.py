"""The end of a fine-tuning ``fit`` (:class:`aekit.pretraining._base.BaseFineTuned`): its fitted
attributes, set when training ends and when a KeyboardInterrupt (Ctrl-C, a notebook's
"Interrupt kernel") stops it after some epochs, as
:mod:`aekit.estimators.interrupted_fits` does for an autoencoder: the completed epochs are kept and
said, none completed leaves the estimator unfitted; the interrupt goes on."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

from aekit.core.interruption import TrainingInterrupted
from aekit.core.train import TrainResult
from aekit.estimators.interrupted_fits import forget_fitted, warn_interrupted
from aekit.estimators.persistence import remember_fitted_params
from aekit.estimators.resolved_settings import keep_resolved


def keep_fit(estimator: Any, ae: Any, network: Any, result: TrainResult, batch_size: int) -> None:
    """``estimator``'s fitted attributes: the autoencoder ``ae`` it started from, the trained
    ``network``, its history ``result`` and the ``batch_size`` it trained with."""
    # a copy of a fitted autoencoder the user gave, which a later refit of theirs must not
    # change (its pixel check, its model file); a file keeps that it was given
    estimator._given_autoencoder = ae is estimator.autoencoder
    estimator.autoencoder_ = copy.deepcopy(ae) if estimator._given_autoencoder else ae
    estimator.n_iter_ = result.n_iter
    estimator.history_ = result.history
    estimator.best_loss_ = result.best_loss
    estimator.network_ = network
    keep_resolved(estimator, batch_size, next(network.parameters()).device)  # of "auto"
    remember_fitted_params(estimator)  # what save keeps (persistence)


@contextlib.contextmanager
def keeping_fine_tuned_epochs(
    estimator: Any, ae: Any, network: Any, batch_size: int
) -> Iterator[None]:
    """Around the fine-tuning: on an interrupt, keep the completed epochs (or leave the
    estimator unfitted), warn, and let the interrupt go on."""
    try:
        yield
    except TrainingInterrupted as stop:
        if stop.result.n_iter > 0:
            keep_fit(estimator, ae, network, stop.result, batch_size)
        else:
            forget_fitted(estimator)
        warn_interrupted(estimator, stop.result.n_iter, stop.max_iter, stop.result.best_epoch)
        raise
