"""Training on several processes, GPUs or machines: PyTorch's DistributedDataParallel, launched
by ``torchrun``. The trainer sees a :class:`Group`; for one process every method is trivial.

* **Process group.** Joined from torchrun's environment (``RANK``, ``WORLD_SIZE``,
  ``MASTER_ADDR``...): NCCL for GPUs (each process on the GPU ``LOCAL_RANK``), gloo for CPUs, a
  collective timeout of ``AEKIT_DISTRIBUTED_TIMEOUT`` seconds (default 600). A group the
  caller initialized already is used as it is.
* **Same optimisation as one process.** ``batch_size`` is the global batch: every process draws
  the same permutation (same seed) and takes a contiguous part of each global batch
  (:meth:`Group.shards`), its noise drawn as one process would (:mod:`aekit.core.sharding`).
  DDP averages the processes' gradients, so each process scales its batch-mean loss by
  ``world_size * rows / batch_rows`` (:meth:`Group.scale`): the average is then the gradient of
  the global batch mean, uneven last batches included. A process left without a row in a tiny
  last batch computes one row with weight 0 (it must still join the all-reduce).
* **One decision for all.** Epoch sums and validation sums are all-reduced, then rank 0's copy
  broadcast, so early stopping and divergence checks read identical numbers on every process.
  Rank 0 writes checkpoints while the others wait at a barrier.
* **Faults.** A process that raises (or is interrupted) records ``rank r: message`` in the store
  (torchrun's, or rank 0's) before its error ends it; the others, whose collectives fail when its
  connections close (gloo at once, NCCL at the timeout unless torchrun stops them first), raise
  that message: one root cause (see :meth:`Group.failures`). A process that dies without
  raising (``kill -9``) leaves no message: the others raise :class:`ProcessLostError`. A
  process that catches the error (an interrupt too) and lives on leaves the others waiting
  until the collective timeout, or until it exits, after which they raise its message.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import datetime
import functools
import hashlib
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch
from torch import nn

from aekit.core.rendezvous import first_sentence, interruptible, not_joined
from aekit.core.sharding import Shard, holding

TIMEOUT_ENV = "AEKIT_DISTRIBUTED_TIMEOUT"
DEFAULT_TIMEOUT_S = 600.0
_READ_WAIT_S = 0.5  # how long a process whose collective failed looks for a peer's message
_trainings = 0  # Groups made by this process: every process makes them in the same order


class ProcessLostError(RuntimeError):
    """Another process of the training stopped without a message (killed, its machine lost, or
    stuck past the collective timeout)."""


def launched() -> bool:
    """Whether this process is one of several started by torchrun (``WORLD_SIZE > 1``)."""
    try:
        return int(os.environ.get("WORLD_SIZE", "1")) > 1
    except ValueError:
        return False


def wanted(distributed: bool | str) -> bool:
    """The estimator parameter as a decision: ``"auto"`` follows :func:`launched`; ``True``
    without a launcher is an error that says how to launch."""
    if distributed == "auto":
        return launched()
    if distributed and not (launched() or _initialized()):
        raise ValueError(
            "distributed=True, but this process was not started by torchrun (WORLD_SIZE is "
            "not above 1). Launch e.g. 'torchrun --nproc_per_node=2 script.py', or pass "
            "distributed='auto' to train in one process here."
        )
    return bool(distributed)


def rank() -> int:
    """This process's rank: the process group's once joined, torchrun's ``RANK`` before, and 0
    for a process on its own. Rank 0 writes what a training leaves (model, figures, RUN)."""
    if _initialized():
        return torch.distributed.get_rank()
    try:
        return int(os.environ.get("RANK", "0")) if launched() else 0
    except ValueError:
        return 0


def warns_on_rank_zero(fit: Callable) -> Callable:
    """A public ``fit``, said once under torchrun: every process fits alike, so rank 0 alone
    shows its warnings, as it alone shows the progress bar (the command line's rule, in
    :mod:`aekit.cli.running`). The others record theirs unshown: the filters stay as they are,
    so a warning made an error (``-W error``) raises on every process alike, not on rank 0
    alone while the others wait at a collective. An estimator with ``distributed=False``
    trains each process on its own, so each one speaks."""

    @functools.wraps(fit)
    def fit_said_once(self: object, *args: Any, **kwargs: Any) -> Any:
        if rank() == 0 or getattr(self, "distributed", "auto") is False:
            return fit(self, *args, **kwargs)
        with warnings.catch_warnings(record=True):
            return fit(self, *args, **kwargs)

    return fit_said_once


def _initialized() -> bool:
    return torch.distributed.is_available() and torch.distributed.is_initialized()


def local_device(device: torch.device) -> torch.device:
    """The device of this process: for CUDA, the GPU torchrun's ``LOCAL_RANK`` names (and the
    current one, so that ``"cuda"`` means it everywhere, generators included)."""
    if device.type != "cuda":
        return device
    index = int(os.environ.get("LOCAL_RANK", "0"))
    if index >= torch.cuda.device_count():
        raise ValueError(
            f"LOCAL_RANK={index} but this machine has {torch.cuda.device_count()} GPU(s); "
            "start at most one process per GPU (torchrun --nproc_per_node)."
        )
    torch.cuda.set_device(index)
    return torch.device("cuda", index)


MAX_TIMEOUT_S = 7 * 24 * 3600  # gloo counts milliseconds in a C int: 24 days at most


def timeout() -> datetime.timedelta:
    """The collective timeout: ``AEKIT_DISTRIBUTED_TIMEOUT`` seconds (default 600)."""
    raw = os.environ.get(TIMEOUT_ENV, str(DEFAULT_TIMEOUT_S))
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= MAX_TIMEOUT_S:  # inf and 1e30 overflowed timedelta or torch's int
        raise ValueError(
            f"{TIMEOUT_ENV}={raw!r} must be a number of seconds above 0 and at most "
            f"{MAX_TIMEOUT_S} (a week)."
        )
    return datetime.timedelta(seconds=seconds)


def join(device: torch.device) -> None:
    """Join torchrun's process group (once per process): NCCL on CUDA, gloo otherwise."""
    if _initialized():
        return
    if not torch.distributed.is_available():
        raise ValueError("this PyTorch was built without torch.distributed; use distributed=False.")
    backend = "nccl" if device.type == "cuda" else "gloo"
    wait = timeout()

    def init() -> None:
        if device.type == "cuda":  # the current GPU is per thread
            torch.cuda.set_device(device)
        torch.distributed.init_process_group(backend=backend, timeout=wait)

    try:
        interruptible(init)
    except ValueError as error:  # torch's message names the missing environment variable
        raise ValueError(
            f"cannot join the process group ({error}); start the script with torchrun."
        ) from error
    except torch.distributed.DistError as error:  # nobody there: rank 0 alone, or no rank 0
        raise ValueError(not_joined(error, wait, rank(), TIMEOUT_ENV)) from error
    atexit.register(_leave)


def _leave() -> None:
    if _initialized():
        torch.distributed.destroy_process_group()


def batch_shard(size: int, rank: int, world_size: int) -> tuple[int, int]:
    """Rank ``rank``'s rows ``[start, stop)`` of a global batch of ``size``: contiguous parts
    whose sizes differ by at most one."""
    return rank * size // world_size, (rank + 1) * size // world_size


class Group:
    """The processes that train one model (one process when ``enabled`` is False)."""

    def __init__(self, enabled: bool, device: torch.device) -> None:
        self.enabled = enabled
        self.device = device
        if enabled:
            join(device)
            self.rank = torch.distributed.get_rank()
            self.world_size = torch.distributed.get_world_size()
        else:
            self.rank, self.world_size = 0, 1
        global _trainings
        _trainings += 1
        # Where a failing process leaves its message: one key per training and per restart of
        # torchrun's workers, so that no later training reads an old message.
        restart = os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")
        self.error_key = f"aekit/error/{restart}/{_trainings}"

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def wrap(self, module: nn.Module) -> nn.Module:
        """``module`` under DDP (which also copies rank 0's weights to every process)."""
        if not self.enabled:
            return module
        from torch.nn.parallel import DistributedDataParallel

        ids = [self.device.index] if self.device.type == "cuda" else None
        # Every kind uses all its parameters in every step (M2 runs its classifier on a batch
        # without labels too), so DDP need not search the graph for unused ones. Buffers are
        # copied from rank 0 once, here; only a batch norm's running statistics change in
        # training, so only a module holding one pays a broadcast before every forward.
        norms = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm)
        norms += (nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d)
        running = any(isinstance(m, norms) and m.track_running_stats for m in module.modules())
        return DistributedDataParallel(module, device_ids=ids, broadcast_buffers=running)

    def shards(self, batches: Iterable[tuple[Any, int]]) -> Iterator[tuple[Any, int, int]]:
        """For each global batch ``(index, size)`` (a slice or an index tensor of ``size``
        rows), this process's part ``(its index, its rows, size)``, with the noise drawn while
        the loop body runs being that of the global batch. A process left without a row (a
        last batch smaller than the group) gets one row to compute with weight (rows) 0."""
        for index, size in batches:
            if not self.enabled:
                yield index, size, size
                continue
            start, stop = batch_shard(size, self.rank, self.world_size)
            rows = stop - start
            if rows == 0:
                start, stop = 0, 1
            if isinstance(index, slice):
                local = slice(index.start + start, index.start + stop)
            else:
                local = index[start:stop]
            with holding(Shard(start, stop, size)):
                yield local, rows, size

    def scale(self, loss: torch.Tensor, rows: int, size: int) -> torch.Tensor:
        """The loss whose DDP-averaged gradient is that of the global batch mean."""
        if not self.enabled:
            return loss
        return loss * (self.world_size * rows / size)

    def sum(self, values: torch.Tensor) -> torch.Tensor:
        """The sum over processes, identical on every process (rank 0's result broadcast)."""
        if not self.enabled:
            return values
        values = values.clone()
        torch.distributed.all_reduce(values)
        return self.from_main(values)

    def from_main(self, values: torch.Tensor) -> torch.Tensor:
        """Rank 0's ``values`` on every process (``values`` itself for one process)."""
        if not self.enabled:
            return values
        values = values.clone()
        torch.distributed.broadcast(values, 0)
        return values

    def agree(self, generator: torch.Generator) -> None:
        """Give every process rank 0's generator state (a no-op when they agree already; see
        :mod:`aekit.core.sharding` for draws that are not per row)."""
        if not self.enabled:
            return
        state = generator.get_state()
        shared = state.to(self.device) if self.device.type == "cuda" else state.clone()
        torch.distributed.broadcast(shared, 0)
        generator.set_state(shared.cpu())

    def same_everywhere(self, value: int, what: str) -> None:
        """A ``ValueError`` naming ``what`` unless every process holds the same ``value``."""
        if not self.enabled:
            return
        local = torch.tensor([value, -value], dtype=torch.float64, device=self.device)
        extremes = local.clone()
        torch.distributed.all_reduce(extremes, op=torch.distributed.ReduceOp.MAX)
        if extremes[0] != -extremes[1]:
            raise ValueError(
                f"{what} differs between processes (from {-extremes[1]:g} to {extremes[0]:g} "
                f"across {self.world_size}; this is rank {self.rank} with {value}). Every "
                "process must see the same files: on several machines, a shared folder."
            )

    def same_run(self, parts: dict[str, str]) -> None:
        """A ``ValueError`` naming the parts of the run (``{name: digest}``: the data, the
        network, the settings) that differ between processes. Checked before DDP wraps the
        network: processes that read other files, or were given other options, trained a mix
        of both and exited 0, or failed in DDP's or gloo's own words (a traceback, "gloo::
        EnforceNotMet ... Received data size doesn't match expected size")."""
        if not self.enabled:
            return
        # 52 bits of each digest, exact in float64; each as (v, -v) so one MAX gives both ends
        values = [
            float(int(hashlib.sha256(d.encode()).hexdigest()[:13], 16)) for d in parts.values()
        ]
        local = torch.tensor([*values, *(-v for v in values)], dtype=torch.float64)
        extremes = local.to(self.device)
        torch.distributed.all_reduce(extremes, op=torch.distributed.ReduceOp.MAX)
        extremes = extremes.cpu()
        n = len(values)
        differ = [name for i, name in enumerate(parts) if extremes[i] != -extremes[n + i]]
        if differ:
            raise ValueError(
                f"the processes of this training differ in {' and '.join(differ)} (this is rank "
                f"{self.rank} of {self.world_size}): every process must run the same command on "
                "the same data (on several machines: the same files, from a shared folder or "
                "copied alike), and a fit that draws rows at random (an AnomalyDetector's "
                "subsample) needs an int random_state."
            )

    def on_main(self, action: Callable[[], None]) -> None:
        """``action`` on rank 0 only; the others wait for it at a barrier."""
        if self.is_main:
            action()
        if self.enabled:
            torch.distributed.barrier()

    @contextlib.contextmanager
    def failures(self) -> Iterator[None]:
        """Every process of the group stops with the first error raised in any of them."""
        if not self.enabled:
            yield
            return
        try:
            yield
        except Exception as error:
            store = _store()
            wait = _READ_WAIT_S if _is_collective(error) else 0.0
            peer = _read(store, self.error_key, wait)
            if peer is not None and not peer.startswith(f"{self.rank}\n"):
                raise _rebuilt(peer, self.world_size) from error
            if _is_collective(error):
                raise ProcessLostError(
                    "another process of this training stopped without a message (killed, its "
                    f"machine lost, or stuck past {TIMEOUT_ENV}); rank {self.rank} of "
                    f"{self.world_size} stops too. "
                    f"{first_sentence(error)}"
                ) from error
            _record(store, self.error_key, self.rank, error)  # exiting closes the connections
            raise
        except BaseException:  # Ctrl-C, a signal: the others say so, not "killed, ..."
            stopped = RuntimeError("its training was interrupted (Ctrl-C or a signal)")
            _record(_store(), self.error_key, self.rank, stopped)
            raise


def _store() -> torch.distributed.Store | None:
    try:
        return torch.distributed.distributed_c10d._get_default_store()
    except Exception:  # a PyTorch without it: no messages between processes, still no hang
        return None


def _is_collective(error: BaseException) -> bool:
    """An error of the communication itself (a peer gone, a timeout), not of the computation."""
    if isinstance(error, torch.distributed.DistError):
        return True
    text = str(error)
    return isinstance(error, RuntimeError) and any(
        mark in text for mark in ("Gloo", "gloo", "NCCL", "Connection closed", "Timed out")
    )


def _record(
    store: torch.distributed.Store | None, key: str, rank: int, error: BaseException
) -> None:
    if store is None:
        return
    message = f"{rank}\n{type(error).__name__}\n{error}"
    with contextlib.suppress(Exception):
        store.compare_set(key, "", message)  # the first failure is the root cause


def _read(store: torch.distributed.Store | None, key: str, wait: float) -> str | None:
    if store is None:
        return None
    deadline = time.monotonic() + wait
    while True:
        try:
            if store.check([key]):
                return store.get(key).decode()
        except Exception:  # the store went with a killed rank 0
            return None
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def _rebuilt(record: str, world_size: int) -> Exception:
    """The error another process recorded, as an error of the same built-in type here."""
    rank, name, message = record.split("\n", 2)
    text = f"{message} (raised by rank {rank} of {world_size})"
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        with contextlib.suppress(Exception):
            return kind(text)
    return RuntimeError(f"{name}: {text}")
