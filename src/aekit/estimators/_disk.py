"""Rows on disk in the estimators: what ``fit`` and inference do with a
:class:`aekit.data.lazy.Dataset` or a large memory-mapped array instead of an in-memory array.

:class:`DiskRows` stands where the checked float32 array stands otherwise (``flat``). ``fit``
gets what it needs from the whole data - the value range that picks the likelihood, the
standardization, the noise bounds, the one-hot checks and the checkpoint fingerprint - from one
streaming pass (:func:`aekit.data.row_stats.row_stats`); the trainer then reads batch by batch
through :class:`aekit.core.rows.LazyRows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from aekit.core.objectives.likelihoods import likelihood_for_range
from aekit.core.rows import LazyRows
from aekit.data.float32 import float32_rounding, warn_float32_rounding
from aekit.data.lazy import lazy_reader
from aekit.data.readers import RowReader
from aekit.data.row_stats import RowStats, row_stats


@dataclass
class DiskRows:
    """A reader standing for the checked rows, and the labels its dataset carries."""

    reader: RowReader
    labels: np.ndarray | None = None
    stats: RowStats | None = None  # filled by fit's streaming pass

    def __len__(self) -> int:
        return len(self.reader)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.reader), self.reader.n_features)


def disk_rows(X: Any, allow_nan: bool) -> DiskRows | None:
    """``X`` as :class:`DiskRows` when it is read from disk (see :func:`lazy_reader`)."""
    found = lazy_reader(X)
    if found is None:
        return None
    reader, labels = found
    if len(reader) == 0:  # as an empty in-memory array is refused, before any work
        raise ValueError(f"{reader.describe()} has no rows; pass data with at least one row.")
    reader.allow_nan = allow_nan
    return DiskRows(reader, labels)


def labels_of(X: Any, y: Any) -> Any:
    """``y``, or the labels a dataset carries when y is None."""
    if y is not None:
        return y
    found = lazy_reader(X)
    return None if found is None else found[1]


def fit_pass(rows: DiskRows, check, digest: bool) -> RowStats:
    """The streaming pass of ``fit`` (``check(chunk, first_row)`` runs on every chunk; the
    rows are hashed for a checkpoint's fingerprint when ``digest``)."""
    sample = rows.reader.native_sample()  # the float32 rows read next are rounded already
    if sample is not None:
        warn_float32_rounding(float32_rounding(sample[0]), rows.reader.describe(), sample[1])
    rows.stats = row_stats(rows.reader, check=check, digest=digest)
    return rows.stats


def likelihood_of(rows: DiskRows, likelihood: str) -> str:
    stats = rows.stats
    return likelihood_for_range(float(np.min(stats.low)), float(np.max(stats.high)), likelihood)


def model_rows(rows: DiskRows, shape: tuple[int, ...], mean, scale, check=None) -> LazyRows:
    """The rows in the model's space, read on demand: ``check(batch)`` on each batch as read,
    then standardized when ``mean`` is given."""
    mean32 = None if mean is None else np.asarray(mean, np.float32)
    scale32 = None if scale is None else np.asarray(scale, np.float32)

    def transform(batch: np.ndarray) -> np.ndarray:
        if check is not None:
            check(batch)
        return batch if mean32 is None else (batch - mean32) / scale32

    if check is None and mean is None:
        return LazyRows(rows.reader, shape)
    return LazyRows(rows.reader, shape, transform=transform)


def model_range(rows: DiskRows, mean, scale, shape, likelihood: str):
    """Bounds of the noise in the model's space (see ``_data_scale.value_range``)."""
    if likelihood == "bernoulli":
        return np.zeros(shape, np.float32), np.ones(shape, np.float32)
    # In float32, as an in-memory fit standardizes: the bounds of the standardized rows are
    # then exactly the standardized bounds (a monotone map, rounded the same way).
    low, high = rows.stats.low.astype(np.float32), rows.stats.high.astype(np.float32)
    if mean is not None:
        low, high = (low - mean) / scale, (high - mean) / scale
    return low.reshape(shape), high.reshape(shape)
