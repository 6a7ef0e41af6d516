"""What a fit made of its ``"auto"`` settings: ``batch_size_`` (the rows of a gradient step) and
``device_`` (where the network trained), kept beside ``batch_size`` and ``device`` as given.

A model file and a RUN's config.toml recorded ``batch_size = "auto"`` and ``device = "auto"``
alone, so nobody could tell afterwards whether a run took 32 rows a step or 200, or trained on
the CPU or a GPU. The autoencoders and the fine-tuners set both at the end of ``fit``, their
model files keep them, and the composites (detectors, imputer, compressor, hasher) hold them on
their networks; :func:`resolved_settings` finds them on any of these (``aekit info``,
config.toml's ``[run]``).
"""

from __future__ import annotations

from typing import Any

import torch

# The fitted attributes, as a model file's "fitted" document names them too.
RESOLVED = ("batch_size_", "device_")


def device_name(device: torch.device) -> str:
    """``device`` as a name that says which one: "cuda" with the GPU's index ("cuda:0")."""
    if device.type == "cuda" and device.index is None:
        return f"cuda:{torch.cuda.current_device()}"
    return str(device)


def keep_resolved(estimator: Any, batch_size: int, device: torch.device) -> None:
    """Set ``estimator``'s ``batch_size_`` and ``device_``: what its fit trained with."""
    estimator.batch_size_ = int(batch_size)
    estimator.device_ = device_name(device)


def resolved_state(estimator: Any) -> dict[str, Any]:
    """The two attributes as a model file's "fitted" document holds them."""
    return {name: getattr(estimator, name, None) for name in RESOLVED}


def restore_resolved(estimator: Any, fitted: dict[str, Any]) -> None:
    """Set the two attributes from a model file's "fitted" document: None in a file written
    before they were kept; ``ValueError`` for a value no fit gives (an edited file)."""
    batch, device = (fitted.get(name) for name in RESOLVED)
    if batch is not None and (type(batch) is not int or batch < 1):
        raise ValueError(f"batch_size_ is {batch!r}; a fit gives a whole number of rows, 1 or more")
    if device is not None and not isinstance(device, str):
        raise ValueError(f"device_ is {device!r}; a fit gives a device's name such as 'cpu'")
    estimator.batch_size_, estimator.device_ = batch, device


def resolved_settings(estimator: Any) -> dict[str, Any]:
    """``{"batch_size": ..., "device": ...}`` that ``estimator`` trained with, from its own
    fitted attributes or its networks' (a detector's members, an imputer's networks, a
    compressor's, hasher's, fine-tuner's or series detector's one); networks that differ are
    listed as ``"32, 64"``. Empty where none is recorded (a model file of an earlier version)."""
    found: dict[str, list[Any]] = {"batch_size": [], "device": []}
    for network in _trained_networks(estimator):
        for name in found:
            value = getattr(network, f"{name}_", None)
            if value is not None and value not in found[name]:
                found[name].append(value)
    return {k: v[0] if len(v) == 1 else ", ".join(map(str, v)) for k, v in found.items() if v}


def _trained_networks(estimator: Any) -> list[Any]:
    """``estimator`` where it trained a network itself, else the networks it holds (a
    fine-tuner's file of an earlier version, whose own are None, does not show its autoencoder's
    as its own)."""
    if hasattr(estimator, "batch_size_"):
        return [estimator]
    inner = getattr(estimator, "detector_", None) or getattr(estimator, "autoencoder_", None)
    members = getattr(estimator, "estimators_", None) or getattr(estimator, "autoencoders_", [])
    held = [inner] if inner is not None else list(members)
    return [network for held_one in held for network in _trained_networks(held_one)]
