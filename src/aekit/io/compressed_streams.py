"""The first bytes of a compressed stream: ``joblib.dump(model, path, compress=3)`` writes its
pickle through zlib (gzip, bz2, xz or lzma by name), which was said to be "a damaged aekit
file" ("header too large"), where an uncompressed pickle is named as what it is."""

from __future__ import annotations

_MAGIC = {
    "zlib": (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda"),
    "gzip": (b"\x1f\x8b",),
    "bz2": (b"BZh",),
    "xz": (b"\xfd7zXZ\x00",),
    "lzma": (b"\x5d\x00\x00",),
}


def compression_of(start: bytes) -> str | None:
    """The compression whose stream ``start`` (a file's first bytes) begins, or None."""
    return next((name for name, magics in _MAGIC.items() if start.startswith(magics)), None)
