"""Layer 7: model files. One safetensors file: the weights as tensors, and in its header a JSON
document with the estimator's class, parameters, fitted metadata and the aekit/torch versions.

Loading reads JSON and raw tensors only and picks the class from a fixed table of aekit's
estimators, so a model file can never run code (no pickle, unlike ``torch.load`` or joblib).
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from aekit.core.devices import resolve_device
from aekit.estimators import ESTIMATORS, BaseAutoencoder
from aekit.io.files import FileFormat, read_file, write_file

MODEL = FileFormat("aekit-model", 1, "model")
FORMAT = MODEL.name
FORMAT_VERSION = MODEL.version


def _to_json(value: Any) -> Any:
    """numpy values and tuples as plain JSON values."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


# Estimators built on top of the autoencoders (a detector, a hasher, a compressor, an imputer)
# live in modules above this one. They are named here, so loading still only ever builds one of
# aekit's own classes. Each implements ``_export_fitted() -> (fitted JSON, tree)`` and
# ``_import_fitted(fitted, tree, device)``, and stores inner autoencoders with
# :func:`export_estimator` / :func:`import_estimator`.
COMPOSITES: dict[str, str] = {
    "AutoencoderImputer": "aekit.imputation",
    "_ObservedEntriesAutoencoder": "aekit.imputation.imputer",  # the imputer's inner model
    "SemanticHasher": "aekit.hashing",
    "BinaryAutoencoder": "aekit.hashing",
    "Compressor": "aekit.compression",
    "QuantizingAutoencoder": "aekit.compression",
    "AnomalyDetector": "aekit.anomaly",
}


def _estimator_class(name: Any) -> type:
    if name in ESTIMATORS:
        return ESTIMATORS[name]
    if name in COMPOSITES:
        return getattr(import_module(COMPOSITES[name]), name)
    raise ValueError(f"unknown estimator class {name!r}")


def _params_to_json(estimator: Any) -> dict[str, Any]:
    """Constructor parameters as JSON; an estimator-valued parameter as its class + params."""
    params = estimator.get_params(deep=False)
    if "random_state" in params and not (
        params["random_state"] is None or isinstance(params["random_state"], int)
    ):
        params["random_state"] = None  # a RandomState object has no faithful JSON form
    out = {}
    for name, value in params.items():
        if isinstance(value, BaseEstimator):
            value = {"__estimator__": type(value).__name__, "params": _params_to_json(value)}
        out[name] = _to_json(value)
    return out


def _params_from_json(params: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in params.items():
        if isinstance(value, dict) and "__estimator__" in value:
            value = _estimator_class(value["__estimator__"])(**_params_from_json(value["params"]))
        elif isinstance(value, list):
            value = tuple(value)
        out[name] = value
    return out


def export_estimator(estimator: Any) -> tuple[dict[str, Any], Any]:
    """``(document, tree)`` of a fitted estimator: JSON (class, params, fitted metadata) and
    the tensors/arrays. Composite estimators call this for the autoencoders they hold."""
    check_is_fitted(estimator)
    if isinstance(estimator, BaseAutoencoder):
        fitted, tree = _autoencoder_state(estimator)
    else:
        fitted, tree = estimator._export_fitted()
    document = {
        "class": type(estimator).__name__,
        "params": _params_to_json(estimator),
        "fitted": _to_json(fitted),
    }
    return document, tree


def import_estimator(document: dict[str, Any], tree: Any, device: str = "cpu") -> Any:
    """Inverse of :func:`export_estimator`. Raises ``ValueError`` for an inconsistent state."""
    try:
        return _import(document, tree, device)
    except _INCONSISTENT as err:
        raise ValueError(f"not a consistent {document.get('class')}: {err}") from None


# What a damaged but parseable state raises while an estimator is rebuilt from it.
_INCONSISTENT = (KeyError, TypeError, AttributeError, IndexError, RuntimeError, ValueError)


def _import(document: dict[str, Any], tree: Any, device: str) -> Any:
    estimator = _estimator_class(document.get("class"))(**_params_from_json(document["params"]))
    if isinstance(estimator, BaseAutoencoder):
        _restore(estimator, document["fitted"], tree, device)
    else:
        estimator._import_fitted(document["fitted"], tree, device)
    return estimator


def _autoencoder_state(estimator: BaseAutoencoder) -> tuple[dict[str, Any], Any]:
    classes = getattr(estimator, "classes_", None)
    if classes is not None and classes.dtype.kind not in "biufUS":
        raise ValueError(
            "only int, float, bool or string labels can be saved; got labels of dtype "
            f"{classes.dtype}."
        )
    fitted = {
        "n_features_in_": estimator.n_features_in_,
        "feature_names_in_": getattr(estimator, "feature_names_in_", None),
        "input_ndim_": estimator.input_ndim_,
        "image_shape_": estimator.image_shape_,
        "likelihood_": estimator.likelihood_,
        "n_iter_": estimator.n_iter_,
        "history_": estimator.history_,
        "best_loss_": estimator.best_loss_,
        "classes_": classes,
        "classes_dtype": None if classes is None else classes.dtype.str,
        "semi_supervised_": getattr(estimator, "semi_supervised_", None),  # has q(y|x)
    }
    tensors = {
        "model": estimator.model_.state_dict(),
        "data_mean": None
        if estimator.data_mean_ is None
        else torch.from_numpy(np.asarray(estimator.data_mean_, dtype=np.float32)),
        "sampler": None
        if getattr(estimator, "sampler_", None) is None
        else {k: torch.from_numpy(np.asarray(v)) for k, v in estimator.sampler_.items()},
        "data_scale": None
        if estimator.data_scale_ is None
        else torch.from_numpy(np.asarray(estimator.data_scale_, dtype=np.float32)),
    }
    return fitted, tensors


def save(estimator: Any, path: str | os.PathLike) -> None:
    """Write a fitted aekit estimator to ``path`` atomically."""
    document, tree = export_estimator(estimator)
    write_file(path, MODEL, document, tree)


def load(path: str | os.PathLike, device: str = "cpu") -> Any:
    """Read a model written by :meth:`save`; no code in the file is ever run.

    Raises ``ValueError`` for a corrupt, truncated, foreign or newer-version file.
    """
    header, tree = read_file(path, MODEL)
    device = str(resolve_device(device))
    name = header.get("class")
    if name not in ESTIMATORS and name not in COMPOSITES:
        raise ValueError(f"{path} holds an unknown estimator class {name!r}.")
    try:
        return _import(header, tree, device)
    except _INCONSISTENT as err:
        raise ValueError(f"{path} does not hold a consistent {name}: {err}") from None


def _restore(
    estimator: BaseAutoencoder, fitted: dict[str, Any], tensors: dict[str, Any], device: str
) -> None:
    estimator.n_features_in_ = fitted["n_features_in_"]
    if fitted["feature_names_in_"] is not None:
        estimator.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
    estimator.input_ndim_ = fitted["input_ndim_"]
    shape = fitted["image_shape_"]
    estimator.image_shape_ = None if shape is None else tuple(shape)
    estimator.likelihood_ = fitted["likelihood_"]
    estimator.n_iter_ = fitted["n_iter_"]
    estimator.history_ = fitted["history_"]
    estimator.best_loss_ = fitted["best_loss_"]
    if fitted["classes_"] is not None:
        estimator.classes_ = np.asarray(fitted["classes_"], dtype=np.dtype(fitted["classes_dtype"]))
    if fitted.get("semi_supervised_") is not None:  # before _build_model, which reads it
        estimator.semi_supervised_ = bool(fitted["semi_supervised_"])
    for name in ("data_mean", "data_scale"):
        value = tensors[name]
        setattr(estimator, f"{name}_", None if value is None else value.numpy())
    if "sampler" in estimator.get_params():
        mixture = tensors.get("sampler")
        estimator.sampler_ = None if mixture is None else {k: v.numpy() for k, v in mixture.items()}
    state = tensors["model"]
    n_classes = len(getattr(estimator, "classes_", ()))
    placeholder = torch.zeros(0)  # corruption bounds come back with the state dict
    with torch.random.fork_rng(devices=[]):  # building draws default weights; keep the user's
        model = estimator._build_model(n_classes, placeholder, placeholder)  # stream untouched
    if model.corruption is not None:
        model.corruption.low = torch.empty_like(state["corruption.low"])
        model.corruption.high = torch.empty_like(state["corruption.high"])
    model.load_state_dict(state, strict=True)
    estimator.model_ = model.to(device).eval()
