"""The imputer on a table on disk (an :func:`aekit.open_dataset` dataset or a large memmap):
what :class:`aekit.imputation.AutoencoderImputer` learns from the whole table comes from one
streaming pass, and its networks train on the encoded rows read a batch at a time.

In memory, the imputer encodes the table with a :class:`aekit.data.tabular.TabularEncoder` and
trains each network on the encoded matrix (NaN where an entry is missing). On disk the table is
numeric (readers hand out numbers only), so the encoding is each column's standardization; its
mean and scale come from Chan et al.'s streaming update (:func:`aekit.data.row_stats.row_stats`,
NaN left out, as ``StandardScaler`` leaves it out), and :class:`EncodedReader` encodes each
batch as the trainer reads it. The networks then fit as on any dataset, through the same
lazy-rows trainer as the autoencoders. Nothing holds more than a batch of rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.data.lazy import Dataset
from aekit.data.non_finite import empty_column
from aekit.data.readers import RowReader
from aekit.data.row_stats import row_stats
from aekit.data.tabular import TabularEncoder
from aekit.imputation.fills import warn_of_sparse_columns


class EncodedReader(RowReader):
    """The rows of ``reader`` standardized column by column, ``(x - mean) / scale`` as the
    imputer's encoder computes it (float64, then float32), missing entries left NaN."""

    allow_nan = True

    def __init__(self, reader: RowReader, mean: np.ndarray, scale: np.ndarray) -> None:
        self.reader, self.mean, self.scale = reader, mean, scale
        self.path = reader.path
        self.row_shape = (reader.n_features,)
        self.columns = [f"x{i}" for i in range(reader.n_features)]
        self.dtypes = dict.fromkeys(self.columns, "float32")
        # Parquet row groups: the trainer's shuffle keeps to the source's blocks.
        self.groups = reader.groups
        self.cache_groups = getattr(reader, "cache_groups", 1)

    def __len__(self) -> int:
        return len(self.reader)

    def _encode(self, rows: np.ndarray) -> np.ndarray:
        return ((rows.astype(np.float64) - self.mean) / self.scale).astype(np.float32)

    def _rows(self, start: int, stop: int) -> np.ndarray:
        return self._encode(self.reader.read(start, stop))

    def _take(self, ids: np.ndarray) -> np.ndarray:
        return self._encode(self.reader.gather(ids))


def fit_on_disk(reader: RowReader) -> tuple[TabularEncoder, Dataset, np.ndarray]:
    """One pass over ``reader``: the encoder a :class:`TabularEncoder` fitted on the same rows
    in memory would be (up to float64 rounding of the mean and scale), the encoded rows as a
    dataset the networks fit on, and the fill range (each encoded column's observed min, max)."""
    if len(reader.row_shape) != 1:
        raise ValueError(
            f"{reader.describe()} has rows of shape {reader.row_shape}; an imputer takes a "
            "table (n_samples, n_features)."
        )
    reader.allow_nan = True  # NaN marks a missing entry
    stats = row_stats(reader, digest=False)
    names = list(reader.columns) if reader.named_columns else None
    shown = names or [f"x{i}" for i in range(reader.n_features)]
    empty = [shown[j] for j in np.flatnonzero(stats.n == 0)]
    if empty:
        raise empty_column(empty[0])
    warn_of_sparse_columns(shown, stats.n, len(reader))
    mean, scale = stats.mean, stats.scale
    encoder = TabularEncoder(handle_missing="mask").set_state(
        {
            "input_is_frame": names is not None,
            "feature_names_in": shown,
            "dtypes": dict.fromkeys(shown, "float32"),  # rows are read as float32
            "categories": {},
            "mean": dict(zip(shown, mean.tolist(), strict=True)),
            "scale": dict(zip(shown, scale.tolist(), strict=True)),
            "groups": [[name, j, j + 1, "numeric"] for j, name in enumerate(shown)],
        }
    )
    # Standardizing is increasing, and so is rounding to float32: the encoded extremes are the
    # encoded raw extremes, exactly as np.nanmin/nanmax of the encoded matrix give them.
    fill_range = np.stack([(stats.low - mean) / scale, (stats.high - mean) / scale])
    return encoder, Dataset(EncodedReader(reader, mean, scale)), fill_range.astype(np.float32)


def on_disk_reader(X: Any) -> RowReader | None:
    """The reader of X when the imputer should read it a batch at a time, else None."""
    from aekit.data.lazy import lazy_reader

    found = lazy_reader(X)
    return None if found is None else found[0]
