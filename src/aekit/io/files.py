"""aekit's files: a header naming the file's format and version and the aekit and torch that wrote
it, above a tree of tensors (:mod:`aekit.io.tensors`). Model files, index files and training
checkpoints are all such files; they are written here and their header is checked here, once.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError, safe_open

from aekit._version import __version__
from aekit.io.paths import user_path
from aekit.io.tensors import (
    CHECKSUMS,
    HEADER_CHANGED,
    METADATA_KEY,
    MODEL_FILE,
    Wanted,
    header_digest,
    load_tree,
    parse_header,
    save_tree,
)


@dataclass(frozen=True)
class FileFormat:
    """One kind of aekit file.

    ``version`` is the newest version this aekit writes and reads; it reads every version from 1
    up to it. ``None`` for files that carry no version (checkpoints: a checkpoint only ever
    resumes the run that wrote it, which its fingerprint checks).
    """

    name: str  # the header's "format"
    version: int | None
    noun: str  # what messages call it: "model", "index"
    hint: str = ""  # how to make such a file, added to the message for a file of another format
    checksummed_since: int | None = None  # from this version on, a file without checksums is bad
    suffix: str = ".safetensors"  # the name a message suggests (an index: ".index")

    @property
    def a_noun(self) -> str:
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"

    def wanted(self) -> Wanted:
        """This kind as the messages of a file of another kind name it."""
        if self.noun == "model":
            return MODEL_FILE
        made = self.hint.rstrip(".") or f"aekit writes {self.a_noun}"
        return Wanted(self.noun, self.suffix, made, made)


# Suffixes of other formats: a safetensors file under one of these names would be taken for
# what it is not (a pickle someone unpickles, an ONNX graph, text), so it is refused. ".bin" is
# PyTorch's pickled weights (pytorch_model.bin): torch.load would be run on it.
OTHER_FORMATS = {
    ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt", ".bin", ".h5", ".hdf5", ".keras",
    ".onnx", ".npy", ".npz", ".json", ".toml", ".yaml", ".yml", ".txt", ".csv", ".tsv",
    ".parquet", ".png", ".jpg", ".aek", ".zip", ".gz",
}  # fmt: skip


def check_file_name(path: str | os.PathLike, fmt: FileFormat) -> None:
    """``path`` can take a safetensors file: not a folder, not a name of another format."""
    if os.path.isdir(path):  # refused before anything is written, with the name to give
        inside = os.path.join(path, f"{fmt.noun}{fmt.suffix}")
        raise ValueError(
            f"cannot save {fmt.a_noun} as {path}: it is a folder. Give a file name ending "
            f"{fmt.suffix}, e.g. {inside}."
        )
    stem, suffix = os.path.splitext(path)
    if suffix.lower() in OTHER_FORMATS:
        # m.safetensors.gz: the name to give is m.safetensors, not m.safetensors.safetensors
        named = stem if stem.lower().endswith(fmt.suffix) else f"{stem}{fmt.suffix}"
        raise ValueError(
            f"cannot save {fmt.a_noun} as {path}: aekit writes JSON + safetensors, not "
            f"{suffix.lower()}. Give a file name ending {fmt.suffix}, e.g. {named}."
        )


def write_file(
    path: str | os.PathLike, fmt: FileFormat, document: dict[str, Any], tree: Any
) -> None:
    """Write ``document`` (JSON) under a header of ``fmt`` and ``tree`` atomically to ``path``."""
    path = user_path(path)
    check_file_name(path, fmt)
    header: dict[str, Any] = {"format": fmt.name}
    if fmt.version is not None:
        header["format_version"] = fmt.version
    header.update(aekit_version=__version__, torch_version=torch.__version__)
    save_tree(path, {**header, **document}, tree)


def read_file(path: str | os.PathLike, fmt: FileFormat) -> tuple[dict[str, Any], Any]:
    """Read a file written by :func:`write_file` with ``fmt``: ``(header, tree)``, the header
    holding the document's keys.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the file for
    anything else that is not such a file: not an aekit file (see :func:`load_tree`), one of
    another format, or a version this aekit cannot read.
    """
    path = user_path(path)
    header, tree = load_tree(path, lambda raw: _check_header(path, raw, fmt), fmt.wanted())
    header.pop(CHECKSUMS, None)
    return header, tree


def read_header(path: str | os.PathLike, fmt: FileFormat) -> dict[str, Any]:
    """The header of a file written by :func:`write_file` with ``fmt``, read without its
    tensors (``aekit search`` takes an index's read options before it loads the index): checked
    as :func:`read_file` checks it, not its checksums, which the later whole read verifies.
    Anything unreadable is read whole, to be refused in :func:`read_file`'s words."""
    path = user_path(path)
    try:
        header = _header_alone(path)
        _check_header(path, header, fmt)
    except _UNREADABLE:
        return read_file(path, fmt)[0]
    return header


def stored_format(path: str | os.PathLike) -> str | None:
    """The format an aekit file's header names ("aekit-model", "aekit-index", ...), read
    without its tensors; None for a file that is no readable aekit file."""
    try:
        return _header_alone(path).get("format")
    except _UNREADABLE:
        return None


def stored_class(path: str | os.PathLike) -> str | None:
    """The class an aekit model file's header names, read without its tensors; None for a file
    that is no readable aekit file."""
    try:
        kind = _header_alone(path).get("class")
    except _UNREADABLE:
        return None
    return kind if isinstance(kind, str) else None


_UNREADABLE = (SafetensorError, OSError, KeyError, TypeError, ValueError)


def _header_alone(path: str | os.PathLike) -> dict[str, Any]:
    path = user_path(path)
    with safe_open(path, framework="pt") as handle:
        return parse_header(path, (handle.metadata() or {})[METADATA_KEY])


def _release(version: Any) -> tuple[int, ...] | None:
    """The release numbers a version string begins with ("0.2.0rc1" -> (0, 2, 0))."""
    found = re.match(r"\d+(?:\.\d+)*", version) if isinstance(version, str) else None
    return None if found is None else tuple(int(part) for part in found[0].split("."))


def written_by_newer(header: dict[str, Any]) -> bool:
    """Whether the header's aekit_version is newer than this aekit."""
    written, this = _release(header.get("aekit_version")), _release(__version__)
    if written is None or this is None:
        return False
    width = max(len(written), len(this))
    return written + (0,) * (width - len(written)) > this + (0,) * (width - len(this))


@contextlib.contextmanager
def newer_writer_named(header: dict[str, Any]) -> Iterator[None]:
    """Within it, a ValueError reading a file that a newer aekit wrote ends saying so: a newer
    aekit's parameter, value or class reads as damage or as unknown to this one, and the cure
    is an upgrade, not a new file."""
    try:
        yield
    except ValueError as err:
        if not written_by_newer(header):
            raise
        raise ValueError(
            f"{str(err).rstrip('.')}; it was written by aekit {header['aekit_version']}, newer "
            f"than this aekit {__version__}: upgrade aekit to load it."
        ) from None


def check_finite(
    path: str | os.PathLike, tree: Any, entries: Collection[str], remedy: str, key: str = "t"
) -> None:
    """``ValueError`` naming the file and the tensor (by its key in the file) when a float
    tensor under one of ``entries`` of ``tree`` (at any depth) holds NaN or infinity: a file
    saved from a diverged model, or edited and signed again, would load and give NaN for every
    row. ``remedy`` ends the message: what to do instead."""
    if isinstance(tree, dict):
        for name, value in tree.items():
            inner = f"{key}.{name}"
            if name in entries:
                _refuse_non_finite(path, value, remedy, inner)
            else:
                check_finite(path, value, entries, remedy, inner)
    elif isinstance(tree, (list, tuple)):
        for i, value in enumerate(tree):
            check_finite(path, value, entries, remedy, f"{key}.{i}")


def _refuse_non_finite(path: str | os.PathLike, tree: Any, remedy: str, key: str) -> None:
    """Every float tensor and array in ``tree`` (``key`` in the file) finite, or ValueError."""
    if isinstance(tree, dict):
        for name, value in tree.items():
            _refuse_non_finite(path, value, remedy, f"{key}.{name}")
        return
    values = torch.from_numpy(tree) if isinstance(tree, np.ndarray) else tree
    if not isinstance(values, torch.Tensor) or not values.is_floating_point():
        return
    if not bool(torch.isfinite(values).all()):
        what = "NaN" if bool(torch.isnan(values).any()) else "infinite"
        raise ValueError(
            f"{path} holds {what} weights ({key}): the file was damaged or saved from a "
            f"diverged model; {remedy}."
        )


# How to read a file of each format, for a message that refuses it as another
_READ_BY = {
    "aekit-model": "read it with aekit.load(path)",
    "aekit-index": "read it with aekit.load_index(path)",
    "aekit-checkpoint": "a training checkpoint: fit again with checkpoint_dir= its folder",
}


def _damaged_header(header: dict[str, Any]) -> bool:
    """Whether the header's own checksum says it was changed since it was written, checked
    before its entries are read: a damaged "format" or "format_version" is damage, not another
    kind of file or a newer aekit's."""
    sums = header.get(CHECKSUMS)
    return isinstance(sums, dict) and sums.get("header") != header_digest(header)


def _check_header(path: str | os.PathLike, header: dict[str, Any], fmt: FileFormat) -> None:
    if _damaged_header(header):  # before its entries are read as another kind of file's
        raise ValueError(f"{path} is damaged: {HEADER_CHANGED}")
    found = header.get("format")
    if found != fmt.name:
        advice = "; or ".join(text for text in (_READ_BY.get(str(found)), fmt.hint) if text)
        hint = f"; {advice.rstrip('.')}." if advice else "."
        raise ValueError(f"{path} is an aekit file but not {fmt.a_noun} (format {found!r}){hint}")
    if fmt.version is None:
        return
    version = header.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{path} has no valid format_version in its header (got {version!r}).")
    if version > fmt.version:
        raise ValueError(
            f"{path} was written by aekit {header.get('aekit_version')} in {fmt.noun} format "
            f"{version}; this aekit ({__version__}) reads format {fmt.version}. Upgrade aekit to "
            "load it."
        )
    since = fmt.checksummed_since
    if since is not None and version >= since and CHECKSUMS not in header:
        raise ValueError(
            f"{path} is damaged: {fmt.noun} format {version} has checksums; it has none."
        )
