"""Files edited and signed again, as a hostile user can: the checksums of an aekit file are
recomputed after the edit, so what a test of them shows is the check of the values behind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from aekit.io.tensors import CHECKSUMS, METADATA_KEY, with_checksums


def resign(
    src: Path,
    dst: Path,
    header: Callable[[dict[str, Any]], object] | None = None,
    tensors: Callable[[dict[str, torch.Tensor]], object] | None = None,
) -> Path:
    """Copy the aekit file ``src`` to ``dst`` with ``header(h)`` and ``tensors(t)`` applied in
    place, its checksums renewed; returns ``dst``."""
    stored = load_file(str(src))
    with safe_open(str(src), framework="pt") as handle:
        document = json.loads(handle.metadata()[METADATA_KEY])
    document.pop(CHECKSUMS, None)
    if header is not None:
        header(document)
    if tensors is not None:
        tensors(stored)
    signed = with_checksums(document, stored)
    save_file(stored, str(dst), metadata={METADATA_KEY: json.dumps(signed)})
    return dst
