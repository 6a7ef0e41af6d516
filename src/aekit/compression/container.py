"""The ``.aek`` byte format: a self-describing header, the ANS payload, a checksum.

All integers little-endian::

    offset  size  field
    0       4     magic b"AEKC"
    4       1     format version (1)
    5       16    model fingerprint: the first 16 bytes of SHA-256 over the model's weights and
                  prior, so a file is refused by any other model
    21      4     number of rows n
    25      1     number of axes of one row, r
    26      4*r   the row shape (e.g. 1, 28, 28)
    ..      8     quantization step (float64)
    ..      2     latent_dim
    ..      4     payload length in bytes
    ..      ...   payload (the ANS stream)
    ..      4     (version 2 only) length of the ids block
    ..      ...   (version 2 only) the ids block: zlib of the UTF-8 JSON {"column": name,
                  "ids": [one text a row]}, the rows' identifiers (a table's id column)
    end-4   4     CRC-32 of everything before it

A file without ids is version 1, byte for byte as before ids were stored.

Everything a decoder needs besides the model is here, so a file decodes with the model alone;
a truncated, corrupted or foreign file is a ``ValueError`` that says which.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from aekit.compression.entropy import check_row_count
from aekit.compression.prior import LEAST_SYMBOL_BITS

MAGIC = b"AEKC"
VERSION = 1
VERSION_WITH_IDS = 2
FINGERPRINT_BYTES = 16
_FIXED = struct.Struct("<4sB16sIB")  # magic, version, fingerprint, n, r
_TAIL = struct.Struct("<dHI")  # step, latent_dim, payload length
_CRC = struct.Struct("<I")
_LENGTH = struct.Struct("<I")  # of the ids block


@dataclass
class Container:
    fingerprint: bytes
    n_rows: int
    row_shape: tuple[int, ...]
    step: float
    latent_dim: int
    payload: bytes
    # the rows' identifiers and the column they came from (None: none stored, version 1)
    ids: list[str] | None = None
    id_column: str | None = None


def fingerprint_of(model: Any, quantiles: Any) -> bytes:
    """The first FINGERPRINT_BYTES of SHA-256 over a network's weights (by name, as float32)
    and its prior's quantiles: a file is refused by any other model."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().float().numpy().tobytes())
    digest.update(np.ascontiguousarray(quantiles, dtype="<f8").tobytes())
    return digest.digest()[:FINGERPRINT_BYTES]


def pack(container: Container) -> bytes:
    c = container
    version = VERSION if c.ids is None else VERSION_WITH_IDS
    body = (
        _FIXED.pack(MAGIC, version, c.fingerprint, c.n_rows, len(c.row_shape))
        + struct.pack(f"<{len(c.row_shape)}I", *c.row_shape)
        + _TAIL.pack(c.step, c.latent_dim, len(c.payload))
        + c.payload
    )
    if c.ids is not None:  # one a row, as ids_as_text checks them
        named = {"column": c.id_column, "ids": [str(i) for i in c.ids]}
        block = zlib.compress(json.dumps(named, ensure_ascii=False).encode(), 9)
        body += _LENGTH.pack(len(block)) + block
    return body + _CRC.pack(zlib.crc32(body))


def checked_bytes(data: Any) -> bytes:
    """``data`` if it is bytes (or a bytearray or memoryview); a path is told to read its
    file's bytes (``decompress("x.aek")`` was "data must be bytes", no way on)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return data
    read = (
        f"; to decompress a file, read its bytes: Path({str(data)!r}).read_bytes()"
        if isinstance(data, (str, PurePath))
        else ""
    )
    raise TypeError(
        f"data must be bytes from Compressor.compress, not {type(data).__name__}{read}."
    )


def bytes_without_ids(container: Container) -> int:
    """The bytes ``container`` packs to without its ids: its rows' cost, said apart from the
    ids' (which no codec of the rows saves): the version-1 layout's size, counted, not packed
    again (a second CRC over every byte)."""
    c = container
    return _FIXED.size + 4 * len(c.row_shape) + _TAIL.size + len(c.payload) + _CRC.size


def unpack(data: bytes) -> Container:
    """Parse and check a file's bytes; ``ValueError`` names what is wrong."""
    data = bytes(data)
    if len(data) < len(MAGIC) or data[: len(MAGIC)] != MAGIC:
        raise ValueError(
            "not an aekit compressed file (no AEKC magic bytes); make one with "
            "Compressor.compress or 'aekit compress'."
        )
    if len(data) < _FIXED.size:
        raise ValueError(f"the compressed file is truncated: {len(data)} bytes, no full header.")
    magic, version, fingerprint, n_rows, ndim = _FIXED.unpack_from(data)
    if version not in (VERSION, VERSION_WITH_IDS):
        raise ValueError(
            f"compressed format version {version}; this aekit reads versions {VERSION} and "
            f"{VERSION_WITH_IDS}: upgrade aekit to read it."
        )
    offset = _FIXED.size
    need = offset + 4 * ndim + _TAIL.size
    if len(data) < need:
        raise ValueError(f"the compressed file is truncated: {len(data)} bytes, no full header.")
    row_shape = struct.unpack_from(f"<{ndim}I", data, offset)
    offset += 4 * ndim
    step, latent_dim, payload_length = _TAIL.unpack_from(data, offset)
    offset += _TAIL.size
    ids_at = offset + payload_length  # version 2: the ids block's length, then the block
    block = 0
    if version == VERSION_WITH_IDS and len(data) >= ids_at + _LENGTH.size:
        (block,) = _LENGTH.unpack_from(data, ids_at)
        block += _LENGTH.size
    expected = ids_at + block + _CRC.size
    if len(data) != expected:  # the data cut or extended, or the header's lengths damaged
        raise ValueError(
            f"the compressed file is damaged: {len(data)} bytes where its header announces "
            f"{expected} (truncated, appended to, or its header corrupted)."
        )
    (crc,) = _CRC.unpack_from(data, expected - _CRC.size)
    if crc != zlib.crc32(data[: expected - _CRC.size]):
        raise ValueError("the compressed file is corrupt: its CRC-32 checksum does not match.")
    # A CRC anyone can recompute: the values are checked too. Without the model, a row costs at
    # least LEAST_SYMBOL_BITS per code dimension (the decoder bounds it by its own tables).
    if latent_dim < 1:
        raise ValueError("the compressed file is damaged: its header announces 0 latent units.")
    check_row_count(n_rows, payload_length, latent_dim * LEAST_SYMBOL_BITS)
    ids, id_column = (
        _ids(data[ids_at + _LENGTH.size : ids_at + block], n_rows) if block else (None, None)
    )
    return Container(
        fingerprint,
        n_rows,
        tuple(row_shape),
        step,
        latent_dim,
        data[offset : offset + payload_length],
        ids,
        id_column,
    )


# The longest id stored (characters): a file path or a key, never a document; it bounds what
# a file's ids block may inflate to (JSON writes a character in at most 6 bytes)
MAX_ID_CHARS = 1000


def ids_as_text(ids: Any, n_rows: int) -> tuple[list[str], str | None]:
    """Each row's id as text (a missing one, None or NaN, as ""), and their column's name (a
    pandas Series'), for :func:`pack`; one id a row of at most MAX_ID_CHARS, or a ValueError."""
    import pandas as pd

    name = getattr(ids, "name", None)
    values = list(ids.tolist() if hasattr(ids, "tolist") else ids)
    if len(values) != n_rows:
        raise ValueError(f"ids holds {len(values)} ids for {n_rows} rows; give one id a row.")
    texts = [
        "" if v is None or (pd.api.types.is_scalar(v) and pd.isna(v)) else str(v) for v in values
    ]
    column = None if name is None else str(name)
    if (longest := max(map(len, [*texts, column or ""]), default=0)) > MAX_ID_CHARS:
        raise ValueError(
            f"an id or the ids' name holds {longest:,} characters; ids and names of at most "
            f"{MAX_ID_CHARS:,} are stored."
        )
    return texts, column


def _ids(block: bytes, n_rows: int) -> tuple[list[str], str | None]:
    """The ids and their column from a version-2 file's ids block (checked by the CRC first),
    inflated no further than ``n_rows`` ids of at most MAX_ID_CHARS can take: a CRC anyone can
    renew, and a few hundred kB of zeros inflate to gigabytes."""
    inflate = zlib.decompressobj()
    try:
        # the ids and their column's name, each of at most MAX_ID_CHARS
        text = inflate.decompress(block, 1024 + (n_rows + 1) * (6 * MAX_ID_CHARS + 4))
        if inflate.unconsumed_tail or not inflate.eof:
            raise ValueError("longer than its rows' ids can be")
        named = json.loads(text)
        ids, column = named["ids"], named["column"]
    except (zlib.error, ValueError, KeyError, TypeError):
        raise ValueError("the compressed file is damaged: its ids block cannot be read.") from None
    if not isinstance(ids, list) or len(ids) != n_rows or not all(isinstance(i, str) for i in ids):
        raise ValueError(f"the compressed file is damaged: its ids block holds no {n_rows} ids.")
    return ids, column if isinstance(column, str) else None
