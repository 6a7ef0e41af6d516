"""Dynamic batching: small concurrent requests to one endpoint merged into one call of the API.

A call of ``transform`` or ``score_samples`` has a fixed cost (input checks, the scaling, the
check that the network's kept float64 copy is still its own) that dominates for a row or two;
under load, the requests that queue while the inference threads are busy are computed together,
each getting its own rows back. At low load a request runs alone at once: nothing waits for a
batch to fill. aekit computes every row independently of the others in its call (the float64
copy of the network; a VAE's draws are shared by all rows), so a merged request gets the
numbers it would get alone.

Only numeric arrays (JSON rows, ``.npy``) to ``encode``, ``reconstruct`` and ``score`` of a model
without labels are merged, each batch holding rows of one shape; a batch the API refuses (one
request's NaN, say) is computed again request by request, so each gets its own answer or error.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np

from aekit.serve.bodies import Rows

BATCHED = ("encode", "reconstruct", "score")


class Batcher:
    """Queues requests and computes them in batches of at most ``max_rows`` rows.

    Parameters
    ----------
    served : Served
        The model's endpoints.
    run : async callable
        ``await run(fn)`` computes ``fn()`` in the inference pool (with the timeout).
    workers : int
        Batches computed at once (the inference threads).
    max_rows : int
        Rows per batch, at most.
    """

    def __init__(
        self,
        served: Any,
        run: Callable[[Callable[[], Any]], Awaitable[Any]],
        workers: int,
        max_rows: int,
    ) -> None:
        self.served, self.run = served, run
        self.workers, self.max_rows = workers, max_rows
        self._loop: asyncio.AbstractEventLoop | None = None

    def accepts(self, name: str, rows: Rows) -> bool:
        X = rows.X
        return (
            name in BATCHED
            and getattr(self.served, "classes", None) is None
            and not getattr(self.served, "detector", False)
            and rows.labels is None
            and isinstance(X, np.ndarray)
            and X.dtype.kind in "fiub"
            and X.ndim in (2, 4)
            and len(X) < self.max_rows
        )

    def _start(self) -> None:
        """Queue and worker tasks on the running loop (a new loop gets new ones)."""
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        self._loop, self._items, self._wakeup = loop, [], asyncio.Event()
        self._tasks = [loop.create_task(self._work()) for _ in range(self.workers)]

    async def submit(self, name: str, rows: Rows) -> tuple[np.ndarray, dict[str, Any]]:
        """The endpoint's ``(array, document)`` for ``rows``, computed with what else queues."""
        self._start()
        future = self._loop.create_future()
        self._items.append((name, rows.X, future))
        self._wakeup.set()
        array = await future
        return array, self.served.document(name, array)

    def _take(self) -> list:
        """The oldest request and every queued one of the same endpoint and row shape that
        fits within ``max_rows``."""
        name, X, _ = first = self._items.pop(0)
        batch, size, kept = [first], len(X), []
        for item in self._items:
            if item[0] == name and item[1].shape[1:] == X.shape[1:]:
                if size + len(item[1]) <= self.max_rows:
                    batch.append(item)
                    size += len(item[1])
                    continue
            kept.append(item)
        self._items[:] = kept
        return batch

    async def _work(self) -> None:
        while True:
            while not self._items:
                self._wakeup.clear()
                await self._wakeup.wait()
            batch = self._take()
            name = batch[0][0]
            compute = functools.partial(self.served.compute, name)
            try:
                stacked = np.concatenate([X for _, X, _ in batch])
                arrays = await self.run(functools.partial(compute, Rows(stacked)))
            except (ValueError, TypeError):  # someone's bad rows: each request on its own
                for _, X, future in batch:
                    await self._settle(future, functools.partial(compute, Rows(X)))
                continue
            except Exception as err:  # the timeout, or a failure: every request gets it
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(err)
                continue
            bounds = np.cumsum([0] + [len(X) for _, X, _ in batch])
            for (_, _, future), a, b in zip(batch, bounds[:-1], bounds[1:]):
                if not future.done():
                    future.set_result(arrays[a:b])

    async def _settle(self, future: asyncio.Future, fn: Callable[[], Any]) -> None:
        try:
            result = await self.run(fn)
        except Exception as err:
            if not future.done():
                future.set_exception(err)
            return
        if not future.done():
            future.set_result(result)
