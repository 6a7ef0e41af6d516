"""Layer 7: model files. One safetensors file: the weights as tensors, and in its header a JSON
document with the estimator's class, parameters, fitted metadata and the aekit/torch versions.

Loading reads JSON and raw tensors only and picks the class from a fixed table of aekit's
estimators, so a model file can never run code (no pickle, unlike ``torch.load`` or joblib).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from aekit._serialization import load_tree, save_tree
from aekit._version import __version__
from aekit.estimators import ESTIMATORS, BaseAutoencoder
from aekit.estimators._params import resolve_device

FORMAT = "aekit-model"
FORMAT_VERSION = 1


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


def save(estimator: BaseAutoencoder, path: str | os.PathLike) -> None:
    """Write a fitted aekit estimator to ``path`` atomically."""
    check_is_fitted(estimator)
    params = estimator.get_params()
    if not (params["random_state"] is None or isinstance(params["random_state"], int)):
        params["random_state"] = None  # a RandomState object has no faithful JSON form
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
    }
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "aekit_version": __version__,
        "torch_version": torch.__version__,
        "class": type(estimator).__name__,
        "params": _to_json(params),
        "fitted": _to_json(fitted),
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
    save_tree(path, header, tensors)


def load(path: str | os.PathLike, device: str = "cpu") -> BaseAutoencoder:
    """Read a model written by :meth:`save`; no code in the file is ever run.

    Raises ``ValueError`` for a corrupt, truncated, foreign or newer-version file.
    """
    header, tensors = load_tree(path)
    if header.get("format") != FORMAT:
        raise ValueError(
            f"{path} is an aekit file but not a model (format {header.get('format')!r})."
        )
    version = header.get("format_version")
    if not isinstance(version, int):
        raise ValueError(f"{path} has no valid format_version in its header (got {version!r}).")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by aekit {header.get('aekit_version')} in model format "
            f"{header['format_version']}; this aekit ({__version__}) reads format "
            f"{FORMAT_VERSION}. Upgrade aekit to load it."
        )
    device = str(resolve_device(device))
    cls = ESTIMATORS.get(header.get("class"))
    if cls is None:
        raise ValueError(f"{path} holds an unknown estimator class {header.get('class')!r}.")
    try:
        params = {k: tuple(v) if isinstance(v, list) else v for k, v in header["params"].items()}
        estimator = cls(**params)
        _restore(estimator, header["fitted"], tensors, device)
    except (KeyError, TypeError, AttributeError, RuntimeError, ValueError) as err:
        raise ValueError(f"{path} does not hold a consistent {cls.__name__}: {err}") from None
    return estimator


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
