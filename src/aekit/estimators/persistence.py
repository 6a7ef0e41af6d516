"""The estimators' side of model files: an estimator as a JSON document plus a tree of tensors.

A document is ``{"class", "params", "fitted"}``: the class's name, its constructor parameters as
JSON, and what fitting learned beyond the tensors. Each estimator owns its fitted state through
two methods, ``_get_fitted_state() -> (fitted JSON, tree)`` and
``_set_fitted_state(fitted, tree, device)``; subclasses extend them with ``super()``, and
estimators that hold others (a detector, a hasher, a compressor, an imputer) store those with
:func:`export_estimator` / :func:`import_estimator`. The file itself (header, versions, atomic
writes, the format check) is :mod:`aekit.io.model_file`'s.
"""

from __future__ import annotations

import os
import warnings
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from aekit import registry
from aekit.io.fitted_values import json_object
from aekit.io.model_file import INCONSISTENT, inconsistency, load, write_model
from aekit.io.pickled_versions import RecordsAekitVersion
from aekit.warning_lines import caller_level, with_article

_ESTIMATOR = "__estimator__"  # an estimator-valued parameter: its class and its parameters


def to_json(value: Any) -> Any:
    """numpy values, tuples and paths as plain JSON values."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def recordable_seed(seed: Any) -> bool:
    """Whether a ``random_state`` has a faithful JSON form: None or an integer, numpy's too (a
    seed from ``np.arange`` was recorded as None, an unseeded model to whoever read the file)."""
    return seed is None or isinstance(seed, Integral)


def params_to_json(estimator: Any) -> dict[str, Any]:
    """Constructor parameters as JSON; an estimator-valued parameter as its class + params."""
    params = estimator.get_params(deep=False)
    if "random_state" in params and not recordable_seed(params["random_state"]):
        params["random_state"] = None  # a RandomState object has no faithful JSON form
    out = {}
    for name, value in params.items():
        if isinstance(value, BaseEstimator):
            value = {_ESTIMATOR: type(value).__name__, "params": params_to_json(value)}
        out[name] = to_json(value)
    return out


# Parameters that say how to train, watch, place or apply a model, not what it is: changed
# after fit they leave the fitted model as it was, and are saved as they are now (a series
# detector reads its stride when it scores; a fine-tuner may retrain with another budget). A
# class adds its own as ``_applied_when_scoring`` (a VAE's n_draws: a detector's is its model).
_NOT_THE_MODEL = frozenset({
    "verbose", "checkpoint_dir", "device", "compile", "distributed", "precision",
    "max_iter", "learning_rate_init", "batch_size", "early_stopping", "validation_fraction",
    "n_iter_no_change", "tol", "stride", "warm_start",
})  # fmt: skip


def remember_fitted_params(estimator: Any) -> None:
    """Called by every ``fit`` as it ends: the estimator remembers the parameters it was fitted
    with. ``set_params`` after fit changes the parameters, not the fitted model, and a file must
    hold the parameters its weights were fitted with (:func:`changed_since_fit`). A call, not a
    decorator: a wrapper's frame would shift every warning's ``stacklevel`` in fit."""
    estimator._fitted_params = params_to_json(estimator)


def changed_since_fit(estimator: Any) -> dict[str, tuple[Any, Any]]:
    """``{name: (fitted value, value now)}`` for the parameters that make the model and were
    changed by ``set_params`` since it was fitted (or loaded); {} for an unfitted estimator."""
    fitted_with = getattr(estimator, "_fitted_params", None)
    if fitted_with is None:
        return {}
    now = params_to_json(estimator)
    kept = _NOT_THE_MODEL | getattr(estimator, "_applied_when_scoring", frozenset())
    return {
        name: (fitted_with.get(name), value)
        for name, value in now.items()
        if name not in kept and _model_of(value) != _model_of(fitted_with.get(name))
    }


def _model_of(value: Any) -> Any:
    """An estimator-valued parameter's JSON without the parameters that are not the model
    (its ``device`` changed after fit is no change of the model); any other value as it is."""
    if not (isinstance(value, dict) and _ESTIMATOR in value):
        return value
    params = {k: _model_of(v) for k, v in value["params"].items() if k not in _NOT_THE_MODEL}
    return {**value, "params": params}


def _shown(value: Any) -> str:
    if isinstance(value, dict) and _ESTIMATOR in value:
        kind = value[_ESTIMATOR]
        return f"{with_article(kind)} of other parameters"
    return repr(value)


def describe_changes(changed: dict[str, tuple[Any, Any]]) -> str:
    """'activation (fitted 'relu', now 'tanh')', for messages."""
    return ", ".join(
        f"{name} (fitted {_shown(old)}, now {_shown(new)})" for name, (old, new) in changed.items()
    )


def params_from_json(params: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`params_to_json`; JSON lists come back as tuples, at every depth
    (``categorical_groups=((3, 6), (6, 10))`` came back as ``([3, 6], [6, 10])``). An
    estimator-valued parameter is built only from a class a model file may name
    (``aekit.registry``)."""
    json_object("params", params)  # a list's .items() said "'list' object has no attribute"
    out = {}
    for name, value in params.items():
        if isinstance(value, dict) and _ESTIMATOR in value:
            cls = registry.model_file_class(value[_ESTIMATOR])
            value = cls(**params_from_json(value["params"]))
        out[name] = _as_tuples(value)
    return out


def _as_tuples(value: Any) -> Any:
    if isinstance(value, dict):  # a dict's values too: member_params={"hidden_layer_sizes": ...}
        return {k: _as_tuples(v) for k, v in value.items()}
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list) else value


class SavesToFile(RecordsAekitVersion):
    """Mixin of every aekit estimator: ``save(path)`` writes a model file (JSON header +
    safetensors; :func:`aekit.load` reads it back and never unpickles). A class using it
    implements ``_get_fitted_state`` and ``_set_fitted_state``. Its pickles record aekit's
    version too (:mod:`aekit.io.pickled_versions`)."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted estimator to ``path`` (JSON header + safetensors weights, one file).

        Parameters
        ----------
        path : str or path-like
            The file to write, e.g. ``"model.safetensors"`` (``~`` is expanded); written
            atomically, replacing a file there. A folder, or a name ending in another format's
            suffix (``.pkl``, ``.pt``, ``.npz``, ...), is a ValueError. :func:`aekit.load` reads
            it back.
        """
        seed = getattr(self, "random_state", None)
        if not recordable_seed(seed):  # said once, of this estimator (not its inner network)
            warnings.warn(
                f"{type(self).__name__}.save: random_state is a {type(seed).__name__}, which a "
                "file cannot hold; it records random_state=None, so the model cannot be rebuilt "
                "from it. Fit with an integer seed to record it.",
                UserWarning,
                stacklevel=caller_level(),
            )
        document, tree = export_estimator(self)
        write_model(path, document, tree)

    @classmethod
    def load(cls, path: str | os.PathLike, device: str = "cpu") -> Any:
        """Read a model file that :meth:`save` wrote, as :func:`aekit.load` does (no code in
        the file is ever run), and check that it holds this class.

        Parameters
        ----------
        path : str or path-like
            The model file.
        device : {"cpu", "auto", "cuda", "cuda:N"}, default="cpu"
            Where its tensors go.

        Returns
        -------
        estimator : the fitted estimator of this class

        Raises
        ------
        ValueError
            For a corrupt, truncated, foreign or newer-version file, or one that holds
            another class (``aekit.load`` reads any).
        FileNotFoundError
            For a folder, naming the model file inside (if any).
        """
        estimator = load(path, device)
        if not isinstance(estimator, cls):
            kind = type(estimator).__name__
            own = f" or aekit.{kind}.load(path)" if kind in registry.PUBLIC else ""
            raise ValueError(
                f"{os.fspath(path)} holds {with_article(kind)}, not "
                f"{with_article(cls.__name__)}; read it with aekit.load(path){own}."
            )
        return estimator

    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        """``(fitted, tree)``: what fitting learned, as JSON and as tensors / numeric arrays."""
        raise NotImplementedError

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        """Inverse of :meth:`_get_fitted_state` on an unfitted estimator with the saved
        parameters; tensors go to ``device``."""
        raise NotImplementedError

    @classmethod
    def _from_document(cls, document: dict[str, Any], tree: Any, device: str) -> Any:
        """The estimator a document describes. Errors of a damaged document are left to the
        caller, which knows what to name in its message (a file, an inner estimator)."""
        estimator = cls(**params_from_json(document["params"]))
        # as fit checks them: a value this aekit does not know (a newer one's, an edit) is
        # named as such, not as the network or state it fails to rebuild
        estimator._validate_params()
        estimator._set_fitted_state(json_object("fitted", document["fitted"]), tree, device)
        restore_output(estimator, document.get("output"))
        remember_fitted_params(estimator)  # set_params after load: as after fit
        return estimator


def export_estimator(estimator: Any) -> tuple[dict[str, Any], Any]:
    """``(document, tree)`` of a fitted estimator: JSON (class, params, fitted metadata) and
    the tensors/arrays. Composite estimators call this for the estimators they hold."""
    check_is_fitted(estimator)
    fitted, tree = estimator._get_fitted_state()
    params = params_to_json(estimator)
    changed = changed_since_fit(estimator)
    if changed:  # the file must rebuild the model that was fitted, not the parameters now
        warnings.warn(
            f"{type(estimator).__name__}.save: set_params changed {describe_changes(changed)} "
            "after fit; the file keeps the parameters the model was fitted with. Refit to use "
            "the new ones.",
            UserWarning,
            stacklevel=caller_level(),
        )
        params |= {name: old for name, (old, _) in changed.items()}
    document = {"class": type(estimator).__name__, "params": params, "fitted": to_json(fitted)}
    # set_output(transform="pandas") is kept, as a pickle keeps it (scikit-learn holds it in
    # this attribute, named in its set_output documentation's developer API since 1.2)
    output = getattr(estimator, "_sklearn_output_config", None)
    if output:
        document["output"] = dict(output)
    return document, tree


def restore_output(estimator: Any, output: Any) -> None:
    """``set_output`` as the file recorded it (:func:`export_estimator`); a value this
    scikit-learn does not take is said as the file's."""
    if output is None:
        return
    # set_output takes any value and fails at the first transform: checked here, by the file
    values = output.values() if isinstance(output, dict) else [None]
    if not all(isinstance(v, str) and v in _OUTPUTS for v in values):
        raise ValueError(
            f"its 'output' entry {output!r} is not set_output's settings (transform: "
            f"{', '.join(sorted(_OUTPUTS))})"
        )
    try:
        estimator.set_output(**output)
    except (AttributeError, TypeError, ValueError) as err:  # AttributeError: no set_output
        raise ValueError(f"its 'output' entry {output!r} is refused by set_output: {err}") from None


_OUTPUTS = {"default", "pandas", "polars"}  # set_output(transform=...)'s documented values


def import_estimator(document: dict[str, Any], tree: Any, device: str = "cpu") -> Any:
    """Inverse of :func:`export_estimator`, tensors on ``device`` (a resolved device name).
    Raises ``ValueError`` for an unknown class or an inconsistent state."""
    try:
        cls = registry.model_file_class(document.get("class"))
        return cls._from_document(document, tree, device)
    except INCONSISTENT as err:
        raise ValueError(
            f"not a consistent {document.get('class')}: {inconsistency(err)}"
        ) from None
