"""Safe, atomic files of tensors plus JSON: the format under model files and checkpoints.

A nested structure of dicts, lists, numbers, strings, tensors and numeric numpy arrays is split
into a JSON skeleton (tensors replaced by ``{"__tensor__": key}``, arrays by
``{"__array__": key}``) and a flat ``{key: tensor}`` dict, stored together in one safetensors
file whose header metadata holds the JSON. Reading it back runs no code: no pickle anywhere.
Writes go to a temporary file in the same folder and are renamed into place, so a crash never
leaves a half-written file under the real name.

Files written now prove their integrity: the header holds, under ``sha256``, the SHA-256 of
each tensor's bytes and of the header itself, checked on every read (files written before
aekit kept checksums have none and load as before).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from aekit.io.atomic import atomic_write, beside
from aekit.io.compressed_streams import compression_of
from aekit.io.text_kinds import is_table_encoding, looks_like_text

_TENSOR = "__tensor__"
_ARRAY = "__array__"  # a numpy array: stored as a tensor, read back as numpy
METADATA_KEY = "aekit"
CHECKSUMS = "sha256"  # header key: {"header": hex digest, "tensors": {key: hex digest}}
# An edit without its checksum renewed, or bytes damaged: the fix is a sound copy
HEADER_CHANGED = (
    "its header does not match its checksum (changed since it was saved); copy it again "
    "from where it was saved, or save it again."
)
# The deepest a header may nest. aekit's own reach about 10 levels (a series detector's window
# detector's member's weights); Python's recursion, in json and in every walk of the header
# (checksums, the skeleton, the estimators), fails near 1,000, so deeper is damage, said as such.
MAX_DEPTH = 100


def tensor_digest(tensor: torch.Tensor) -> str:
    """SHA-256 of a tensor's bytes, as stored (row-major, its own dtype)."""
    flat = tensor.detach().cpu().contiguous().reshape(-1)
    return hashlib.sha256(flat.view(torch.uint8).numpy().tobytes()).hexdigest()


def header_digest(header: dict[str, Any]) -> str:
    """SHA-256 of the header's JSON (its checksums left out), keys sorted."""
    document = {k: v for k, v in header.items() if k != CHECKSUMS}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def with_checksums(header: dict[str, Any], tensors: dict[str, torch.Tensor]) -> dict[str, Any]:
    """``header`` with its ``sha256`` entry: of every tensor and of the header itself."""
    tensor_sums = {k: tensor_digest(v) for k, v in tensors.items()}
    sums = {"tensors": tensor_sums, "header": header_digest(header)}
    return {**header, CHECKSUMS: sums}


def verify_checksums(path: Path, header: dict[str, Any], tensors: dict[str, torch.Tensor]) -> None:
    """Raise ``ValueError`` naming the file and the damaged part if a checksum does not match."""
    sums = header[CHECKSUMS]
    if not isinstance(sums, dict) or not isinstance(sums.get("tensors"), dict):
        raise ValueError(f"{path} has a damaged aekit header: malformed {CHECKSUMS!r} entry.")
    if sums.get("header") != header_digest(header):
        raise ValueError(f"{path} is damaged: {HEADER_CHANGED}")
    expected = sums["tensors"]
    for key in sorted(set(expected) | set(tensors)):
        if key not in tensors or key not in expected:
            raise ValueError(f"{path} is damaged: tensor {key} is missing or unexpected.")
        if tensor_digest(tensors[key]) != expected[key]:
            raise ValueError(f"{path} is damaged: tensor {key} does not match its checksum.")


def flatten(tree: Any, tensors: dict[str, torch.Tensor], path: str = "t") -> Any:
    """Return ``tree`` with each tensor moved into ``tensors`` under a path-like key."""
    if isinstance(tree, torch.Tensor):
        # safetensors wants contiguous, non-shared storage
        tensors[path] = tree.detach().cpu().contiguous().clone()
        return {_TENSOR: path}
    if isinstance(tree, np.ndarray):
        if tree.dtype.kind not in "biuf":
            raise ValueError(
                f"only numeric arrays can be stored; {path} has dtype {tree.dtype}. "
                "Keep strings in the JSON part."
            )
        tensors[path] = torch.from_numpy(np.ascontiguousarray(tree)).clone()
        return {_ARRAY: path}
    if isinstance(tree, dict):
        return {str(k): flatten(v, tensors, f"{path}.{k}") for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [flatten(v, tensors, f"{path}.{i}") for i, v in enumerate(tree)]
    return tree


def unflatten(tree: Any, tensors: dict[str, torch.Tensor]) -> Any:
    """Inverse of :func:`flatten`."""
    if isinstance(tree, dict):
        if set(tree) == {_TENSOR}:
            return tensors[tree[_TENSOR]]
        if set(tree) == {_ARRAY}:
            return tensors[tree[_ARRAY]].numpy()
        return {k: unflatten(v, tensors) for k, v in tree.items()}
    if isinstance(tree, list):
        return [unflatten(v, tensors) for v in tree]
    return tree


def save_tree(path: str | os.PathLike, header: dict[str, Any], tree: Any) -> None:
    """Write ``header`` (JSON) and ``tree`` (any nesting of tensors) atomically to ``path``."""
    tensors: dict[str, torch.Tensor] = {}
    skeleton = flatten(tree, tensors)
    document = with_checksums({**header, "tree": skeleton}, tensors)
    metadata = {METADATA_KEY: json.dumps(document)}

    def write(tmp: str) -> None:
        with beside(tmp) as folder:  # safetensors' own temporary file goes in there
            try:
                save_file(tensors, folder / "file", metadata=metadata)
            except SafetensorError as err:  # a full disk: an OSError naming the file
                raise _as_os_error(err, path) from None
            os.replace(folder / "file", tmp)

    atomic_write(path, write)


def _as_os_error(err: SafetensorError, path: str | os.PathLike) -> OSError:
    """safetensors' 'I/O error: No space left on device (os error 28)' as the OSError it is."""
    found = re.search(r"\(os error (\d+)\)", str(err))
    if found is None:
        return OSError(f"cannot write {path}: {err}")
    code = int(found.group(1))
    return OSError(code, os.strerror(code), str(path))


# The first bytes of files that are often taken for model files. The compressed file's are
# aekit.compression.container.MAGIC (a test checks they agree), named here without importing
# the compression package, which brings in the estimators.
COMPRESSED_MAGIC = b"AEKC"
_PICKLE = b"\x80"  # a pickle's PROTO opcode (then the protocol, 2 to 5)
_ZIP = b"PK\x03\x04"  # torch.save's default format, joblib's .z?, numpy's .npz
_HDF5 = b"\x89HDF\r\n\x1a\n"  # Keras' .h5 models, h5py's files
_NPY = b"\x93NUMPY"  # np.save's arrays
_ONLY_SAFETENSORS = "aekit loads only the safetensors files it writes (estimator.save)"
_ONLY_OURS = f"{_ONLY_SAFETENSORS} and never unpickles"


@dataclass(frozen=True)
class Wanted:
    """The kind of aekit file a reader wants, for the messages of a file of another kind."""

    noun: str = "model"
    suffix: str = ".safetensors"
    saved_by: str = "estimator.save"  # what writes one
    where: str = "a run folder's model is RUN/model.safetensors"  # where one is found

    def give(self) -> str:
        return f"give {'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun} file ({self.suffix})"


MODEL_FILE = Wanted()


def _foreign_file(path: Path, wanted: Wanted = MODEL_FILE) -> str | None:
    """What a file aekit cannot read is, from its first bytes, when they say: an aekit
    compressed file, a pickle, a zip archive, a NumPy array or an HDF5 file (whatever its
    name); None otherwise, a damaged safetensors file included: its 8-byte header length is
    followed by the header's "{" (the length's own first bytes can be a pickle's)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(1024)
    except OSError:
        return None
    if start[8:9] == b"{":
        return None
    if start[:4] == COMPRESSED_MAGIC:
        return (
            f"{path} is an aekit compressed file (rows from Compressor.compress, 'aekit "
            "compress'), not a model: decompress it with the compressor that wrote it "
            f"(Compressor.decompress, 'aekit decompress COMPRESSOR {path} -o OUT')."
        )
    if start[:1] == _PICKLE and start[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return f"{path} is a pickle (pickle, joblib, torch.save), not an aekit file: {_ONLY_OURS}."
    if (compression := compression_of(start)) is not None:
        return (
            f"{path} is {compression}-compressed data (joblib.dump(..., compress=...) writes its "
            f"pickles so), not an aekit file: {_ONLY_OURS}."
        )
    if start[:4] == _ZIP:
        return (
            f"{path} is a zip archive (torch.save, joblib, numpy's .npz), not an aekit file: "
            f"{_ONLY_OURS}."
        )
    if start[:6] == _NPY:  # read as a corrupt safetensors file: "header too large"
        return (
            f"{path} is a NumPy array (np.save, .npy), not an aekit file: give it where a "
            f"command takes DATA, and as the {wanted.noun} the file aekit saved "
            f"({wanted.saved_by})."
        )
    if start[:8] == _HDF5:  # safetensors read its first 8 bytes as a length: "header too large"
        return f"{path} is an HDF5 file (Keras .h5, h5py), not an aekit file: {_ONLY_SAFETENSORS}."
    # ONNX is protobuf: field 1 (ir_version, a one-byte varint), then field 2 (producer_name)
    if path.suffix.lower() == ".onnx" or (start[:1] == b"\x08" and start[2:3] == b"\x12"):
        return (
            f"{path} is an ONNX graph (aekit export, to_onnx), not an aekit model file: run it "
            "with onnxruntime, or give the model it was exported from (a run folder's model is "
            "RUN/model.safetensors)."
        )
    if looks_like_text(start):  # e.g. a run's config.toml given for its model
        return (
            f"{path} is a text file, not an aekit file: give the file aekit saved ({wanted.where})."
        )
    return None


# Files that hold data, never a model (the layers above read them as DATA).
_DATA_SUFFIXES = {
    ".csv",
    ".tsv",
    ".txt",
    ".parquet",
    ".npy",
    ".npz",
    ".json",
    ".png",
    ".jpg",
    ".jpeg",
}


def _truncated(path: Path) -> str | None:
    """A safetensors file shorter than its own header says, in bytes (safetensors' "incomplete
    metadata, file not fully covered" says neither); None when the header cannot tell."""
    size = path.stat().st_size
    try:
        with path.open("rb") as handle:
            length = int.from_bytes(handle.read(8), "little")
            if size < 8:
                return None
            if length > size - 8:  # cut within the header (it starts as JSON does): say so
                starts_as_json = handle.read(1) == b"{"
                return (
                    f"{path} is truncated: it holds {size:,} bytes, fewer than the "
                    f"{8 + length:,} its header alone announces (a copy or download cut short?); "
                    "copy it again, or save the model again."
                    if starts_as_json
                    else None
                )
            entries = json.loads(handle.read(length))
        end = max(
            (v["data_offsets"][1] for k, v in entries.items() if k != "__metadata__"), default=0
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    expected = 8 + length + int(end)
    if size >= expected:
        return None
    return (
        f"{path} is truncated: it holds {size:,} bytes of the {expected:,} its header announces "
        "(a copy or download cut short?); copy it again, or save the model again."
    )


def parse_header(path: str | os.PathLike, text: str) -> dict[str, Any]:
    """The JSON object of a file's header; ``ValueError`` naming the file for anything else,
    a header nested deeper than :data:`MAX_DEPTH` or holding a number longer than Python
    reads (``sys.get_int_max_str_digits``) included."""
    try:
        header = json.loads(text)
        too_deep = _deeper_than(header, MAX_DEPTH)
    except RecursionError:  # json's own recursion: nested far deeper still
        too_deep = True
    except json.JSONDecodeError as err:  # said as Python's repr: JSONDecodeError('Expecting ...
        raise ValueError(
            f"{path} has a damaged aekit header: it is not valid JSON ({err.msg} at line "
            f"{err.lineno}, column {err.colno})."
        ) from None
    except ValueError:  # json's int(): more digits than Python converts
        limit = sys.get_int_max_str_digits()
        raise ValueError(
            f"{path} has a damaged aekit header: it holds a number of more than {limit} digits."
        ) from None
    if too_deep:
        raise ValueError(
            f"{path} has a damaged aekit header: it is nested more than {MAX_DEPTH} levels deep."
        )
    if not isinstance(header, dict):
        raise ValueError(f"{path} has a damaged aekit header: it is not a JSON object.")
    return header


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and dicts more than ``limit`` levels deep (walked without
    recursion, which is what a deep value would exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in item)
    return False


def _suffix_hint(path: Path) -> str:
    """For a missing file named without a suffix: the file of that name with one, which
    ``save`` writes when given it (``aekit.load("model")`` of a model.safetensors)."""
    named = path.with_name(path.name + ".safetensors")
    return f"; did you mean {named}?" if not path.suffix and named.is_file() else ""


def load_tree(
    path: str | os.PathLike,
    check: Callable[[dict[str, Any]], object] | None = None,
    wanted: Wanted = MODEL_FILE,
) -> tuple[dict[str, Any], Any]:
    """Read a file written by :func:`save_tree`: ``(header, tree)``; the header keeps its
    ``sha256`` entry (verified here) when it has one. ``check(header)``, if given, runs on
    the raw header before the checksums are verified. ``wanted``: the kind of file the caller
    reads, named in the messages of a file that is none.

    Raises ``ValueError`` naming the file for anything that is not such a file (a truncated or
    corrupt file, another program's safetensors, plain text).
    """
    path = Path(path)
    if not path.is_file():
        if path.exists() and not path.is_dir():  # opening a pipe would wait for a writer
            raise ValueError(
                f"{path} is not a regular file (a pipe, device or socket): give the file that "
                "aekit saved."
            )
        if path.is_dir():
            raise ValueError(f"{path} is a folder; give the file that aekit saved in it.")
        raise FileNotFoundError(f"no such file: {path}{_suffix_hint(path)}")
    try:
        tensors = load_file(path)
        with safe_open(path, framework="pt") as handle:
            metadata = handle.metadata() or {}
    except (SafetensorError, OSError, ValueError, RuntimeError) as err:
        if is_table_encoding(path):  # TabularEncoder.save's, or a RUN's encoder.json
            raise ValueError(
                f"{path} is a table encoding (TabularEncoder.save, a RUN's encoder.json), not "
                f"an aekit {wanted.noun}: read it with aekit.TabularEncoder.load({str(path)!r})."
            ) from None
        if any(suffix.lower() in _DATA_SUFFIXES for suffix in path.suffixes):  # also .csv.gz
            kinds = {
                ".json": "a JSON file",
                ".png": "an image",
                ".jpg": "an image",
                ".jpeg": "an image",
            }
            kind = next((kinds[s.lower()] for s in path.suffixes if s.lower() in kinds), None)
            raise ValueError(  # e.g. 'aekit info table.csv': data where a model was expected
                f"{path} is {kind or 'a data file'}, not an aekit {wanted.noun}: "
                f"{wanted.give()}{'' if wanted == MODEL_FILE else '; ' + wanted.where}."
            ) from None
        if path.stat().st_size == 0:  # safetensors said "header too small"
            raise ValueError(
                f"{path} is empty (0 bytes): a save or copy cut short? Save the model again."
            ) from None
        raise ValueError(
            _foreign_file(path, wanted)
            or _truncated(path)
            or f"{path} is not a readable aekit file (truncated or corrupt?): {err}"
        ) from None
    if METADATA_KEY not in metadata:
        raise ValueError(f"{path} is a safetensors file but was not written by aekit.")
    header = parse_header(path, metadata[METADATA_KEY])
    if check is not None:  # what the header says it is comes first: a newer file asks to upgrade
        check(header)
    if CHECKSUMS in header:
        verify_checksums(path, header, tensors)
    if "tree" not in header:  # KeyError('tree') said nothing of what was missing
        raise ValueError(f"{path} has a damaged aekit header: it has no 'tree' entry.")
    try:
        tree = unflatten(header.pop("tree"), tensors)
    except KeyError as err:  # said as KeyError('t.model.latent.head.bias')
        raise ValueError(
            f"{path} is damaged: its header names a tensor {err.args[0]!r} that the file does "
            "not hold; save the model again."
        ) from None
    except (TypeError, AttributeError) as err:
        raise ValueError(
            f"{path} has a damaged aekit header: its 'tree' entry is malformed ({err})."
        ) from None
    return header, tree
