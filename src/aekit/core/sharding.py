"""Random draws that do not depend on how a batch is split between processes.

Under distributed training each process computes a contiguous part (its *shard*, rows
``[start, stop)``) of every global batch of ``total`` rows. A layer that draws noise for its rows
(a VAE's eps, a denoiser's corruption, ...) calls :func:`randn`, :func:`rand` or
:func:`bernoulli` here instead of torch's: while a shard is held (:func:`holding`, set by the
trainer around each step), they draw the noise of the *whole* global batch from the generator
and keep the shard's rows. So every process

* gives each row the very noise one process would have given it, and
* advances its generator exactly as one process does, keeping all generators in step.

Outside :func:`holding` (one process, inference) they are torch's own draws, unchanged. A draw
whose row axis does not have the shard's length (the noise is not per row of the batch) is left
to torch as well; the trainer re-synchronises the generators each epoch for that case.

The shard is one process-wide value (not a context variable): ``torch.compile`` reads a module
global with a guard, where a context variable would break the graph.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Shard:
    """Rows ``[start, stop)`` of a global batch of ``total`` rows."""

    start: int
    stop: int
    total: int

    @property
    def rows(self) -> int:
        return self.stop - self.start


_held: Shard | None = None


@contextlib.contextmanager
def holding(shard: Shard | None) -> Iterator[None]:
    """Draws inside the block are the global batch's, narrowed to ``shard`` (None: no effect)."""
    global _held
    previous, _held = _held, shard
    try:
        yield
    finally:
        _held = previous


def _draw(
    make: Callable[..., torch.Tensor], shape: Sequence[int], row_dim: int, **kwargs: object
) -> torch.Tensor:
    shape = tuple(shape)
    shard = _held
    if shard is None or shard.rows == shard.total or shape[row_dim] != shard.rows:
        return make(shape, **kwargs)
    full = (*shape[:row_dim], shard.total, *shape[row_dim + 1 :])
    return make(full, **kwargs).narrow(row_dim, shard.start, shard.rows)


def randn(
    shape: Sequence[int],
    *,
    generator: torch.Generator | None,
    device: torch.device | None = None,
    dtype: torch.dtype | None = None,
    row_dim: int = 0,
) -> torch.Tensor:
    """``torch.randn(shape, ...)``, the global batch's draw under a shard (axis ``row_dim``)."""
    return _draw(torch.randn, shape, row_dim, generator=generator, device=device, dtype=dtype)


def rand(
    shape: Sequence[int],
    *,
    generator: torch.Generator | None,
    device: torch.device | None = None,
    dtype: torch.dtype | None = None,
    row_dim: int = 0,
) -> torch.Tensor:
    """``torch.rand(shape, ...)``, the global batch's draw under a shard (axis ``row_dim``)."""
    return _draw(torch.rand, shape, row_dim, generator=generator, device=device, dtype=dtype)


def bernoulli(p: torch.Tensor, *, generator: torch.Generator | None) -> torch.Tensor:
    """``torch.bernoulli(p)`` (rows on axis 0). Under a shard, ``p`` is placed at the shard's
    rows of a global tensor of zeros: torch draws one uniform per entry in order, whatever the
    probabilities, so the shard's entries get the global draw's values."""
    shard = _held
    if shard is None or shard.rows == shard.total or len(p) != shard.rows:
        return torch.bernoulli(p, generator=generator)
    full = p.new_zeros((shard.total, *p.shape[1:]))
    full[shard.start : shard.stop] = p
    return torch.bernoulli(full, generator=generator)[shard.start : shard.stop]
