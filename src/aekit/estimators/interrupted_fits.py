"""A ``fit`` interrupted by a KeyboardInterrupt (Ctrl-C, a notebook's "Interrupt kernel"): the
estimator is left consistent and nothing trained is lost, then the interrupt goes on (a script
still stops).

* Epochs completed: the fit ends as a normal one would (the network with the weights the
  interrupt found, or with early stopping those that scored best on validation; ``n_iter_``,
  ``loss_curve_`` and ``history_`` counting the completed epochs; the kind's fitted extras),
  and one warning says so. Keras keeps a model's trained weights and re-raises; skorch stops
  and keeps its net. Before, a warm fit left the network trained on while ``n_iter_`` and the
  history said the epochs before it (the next warm fit restarted its KL warm-up from the wrong
  epoch), and a refit lost its epochs and left the estimator unfitted.
* None completed: the estimator is as before the fit: a warm fit's network gets back its
  weights (the interrupted epoch's steps undone); a new fit leaves it unfitted, without the
  fitted attributes of an earlier fit.
* An estimator that owns networks (AnomalyDetector, SeriesAnomalyDetector, AutoencoderImputer,
  Compressor, SemanticHasher): left unfitted (:func:`whole_or_unfitted`), as after a failed
  fit, and said so.

The command line is no concern here: its signals raise :class:`aekit.cli.stopping.Stopped`,
not a KeyboardInterrupt, and a stopped command writes no RUN.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from aekit.core.interruption import TrainingInterrupted
from aekit.data.fit_keywords import REPEAT_ROWS, refuse_fit_keywords
from aekit.warning_lines import caller_level

# The public estimator whose networks are training (an AnomalyDetector's members): an interrupt
# leaves it unfitted, and the warning says so of it, not of a network its user never made.
_TRAINING_FOR: ContextVar[str | None] = ContextVar("aekit_training_for", default=None)


@contextlib.contextmanager
def networks_of(owner: str) -> Iterator[None]:
    """The networks fitted inside belong to the estimator ``owner`` (its warnings' name), or
    to the outer one's where ``owner`` is fitted inside another estimator (a
    SeriesAnomalyDetector's window detector): the one the user fitted."""
    token = _TRAINING_FOR.set(_TRAINING_FOR.get() or owner)
    try:
        yield
    finally:
        _TRAINING_FOR.reset(token)


def forget_fitted(estimator: Any) -> None:
    """Remove what a fit left on ``estimator`` (its attributes ending in ``_`` and the
    parameters it was fitted with), as a new fit starts: an unfitted estimator has none."""
    params = estimator.get_params(deep=False)
    for name in list(vars(estimator)):
        fitted = name.endswith("_") and not name.startswith("__") and name not in params
        if fitted or name == "_fitted_params":
            del estimator.__dict__[name]


def whole_or_unfitted(fit: Callable | None = None, *, instead: str = REPEAT_ROWS) -> Callable:
    """A ``fit`` of an estimator that trains networks it owns (an imputer's, a detector's) and
    sets fitted attributes before and after them: it starts unfitted (a refit keeps nothing of
    the earlier fit) and, when anything stops it (an interrupt, an error), is left unfitted
    again, with none of this fit's attributes: the AutoencoderImputer kept its encoder_ and
    n_features_in_, a SeriesAnomalyDetector its mean_ and scale_, without their networks. Its
    networks are not kept as an autoencoder's completed epochs are: they are no fitted
    estimator without what the owner fits after them (a threshold, an encoding's fills).

    A keyword ``fit`` does not name (``sample_weight``) is refused first, in ``instead``'s words
    (:func:`aekit.data.fit_keywords.refuse_fit_keywords`), while a fitted estimator is still
    whole: a mistyped call must not unfit it. So are arguments Python would refuse (no X, one
    too many, X given twice), in Python's own words: they unfitted it before their TypeError."""
    if fit is None:  # @whole_or_unfitted(instead=...)
        return functools.partial(whole_or_unfitted, instead=instead)
    signature = inspect.signature(fit)
    named = {
        name
        for name, parameter in signature.parameters.items()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    }

    @functools.wraps(fit)
    def fitted_whole(self: Any, *args: Any, **kwargs: Any) -> Any:
        unsupported = {name: value for name, value in kwargs.items() if name not in named}
        refuse_fit_keywords(self, unsupported, args[0] if args else kwargs.get("X"), instead)
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError:
            # Python refuses the call before fit's body runs, naming the class ("AnomalyDetector
            # .fit() missing 1 required positional argument: 'X'"), where bind's words name none
            return fit(self, *args, **kwargs)
        forget_fitted(self)
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            forget_fitted(self)
            raise

    return fitted_whole


@contextlib.contextmanager
def keeping_completed_epochs(estimators: Sequence[Any], runs: Sequence[Any]) -> Iterator[None]:
    """Around the training of ``runs`` (:class:`aekit.estimators._base.FitRun`, one per
    estimator): on an interrupt, each estimator keeps its completed epochs or is left as it was
    (see the module docstring), one warning says which, and the interrupt goes on."""
    # A warm fit trains the fitted network in place: its weights, to undo an epoch left unended
    before = [_weights(run.model) if run.continued else None for run in runs]
    try:
        yield
    except TrainingInterrupted as stop:
        results = stop.result if isinstance(stop.result, list) else [stop.result]
        for estimator, run, result, weights in zip(estimators, runs, results, before, strict=True):
            # a network inside another estimator is not finished (no pass over its rows): its
            # owner is left unfitted and drops it
            owned = _owner(estimator) is not None
            if result.n_iter > 0 and not owned:
                estimator._finish_fit(run, result, interrupted=True)
            elif weights is not None:
                run.model.load_state_dict(weights)
                run.model.eval()
            else:
                forget_fitted(estimator)
        completed = max(result.n_iter for result in results)
        warn_interrupted(estimators[0], completed, stop.max_iter, results[0].best_epoch)
        raise


def _owner(estimator: Any) -> str | None:
    """The public estimator ``estimator`` is a network of, or None when it is the user's."""
    return _TRAINING_FOR.get() or getattr(estimator, "_shown_as", None)


def _weights(model: Any) -> dict[str, Any]:
    """A copy of ``model``'s weights on the CPU: on a GPU a copy beside them would hold as much
    device memory again through every warm fit, to undo a first epoch rarely interrupted
    (load_state_dict copies them back in place, exactly)."""
    return {name: value.detach().to("cpu", copy=True) for name, value in model.state_dict().items()}


def warn_interrupted(
    estimator: Any, completed: int, max_iter: int, best_epoch: int | None = None
) -> None:
    """Warn that a fit of ``estimator`` was interrupted after ``completed`` epochs, and of what
    it holds now (``best_epoch``: the epoch whose weights it kept as the best on validation)."""
    said = _said(estimator, completed, max_iter, best_epoch)
    warnings.warn(said, UserWarning, stacklevel=caller_level())


def _said(estimator: Any, completed: int, max_iter: int, best_epoch: int | None) -> str:
    """The warning of an interrupted fit of ``estimator`` after ``completed`` epochs."""
    owner = _owner(estimator)
    where = f"training interrupted at epoch {completed + 1} of {max_iter}"
    if owner is not None:  # a network inside a public estimator, which fit left unfitted
        return f"{owner}: {where} (of one of its networks); it is left unfitted: fit it again."
    name = type(estimator).__name__
    if completed == 0:
        if hasattr(estimator, "model_"):
            return (
                f"{name}: {where}, before any epoch completed: the model is left as it was "
                f"before this fit (n_iter_={estimator.n_iter_})."
            )
        return f"{name}: {where}, before any epoch completed: the estimator is left unfitted."
    if estimator.checkpoint_dir is not None:
        go_on = f"fit again to resume from the checkpoint in {estimator.checkpoint_dir}"
    elif not hasattr(estimator, "warm_start"):  # a fine-tuned model: fitted, not continued
        go_on = "it is fitted with them (a new fit trains afresh)"
    else:
        go_on = f"fit again{'' if estimator.warm_start else ' with warm_start=True'} to go on"
    held = (
        "it had then"
        if best_epoch is None
        else f"that scored best on validation, epoch {best_epoch}"
    )
    # a fine-tuned model is no autoencoder: nothing to add
    note = getattr(estimator, "_interrupted_note", "")
    return (
        f"{name}: {where}: the model holds the weights {held}, and n_iter_ "
        f"(now {estimator.n_iter_}), loss_curve_ and history_ count the {completed} "
        f"completed epoch{'s' * (completed != 1)}; {go_on}.{note}"
    )
