"""Model files. One safetensors file: the weights as tensors, and in its header a JSON document
with the estimator's class, parameters and fitted metadata, and the aekit/torch versions.

This module knows the file, not the estimators: writing takes a document and a tree made by the
estimators layer (:func:`aekit.estimators.persistence.export_estimator`); :func:`load` reads
JSON and raw tensors only, picks the class from :mod:`aekit.registry`'s fixed table of aekit's
estimators, so a model file can never run code (no pickle, unlike ``torch.load`` or joblib), and
hands the document to the class's ``_from_document``.
"""

from __future__ import annotations

import os
import re
from typing import Any, Protocol

from aekit import registry
from aekit.devices import resolve_device
from aekit.io.files import (
    FileFormat,
    check_finite,
    newer_writer_named,
    read_file,
    write_file,
)
from aekit.io.paths import user_path
from aekit.io.sizes import check_sizes

# Format 2: the header carries SHA-256 checksums of itself and of every tensor, verified on load.
# Format 1 files have none and still load.
MODEL = FileFormat("aekit-model", 2, "model", checksummed_since=2)
FORMAT = MODEL.name
FORMAT_VERSION = MODEL.version

# What a damaged but parseable document raises while an estimator is rebuilt from it.
INCONSISTENT = (KeyError, TypeError, AttributeError, IndexError, RuntimeError, ValueError)


class FromDocument(Protocol):
    """What a class named in a model file provides (every aekit estimator has it, from
    :class:`aekit.estimators.persistence.SavesToFile`)."""

    @classmethod
    def _from_document(cls, document: dict[str, Any], tree: Any, device: str) -> Any:
        """The fitted estimator ``document`` and ``tree`` describe, its tensors on ``device``."""


def write_model(path: str | os.PathLike, document: dict[str, Any], tree: Any) -> None:
    """Write an estimator's ``document`` (class, params, fitted) and ``tree`` atomically."""
    write_file(path, MODEL, document, tree)


def load(path: str | os.PathLike, device: str = "cpu") -> Any:
    """Read a model written by ``estimator.save(path)``; no code in the file is ever run.

    Parameters
    ----------
    path : str or path-like
        The model file (``~`` is expanded).
    device : {"cpu", "auto", "cuda", "cuda:N"}, default="cpu"
        Where its tensors go ("auto": a GPU when there is one).

    Returns
    -------
    estimator : the fitted estimator the file holds, of its own class

    Raises
    ------
    ValueError
        For a corrupt, truncated, foreign or newer-version file, or a device that is not one
        of the above.
    FileNotFoundError
        For a folder, naming the model file inside (if any).
    """
    device = str(resolve_device(device))  # the caller's mistake, named before any file's
    path = user_path(path)
    if os.path.isdir(path):
        raise FileNotFoundError(_folder_message(path))  # as before: no model file there
    header, tree = read_file(path, MODEL)
    with newer_writer_named(header):
        return _estimator(path, header, tree, device)


def _estimator(path: str | os.PathLike, header: dict[str, Any], tree: Any, device: str) -> Any:
    """The estimator a model file's header and tree describe, checked."""
    check_sizes(path, header, tree)  # before the estimators (and scikit-learn) are imported
    check_finite(path, tree, registry.NETWORK_ENTRIES, "refit it")
    name = header.get("class")
    try:
        cls: type[FromDocument] = registry.model_file_class(name)
    except ValueError:
        if name is None:
            raise ValueError(f"{path} has a damaged aekit header: it names no class.") from None
        raise ValueError(f"{path} holds an unknown estimator class {name!r}.") from None
    try:
        return cls._from_document(header, tree, device)
    except INCONSISTENT as err:
        raise ValueError(
            f"{path} does not hold a consistent {name}: {inconsistency(err)}"
        ) from None


def inconsistency(err: Exception) -> str:
    """What an error rebuilding an estimator from a document says of the document: a KeyError
    is an entry the header lacks (its bare text, "'fitted'", said nothing)."""
    if isinstance(err, KeyError) and err.args:
        return f"its header has no {err.args[0]!r} entry"
    unexpected = re.search(
        r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'", str(err)
    )
    if isinstance(err, TypeError) and unexpected:  # Python's words for a parameter it lacks
        return f"it holds a parameter {unexpected[2]!r}, which {unexpected[1]} does not take"
    return str(err)


def _folder_message(path: str | os.PathLike) -> str:
    """What to pass instead of a folder: the model file in it (a RUN folder of 'aekit train'
    holds model.safetensors), else what a model file is."""
    files = sorted(p for p in os.listdir(path) if p.endswith(".safetensors"))
    if "model.safetensors" in files:
        files = ["model.safetensors"]
    if len(files) == 1:
        return f"{path} is a folder; load the model file in it: {os.path.join(path, files[0])}."
    if files:
        more = f", ... ({len(files)} in all)" if len(files) > 5 else ""
        return (  # not read here: any of them may be another program's file
            f"{path} is a folder; load the model file in it, one of its .safetensors files: "
            f"{', '.join(files[:5])}{more}."
        )
    return (
        f"{path} is a folder and holds no model file (.safetensors); pass the file that "
        "estimator.save wrote (a RUN folder of 'aekit train' holds it as model.safetensors)."
    )
