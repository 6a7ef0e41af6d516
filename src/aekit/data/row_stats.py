"""Everything ``fit`` needs to know about the whole data, from one streaming pass.

Each chunk contributes its count, mean and sum of squared deviations ``M2`` per column, merged
with the running totals by Chan, Golub & LeVeque's parallel update (1979; "Updating formulae and
a pairwise algorithm for computing sample variances", eq. 2.1b):

    n = n_a + n_b,   delta = mean_b - mean_a,
    mean = mean_a + delta * n_b / n,   M2 = M2_a + M2_b + delta**2 * n_a * n_b / n,

which stays accurate where the textbook ``E[x**2] - E[x]**2`` loses every digit (a column of
large values with a small spread). The same pass finds each column's minimum and maximum, checks
every value (NaN or infinity is an error naming the row), runs any extra per-chunk check, and
hashes the rows as float32 for the checkpoint fingerprint, so nothing reads the data twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from aekit.data.readers import RowReader


@dataclass
class RowStats:
    """Per-column statistics of a row source (float64), and the SHA-256 of its float32 rows."""

    n: np.ndarray  # non-missing values per column
    mean: np.ndarray
    m2: np.ndarray  # sum of squared deviations from the mean
    low: np.ndarray
    high: np.ndarray
    digest: str

    @property
    def scale(self) -> np.ndarray:
        """Population standard deviation (ddof=0), 1 for a constant column, as
        :func:`aekit.data.scaling.standardization` (scikit-learn's ``StandardScaler``) gives."""
        std = np.sqrt(self.m2 / np.maximum(self.n, 1))
        # StandardScaler's rule for a constant column: a scale this small is taken as 1.
        tiny = std < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(self.mean), 1.0)
        return np.where(tiny, 1.0, std)


def content_digest(rows: np.ndarray) -> str:
    """SHA-256 of an in-memory array's shape, dtype and bytes (the same as a stream's)."""
    digest = hashlib.sha256(f"{rows.shape}{rows.dtype.str}".encode())
    digest.update(np.ascontiguousarray(rows))
    return digest.hexdigest()


CHUNK_BYTES = 8 * 2**20  # float32 rows per chunk of the pass: its float64 temporaries stay small


def chunk_rows(n_features: int, chunk_bytes: int | None = None) -> int:
    """Rows per chunk of ``chunk_bytes`` (default :data:`CHUNK_BYTES`) of float32 (at least 1)."""
    return max(1, (chunk_bytes or CHUNK_BYTES) // (4 * max(1, n_features)))


def row_stats(
    reader: RowReader,
    chunk: int | None = None,
    check: Callable[[np.ndarray, int], None] | None = None,
    digest: bool = True,
) -> RowStats:
    """One pass over ``reader`` in chunks of ``chunk`` rows (default: some 8 MiB);
    ``check(rows, first_row)`` sees each chunk too; ``digest=False`` skips the hash (only a
    checkpoint needs it)."""
    d = reader.n_features
    n, mean, m2 = np.zeros(d), np.zeros(d), np.zeros(d)
    low, high = np.full(d, np.inf), np.full(d, -np.inf)
    # Hashed as the float32 (n, features) array an in-memory fit would hash.
    hashed = hashlib.sha256(f"{(len(reader), d)}{np.dtype(np.float32).str}".encode())
    for start, rows in reader.chunks(chunk or chunk_rows(d)):  # read() checks NaN/inf by row
        if check is not None:
            check(rows, start)
        if digest:
            hashed.update(rows)
        n_b, mean_b, m2_b, low_b, high_b = _chunk_moments(rows, reader.allow_nan)
        n, mean, m2 = merge_moments((n, mean, m2), (n_b, mean_b, m2_b))
        low, high = np.fmin(low, low_b), np.fmax(high, high_b)
    return RowStats(n, mean, m2, low, high, hashed.hexdigest() if digest else "")


def merge_moments(a: tuple, b: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(n, mean, M2)`` of two parts merged by Chan et al.'s update (the module docstring);
    per column, a column without values in both parts keeps mean 0."""
    n_a, mean_a, m2_a = a
    n_b, mean_b, m2_b = b
    total = n_a + n_b
    with np.errstate(invalid="ignore", divide="ignore"):  # columns with no values yet
        delta = mean_b - mean_a
        mean = np.where(total > 0, mean_a + delta * n_b / total, 0.0)
        m2 = m2_a + m2_b + np.where(total > 0, delta**2 * n_a * n_b / total, 0.0)
    return total, mean, m2


def _chunk_moments(rows: np.ndarray, allow_nan: bool):
    """Count, mean, M2, min and max per column of one chunk, in float64 (NaN left out)."""
    if not allow_nan:  # read() has refused NaN: the plain (and fast) reductions
        mean_b = rows.mean(axis=0, dtype=np.float64)
        m2_b = ((rows - mean_b) ** 2).sum(axis=0)
        count = np.full(rows.shape[1], float(len(rows)))
        return count, mean_b, m2_b, rows.min(axis=0), rows.max(axis=0)
    present = ~np.isnan(rows)
    count = present.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_b = np.nansum(rows, axis=0, dtype=np.float64) / np.maximum(count, 1)
        m2_b = np.nansum((rows - mean_b) ** 2, axis=0)
        low_b = np.where(count > 0, np.nanmin(np.where(present, rows, np.inf), axis=0), np.inf)
        high_b = np.where(count > 0, np.nanmax(np.where(present, rows, -np.inf), axis=0), -np.inf)
    return count, mean_b, m2_b, low_b, high_b
