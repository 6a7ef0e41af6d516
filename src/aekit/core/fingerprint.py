"""What identifies a training run, so that a checkpoint resumes only the run it was saved by:
its parameters and its data, each array counted by a digest of its shape, dtype and bytes."""

from __future__ import annotations

import hashlib
import json

import numpy as np


def fingerprint(params: dict, *arrays: np.ndarray | str | None) -> str:
    """Identifies a run for checkpoint resumption: its parameters and its data. Each array
    counts by the SHA-256 of its shape, dtype and bytes; a ``str`` is that digest already (data
    on disk, hashed by the streaming pass of :mod:`aekit.data.row_stats`), so the same rows give
    the same fingerprint from memory or from disk."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=repr).encode())
    for array in arrays:
        if array is not None:
            digest.update(array_digest(array).encode())
    return digest.hexdigest()


def array_digest(array: np.ndarray | str) -> str:
    """The digest :func:`fingerprint` counts an array by (a ``str`` is one already): hashed
    once, it identifies the data in several fingerprints."""
    if isinstance(array, str):
        return array
    content = hashlib.sha256(f"{array.shape}{array.dtype.str}".encode())
    content.update(np.ascontiguousarray(array))
    return content.hexdigest()
