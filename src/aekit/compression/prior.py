"""The probability model the entropy coder uses: each code dimension's empirical distribution.

After training, each dimension of the training codes is summarised by ``N_QUANTILES`` evenly
spaced quantiles: a piecewise-linear CDF ``F_j``. For a quantization step ``step`` the symbol
``s = round(z / step)`` has probability ``F_j((s + 1/2) step) - F_j((s - 1/2) step)``, mixed with
a little uniform mass so values outside the training range still code in a bounded number of
bits. The same quantiles serve every step, so one model compresses at any rate, and the model
file stays small (a few kB) instead of holding the training codes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

N_QUANTILES = 257
# Rows whose codes the prior is fitted on, at most: a larger training set gives its prior from
# this many rows drawn at random (seed 0), so fit holds PRIOR_ROWS codes, not one per training
# row (a table on disk is never read whole for it). The quantiles of 65,536 draws are within
# about sqrt(p (1 - p) / 65536) <= 0.002 of the exact levels, far below the prior's own
# smoothing (UNIFORM_MASS, the piecewise-linear CDF).
PRIOR_ROWS = 65536
UNIFORM_MASS = 1e-3  # share of each table spread evenly over the symbol range
MARGIN = 2  # symbols kept beyond the training range on each side
# Symbols per code dimension, at most. A dimension's table holds (its codes' span) / step
# symbols, so memory and time grow as 1 / step (step 1e-6 over a span of a few units: ~1 GB,
# 1e-9: the process is killed). 2**16 symbols split the span into 65,000 steps, rounding far
# finer than the network's own error, in tables of 512 kB per dimension (64 MB at latent_dim
# 128); :func:`smallest_step` turns the cap into the smallest step a model supports.
MAX_SYMBOLS = 2**16
# The fewest bits a symbol of any table costs, whatever the model: a table holds at least
# 2 * MARGIN + 1 symbols (the training range plus the margins) and spreads UNIFORM_MASS evenly
# over them, so no symbol is likelier than 1 - UNIFORM_MASS + UNIFORM_MASS / (2 * MARGIN + 1).
LEAST_SYMBOL_BITS = -math.log2(1 - UNIFORM_MASS * (1 - 1 / (2 * MARGIN + 1)))


def fit_quantiles(codes: np.ndarray) -> np.ndarray:
    """(latent_dim, N_QUANTILES) quantiles of each column of ``codes``, in float64."""
    levels = np.linspace(0.0, 1.0, N_QUANTILES)
    return np.quantile(np.asarray(codes, dtype=np.float64), levels, axis=0).T.copy()


@dataclass
class SymbolTables:
    """Per dimension: the smallest symbol ``low[j]`` and the probabilities of symbols
    ``low[j], low[j] + 1, ...`` (each row of ``probabilities`` sums to 1)."""

    low: np.ndarray  # (latent_dim,) int64
    probabilities: list[np.ndarray]

    def clip(self, symbols: np.ndarray) -> np.ndarray:
        """Symbols moved into each dimension's range, as offsets from ``low`` (0-based)."""
        high = self.low + np.array([len(p) for p in self.probabilities]) - 1
        return np.clip(symbols, self.low, high) - self.low

    def least_row_bits(self) -> float:
        """The fewest bits a row can cost: each dimension's likeliest symbol (UNIFORM_MASS keeps
        every probability below 1, so a row costs more than 0 bits)."""
        return float(sum(-np.log2(p.max()) for p in self.probabilities))


def smallest_step(quantiles: np.ndarray) -> float:
    """The smallest step whose tables hold at most :data:`MAX_SYMBOLS` symbols in every
    dimension, rounded up to 3 significant digits (so the figure a message shows is accepted).

    A dimension spanning ``w = q[-1] - q[0]`` has at most ``w / step + 2 MARGIN + 2`` symbols
    (the two rounded ends add one each). Codes far from 0 must also stay exact integers in
    float64 after ``z / step``: step >= max|q| / 2**40 keeps them well inside 2**53."""
    widest = float(np.max(quantiles[:, -1] - quantiles[:, 0], initial=0.0))
    largest = float(np.max(np.abs(quantiles), initial=0.0))
    step = max(widest / (MAX_SYMBOLS - 2 * MARGIN - 2), largest * 2.0**-40, 1e-300)
    unit = 10.0 ** (np.floor(np.log10(step)) - 2)
    return float(np.ceil(step / unit) * unit)


def check_step(quantiles: np.ndarray, step: float) -> float:
    """``step``, or ``ValueError`` naming the smallest step the model supports, before any
    table is allocated."""
    smallest = smallest_step(quantiles)
    if step < smallest:
        raise ValueError(
            f"step={step:.4g} is below the smallest step this model supports, {smallest:.3g}: "
            f"its tables would need over {MAX_SYMBOLS} symbols per code dimension (memory "
            f"grows as 1 / step) for rounding far finer than the network's error. Use "
            f"step >= {smallest:.3g}."
        )
    return step


def symbol_tables(quantiles: np.ndarray, step: float) -> SymbolTables:
    """The tables for quantization step ``step`` (deterministic: encoder and decoder agree).
    ``ValueError`` for a step below :func:`smallest_step`."""
    check_step(quantiles, step)
    levels = np.linspace(0.0, 1.0, quantiles.shape[1])
    lows, tables = [], []
    for q in quantiles:
        low = int(np.floor(q[0] / step + 0.5)) - MARGIN
        high = int(np.floor(q[-1] / step + 0.5)) + MARGIN
        edges = (np.arange(low, high + 2) - 0.5) * step
        # np.interp needs increasing x: equal quantiles (a constant column) get a tiny spread
        x = q + np.arange(len(q)) * 1e-12
        mass = np.diff(np.interp(edges, x, levels, left=0.0, right=1.0))
        mass = (1 - UNIFORM_MASS) * mass / max(mass.sum(), 1e-300) + UNIFORM_MASS / len(mass)
        lows.append(low)
        tables.append(mass)
    return SymbolTables(np.asarray(lows, dtype=np.int64), tables)


def prior_ids(n_rows: int) -> np.ndarray | None:
    """The training rows the prior is fitted on: None (all of them) up to :data:`PRIOR_ROWS`,
    else PRIOR_ROWS row ids drawn without replacement (seed 0), sorted."""
    if n_rows <= PRIOR_ROWS:
        return None
    return np.sort(np.random.default_rng(0).choice(n_rows, PRIOR_ROWS, replace=False))


def codes_at(network: Any, X: Any, ids: np.ndarray) -> np.ndarray:
    """The codes of the prior's rows ``ids`` of X (:func:`prior_ids`), read and encoded a block
    at a time."""
    from aekit.data.lazy import rows_at

    block = 8192
    return np.concatenate(
        [network.transform(rows_at(X, ids[i : i + block])) for i in range(0, len(ids), block)]
    )
