"""Entropy coding of quantized codes with an asymmetric numeral system (ANS) from
``constriction`` (Bamler 2022), one categorical model per code dimension.

All rows go into one ANS stream, dimension by dimension; ANS is a stack, so the encoder pushes
the dimensions in reverse order and the decoder pops them in order. The cost is within a
fraction of a bit of ``-sum log2 p(symbol)`` for the whole stream.
"""

from __future__ import annotations

import math

import numpy as np

from aekit.compression.prior import SymbolTables

# What a payload of B bytes can hold: ANS spends at least the symbols' information,
# -sum log2 p, and adds its final state (up to 64 bits) and the rounding of its 24-bit
# probabilities (measured: 20 to 80 bits above the information, never below it). The bound
# allows 1% and 64 bits more than 8 B, so no payload compress wrote is refused.
SLACK, OVERHEAD_BITS = 1.01, 64


def most_rows(payload_bytes: int, row_bits: float) -> float:
    """The most rows a payload of ``payload_bytes`` can hold when each costs at least
    ``row_bits`` bits (inf for rows that cost nothing)."""
    if row_bits <= 0:
        return math.inf
    return (SLACK * 8 * payload_bytes + OVERHEAD_BITS) / row_bits


def check_row_count(n_rows: int, payload_bytes: int, row_bits: float) -> None:
    """``ValueError`` when a header announces more rows than its payload can hold: decoding
    would allocate them all (a 120-byte file announcing 2**32 rows asked for 17 GB)."""
    most = most_rows(payload_bytes, row_bits)
    if n_rows > most:
        raise ValueError(
            f"the compressed file is damaged: its header announces {n_rows:,} rows, but its "
            f"payload of {payload_bytes:,} bytes holds at most {int(most):,} (its header was "
            "corrupted or forged)."
        )


def _model(probabilities: np.ndarray):
    import constriction

    return constriction.stream.model.Categorical(probabilities, perfect=False)


def encode(offsets: np.ndarray, tables: SymbolTables) -> bytes:
    """Code (n, latent_dim) symbol offsets (from :meth:`SymbolTables.clip`) into bytes."""
    import constriction

    coder = constriction.stream.stack.AnsCoder()
    for j in reversed(range(offsets.shape[1])):
        coder.encode_reverse(offsets[:, j].astype(np.int32), _model(tables.probabilities[j]))
    return coder.get_compressed().astype("<u4").tobytes()


def decode(payload: bytes, n_rows: int, tables: SymbolTables) -> np.ndarray:
    """Inverse of :func:`encode`: (n_rows, latent_dim) symbols (not offsets). ``ValueError``
    for a payload too short for ``n_rows`` rows, before they are allocated."""
    import constriction

    check_row_count(n_rows, len(payload), tables.least_row_bits())
    if len(payload) % 4:
        raise ValueError("the payload is not a whole number of 32-bit words")
    words = np.frombuffer(payload, dtype="<u4").astype(np.uint32)
    coder = constriction.stream.stack.AnsCoder(words)
    columns = [
        np.asarray(coder.decode(_model(p), n_rows), dtype=np.int64) for p in tables.probabilities
    ]
    if not coder.is_empty():
        raise ValueError("the payload holds more data than the header announces")
    return np.stack(columns, axis=1) + tables.low
