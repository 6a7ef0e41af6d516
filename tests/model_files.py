"""Reading and rewriting the header of an aekit model file, for tests of what load refuses."""

from __future__ import annotations

import json

from safetensors import safe_open
from safetensors.torch import load_file, save_file

from aekit.io.tensors import header_digest


def header_of(path) -> dict:
    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata()
    return json.loads(metadata["aekit"])


def rewrite_header(src, dst, change) -> None:
    """Copy an aekit file with ``change(header_dict)`` applied, through safetensors itself; the
    header's checksum is renewed, so what is tested is the check behind it."""
    tensors = load_file(str(src))
    header = header_of(src)
    change(header)
    if isinstance(header.get("sha256"), dict):
        header["sha256"]["header"] = header_digest(header)
    save_file(tensors, str(dst), metadata={"aekit": json.dumps(header)})
