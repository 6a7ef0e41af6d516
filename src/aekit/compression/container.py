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
    end-4   4     CRC-32 of everything before it

Everything a decoder needs besides the model is here, so a file decodes with the model alone;
a truncated, corrupted or foreign file is a ``ValueError`` that says which.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from aekit.compression.entropy import check_row_count
from aekit.compression.prior import LEAST_SYMBOL_BITS

MAGIC = b"AEKC"
VERSION = 1
FINGERPRINT_BYTES = 16
_FIXED = struct.Struct("<4sB16sIB")  # magic, version, fingerprint, n, r
_TAIL = struct.Struct("<dHI")  # step, latent_dim, payload length
_CRC = struct.Struct("<I")


@dataclass
class Container:
    fingerprint: bytes
    n_rows: int
    row_shape: tuple[int, ...]
    step: float
    latent_dim: int
    payload: bytes


def pack(container: Container) -> bytes:
    c = container
    body = (
        _FIXED.pack(MAGIC, VERSION, c.fingerprint, c.n_rows, len(c.row_shape))
        + struct.pack(f"<{len(c.row_shape)}I", *c.row_shape)
        + _TAIL.pack(c.step, c.latent_dim, len(c.payload))
        + c.payload
    )
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
    if version != VERSION:
        raise ValueError(
            f"compressed format version {version}; this aekit reads version {VERSION}."
        )
    offset = _FIXED.size
    need = offset + 4 * ndim + _TAIL.size
    if len(data) < need:
        raise ValueError(f"the compressed file is truncated: {len(data)} bytes, no full header.")
    row_shape = struct.unpack_from(f"<{ndim}I", data, offset)
    offset += 4 * ndim
    step, latent_dim, payload_length = _TAIL.unpack_from(data, offset)
    offset += _TAIL.size
    expected = offset + payload_length + _CRC.size
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
    return Container(
        fingerprint,
        n_rows,
        tuple(row_shape),
        step,
        latent_dim,
        data[offset : offset + payload_length],
    )
