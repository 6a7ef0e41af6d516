"""Layer 4: a KeyboardInterrupt (Ctrl-C, a notebook's "Interrupt kernel") inside the epoch loop
of :func:`aekit.core.train.train` or :func:`aekit.core.stacked.train_stacked` comes out as a
:class:`TrainingInterrupted`, still a KeyboardInterrupt (a script stops as it did), carrying the
epochs the fit completed: an estimator keeps them, as Keras keeps a model's weights and skorch
its net, instead of losing them or keeping weights its history does not count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any


class TrainingInterrupted(KeyboardInterrupt):
    """A KeyboardInterrupt that stopped training between two of its steps.

    Attributes
    ----------
    result : TrainResult or list of TrainResult
        The completed epochs' history (one per network, from ``train_stacked``); the
        networks hold the weights the end of training gives them: those the interrupt found,
        or with a validation split those that scored best on it (``best_epoch``).
    max_iter : int
        The epochs the fit was to train.
    """

    def __init__(self, result: Any, max_iter: int) -> None:
        super().__init__()
        self.result, self.max_iter = result, max_iter


@contextlib.contextmanager
def interruptible(
    result: Any, max_iter: int, then: Callable[[], Any] | None = None
) -> Iterator[None]:
    """Turn a KeyboardInterrupt raised inside into a :class:`TrainingInterrupted` carrying
    ``result`` (which the loop inside updates in place) and ``max_iter``, after calling
    ``then`` (what the end of training does to the networks); the traceback still ends where
    the interrupt came."""
    try:
        yield
    except TrainingInterrupted:
        raise
    except KeyboardInterrupt as interrupt:
        if then is not None:
            then()
        stop = TrainingInterrupted(result, max_iter).with_traceback(interrupt.__traceback__)
        raise stop from None
