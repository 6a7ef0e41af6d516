"""Training rows that stay on disk: :class:`LazyRows`, and the three things the trainer does
with rows (take a subset, order an epoch, index a batch) for tensors and lazy rows alike.

The trainer reads a batch as ``X[index]`` with ``index`` a 1-D LongTensor of row ids (or a
slice). A tensor answers from memory; a :class:`LazyRows` asks its reader (any object with
``len()``, ``read(start, stop)`` and ``gather(ids)`` returning float32 ``(k, features)`` rows,
e.g. :mod:`aekit.data.readers`) for just those rows, maps them into the model's space and moves
them to the device. So a batch costs the reading of its rows, and memory holds one batch.

Shuffling (:func:`epoch_order`):

* Rows that can be read in any order at the same cost (a memmap): an exact random permutation,
  the very one an in-memory tensor gets from the same generator, so a memmapped ``fit`` reaches
  the weights of an in-memory one.
* Rows stored in blocks read whole (Parquet row groups, ``reader.groups``): the row groups in a
  random order, cut into windows of ``reader.cache_groups`` groups, and the rows of each window
  in a random order - a shuffle buffer of ``cache_groups`` row groups. A batch then touches the
  few row groups the reader keeps in memory, and each group is read about once per epoch.

Both orders come from the training generator alone, so the same seed gives the same order, and
a run resumed from a checkpoint (which restores the generator) continues with the same orders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch


class LazyRows:
    """Rows ``ids`` of ``reader`` (all of them when None) as float32 tensors of ``shape`` per
    row on ``device``, after ``transform`` (e.g. standardization) of the float32 rows."""

    def __init__(
        self,
        reader: Any,
        shape: tuple[int, ...],
        device: torch.device | str = "cpu",
        transform: Callable[[np.ndarray], np.ndarray] | None = None,
        ids: np.ndarray | None = None,
    ):
        self.reader, self.shape, self.transform, self.ids = reader, tuple(shape), transform, ids
        self.device = torch.device(device)

    def __len__(self) -> int:
        return len(self.reader) if self.ids is None else len(self.ids)

    def to(self, device: torch.device | str) -> LazyRows:
        return LazyRows(self.reader, self.shape, device, self.transform, self.ids)

    def take(self, index: torch.Tensor) -> LazyRows:
        """The rows at positions ``index`` of this view, as a view (nothing is read)."""
        positions = index.cpu().numpy().astype(np.int64)
        ids = positions if self.ids is None else self.ids[positions]
        return LazyRows(self.reader, self.shape, self.device, self.transform, ids)

    def __getitem__(self, index: slice | torch.Tensor) -> torch.Tensor:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if self.ids is None and step == 1:
                rows = self.reader.read(start, stop)
            else:
                base = np.arange(start, stop, step) if self.ids is None else self.ids[index]
                rows = self.reader.gather(base)
        else:
            positions = torch.as_tensor(index).cpu().numpy().astype(np.int64)
            rows = self.reader.gather(positions if self.ids is None else self.ids[positions])
        if self.transform is not None:
            rows = self.transform(rows)
        batch = torch.from_numpy(np.ascontiguousarray(rows, dtype=np.float32))
        batch = batch.view(len(batch), *self.shape)
        return batch if self.device.type == "cpu" else batch.to(self.device, non_blocking=True)

    def base_ids(self) -> np.ndarray:
        return np.arange(len(self.reader)) if self.ids is None else self.ids

    @property
    def blocked(self) -> bool:
        """Whether rows are stored in blocks read whole (then reads in row order are cheaper)."""
        return getattr(self.reader, "groups", None) is not None


def is_lazy(X: Any) -> bool:
    return isinstance(X, LazyRows)


def subset(X: torch.Tensor | LazyRows, index: torch.Tensor) -> torch.Tensor | LazyRows:
    """``X[index]``: a tensor's rows, or a view of lazy rows (nothing read yet)."""
    return X.take(index) if isinstance(X, LazyRows) else X[index]


def split_order(X: torch.Tensor | LazyRows, index: torch.Tensor | None) -> torch.Tensor | None:
    """A split's row ids as the trainer should keep them: as drawn, except for rows stored in
    blocks, where sorted ids let validation read each block once (the order of a mean's terms
    does not matter; the epoch order is drawn separately)."""
    if index is None or not (isinstance(X, LazyRows) and X.blocked):
        return index
    return index.sort().values


def epoch_order(X: torch.Tensor | LazyRows, generator: torch.Generator) -> torch.Tensor:
    """The row order of one epoch (see the module docstring), on the generator's device."""
    order = torch.randperm(len(X), generator=generator, device=generator.device)
    if not (isinstance(X, LazyRows) and X.blocked):
        return order
    reader = X.reader
    group = np.searchsorted(reader.groups, X.base_ids(), side="right") - 1
    n_groups = len(reader.groups)
    group_rank = torch.randperm(n_groups, generator=generator, device=generator.device)
    window = group_rank.cpu().numpy()[group] // max(1, int(getattr(reader, "cache_groups", 1)))
    # Sort by window, and within a window by the random permutation: rows shuffled per window.
    positions = np.lexsort((order.cpu().numpy(), window))
    return torch.from_numpy(positions).to(generator.device)
