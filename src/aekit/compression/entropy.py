"""Entropy coding of quantized codes with an asymmetric numeral system (ANS) from
``constriction`` (Bamler 2022), one categorical model per code dimension.

All rows go into one ANS stream, dimension by dimension; ANS is a stack, so the encoder pushes
the dimensions in reverse order and the decoder pops them in order. The cost is within a
fraction of a bit of ``-sum log2 p(symbol)`` for the whole stream.
"""

from __future__ import annotations

import numpy as np

from aekit.compression.prior import SymbolTables


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
    """Inverse of :func:`encode`: (n_rows, latent_dim) symbols (not offsets)."""
    import constriction

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
