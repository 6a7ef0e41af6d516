"""Layer 4: one training loop for any module whose ``forward(x, y, generator, epoch)`` returns a
dict with a ``"loss"`` entry (and any other named terms to record); ``epoch`` counts from 0 and
drives the module's weight schedules (e.g. the KL warm-up), in training and validation alike.

* Batches are slices of one shuffled index tensor over in-memory tensors: no per-sample Python.
  X may instead be :class:`aekit.core.rows.LazyRows` (rows on disk): a batch then reads just
  its rows, and the epoch's order comes from :func:`aekit.core.rows.epoch_order`.
* All randomness (split, shuffling, the module's noise) comes from one ``torch.Generator``.
* Terms are summed on the device and read once per epoch, so the hot loop never synchronises.
* The learning rate follows a torch scheduler, stepped once per epoch.
* ``precision="bf16"``: forward passes under bfloat16 autocast (weights, gradients and Adam stay
  float32). ``compile=True``: the training forward through ``torch.compile`` (with CUDA graphs,
  ``mode="reduce-overhead"``, on a GPU), falling back to eager with a warning where it fails.
* ``checkpoint_path``: after every epoch the whole state (weights, optimizer, learning-rate
  scheduler, generator, history, early-stopping state) is written atomically; the next call
  resumes from it and reaches the same weights an uninterrupted run would.
* ``distributed=True``: one process of several started by torchrun, under DDP; each takes its
  part of every global batch and all follow the one-process optimisation (see
  :mod:`aekit.core.distributed`). The state is the same on every process, so a checkpoint
  resumes on any number of them; rank 0 writes it and runs the callbacks.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from aekit.core import checkpoint, rows
from aekit.core.config import TrainConfig
from aekit.core.distributed import Group
from aekit.core.divergence import TrainingDivergedError, finite_or_raise
from aekit.core.interruption import TrainingInterrupted, interruptible
from aekit.core.optimizers import adam, learning_rate_scheduler
from aekit.core.same_run import run_parts
from aekit.core.sharding import holding
from aekit.core.training_forward import TrainingForward, autocast
from aekit.core.validation_split import random_split, stratified_split

# the public names; TrainingDivergedError lives in aekit.core.divergence, importable here too
__all__ = ["TrainConfig", "TrainResult", "TrainingDivergedError", "TrainingInterrupted", "train"]


@dataclass
class EpochReport:
    """What a callback sees after each epoch (``epoch`` counts completed epochs, from 1)."""

    epoch: int
    max_iter: int
    train: dict[str, float]
    validation: dict[str, float] | None
    seconds: float


@dataclass
class TrainResult:
    n_iter: int
    history: dict[str, list[float]] = field(default_factory=dict)
    best_loss: float = float("inf")
    best_tie: float = float("inf")  # the best epoch's tie_break term
    # the epoch (from 1) whose weights are kept as the best on validation; None without one
    best_epoch: int | None = None
    stopped_early: bool = False
    resumed_from: int | None = None  # the checkpoint's epoch when the fit resumed one


WITHIN_EPOCH_SECONDS = 0.25  # how often ``within_epoch`` hears of an epoch's progress


def _batches(
    n: int, batch_size: int, order: torch.Tensor | None = None
) -> Iterator[tuple[slice | torch.Tensor, int]]:
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        yield (slice(start, stop) if order is None else order[start:stop]), stop - start


def _select(t: torch.Tensor | None, index: slice | torch.Tensor) -> torch.Tensor | None:
    return None if t is None else t[index]


def _rows_of(
    X: torch.Tensor | rows.LazyRows, y: torch.Tensor | None, index: torch.Tensor
) -> tuple[torch.Tensor | rows.LazyRows, torch.Tensor | None]:
    """Rows ``index`` of X (a view of lazy rows: nothing read yet) and of y."""
    return rows.subset(X, index), _select(y, index)


@torch.no_grad()
def evaluate(
    module: nn.Module,
    X: torch.Tensor | rows.LazyRows,
    y: torch.Tensor | None,
    generator: torch.Generator,
    batch_size: int,
    epoch: int = 0,
    group: Group | None = None,
) -> dict[str, torch.Tensor]:
    """Mean of each term over all rows, in eval mode (no corruption, no dropout), with the
    weights of epoch ``epoch``; under a distributed ``group`` each process evaluates its part
    of every batch and the means are the whole's."""
    group = group or Group(False, X.device)
    module.eval()
    totals: dict[str, torch.Tensor] = {}
    for index, held, _ in group.shards(_batches(len(X), batch_size)):
        for name, value in module(X[index], _select(y, index), generator, epoch=epoch).items():
            totals[name] = totals.get(name, 0.0) + value.detach().float() * held
    summed = group.sum(torch.stack(list(totals.values())))
    return {name: total / len(X) for name, total in zip(totals, summed, strict=True)}


def _split(
    n: int, config: TrainConfig, generator: torch.Generator, y: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor] | tuple[None, None]:
    """Training and validation row indices (validation only with early stopping); with
    ``config.stratify``, class by class of the class codes ``y``."""
    if not config.early_stopping:
        return None, None
    n_val = int(round(config.validation_fraction * n))
    classes_spare_none = False
    if config.stratify and y is not None and 0 < n_val < n:
        train_rows, validation_rows = stratified_split(y, n_val, generator)
        if len(validation_rows):
            return train_rows, validation_rows
        n_val, classes_spare_none = 0, True  # every class has one row: none to spare
    if not 0 < n_val < n:
        raise ValueError(
            f"validation_fraction={config.validation_fraction} leaves {n_val} of {n} rows for "
            "validation; early stopping needs at least one row on each side"
            f"{' (and each class a training row)' if classes_spare_none else ''}. Use more "
            "data, another validation_fraction, or early_stopping=False."
        )
    return random_split(n, n_val, generator)


def train(
    module: nn.Module,
    X: torch.Tensor | rows.LazyRows,
    y: torch.Tensor | None = None,
    *,
    config: TrainConfig,
    generator: torch.Generator,
    callbacks: Sequence[Callable[[EpochReport], None]] = (),
    within_epoch: Callable[[float], None] | None = None,
) -> TrainResult:
    """Fit ``module`` on ``(X, y)`` with Adam; returns the history. See the module docstring.

    ``callbacks`` get an :class:`EpochReport` after each epoch; ``within_epoch``, if given, gets
    the epochs done so far as a float (3.25: a quarter into the fourth) during each epoch, at
    most every :data:`WITHIN_EPOCH_SECONDS` (a progress bar that moves before the first epoch
    ends: one epoch of a convolutional model on MNIST takes a minute on a CPU).
    """
    group = Group(config.distributed, X.device)
    with group.failures(), holding(None):  # one error for all processes; no shard left held
        if group.enabled:  # before DDP, whose own check fails with a traceback
            group.same_run(run_parts(module, X, y, config))
        return _train(module, X, y, config, generator, callbacks, within_epoch, group)


def _train(
    module: nn.Module,
    X: torch.Tensor | rows.LazyRows,
    y: torch.Tensor | None,
    config: TrainConfig,
    generator: torch.Generator,
    callbacks: Sequence[Callable[[EpochReport], None]],
    within_epoch: Callable[[float], None] | None,
    group: Group,
) -> TrainResult:
    train_idx, val_idx = (rows.split_order(X, i) for i in _split(len(X), config, generator, y))
    X_train, y_train = (X, y) if train_idx is None else _rows_of(X, y, train_idx)
    X_val, y_val = (None, None) if val_idx is None else _rows_of(X, y, val_idx)
    optimizer = adam(module, config)
    scheduler = learning_rate_scheduler(optimizer, config)
    result = TrainResult(n_iter=0)
    no_improve, best_state = 0, None
    cast = autocast(config.precision, X.device)
    forward = TrainingForward(group.wrap(module), X.device, config.compile, cast)
    if config.checkpoint_path is not None and config.checkpoint_path.exists():
        result, no_improve, best_state = _resume(config, module, optimizer, scheduler, generator)
    group.same_everywhere(result.n_iter, f"the epoch resumed from {config.checkpoint_path}")
    if not group.is_main:
        within_epoch = None  # one bar for all processes

    def end_of_training() -> None:  # reads best_state when called: the loop's latest
        if best_state is not None:
            module.load_state_dict(best_state)  # the weights that scored best on validation
        module.eval()

    # A KeyboardInterrupt keeps the epochs completed (see aekit.core.interruption), and ends
    # them as the loop's end does: the best weights on validation (which best_loss and the
    # history describe), else those it found, in eval mode.
    with interruptible(result, config.max_iter, then=end_of_training):
        while result.n_iter < config.max_iter and not result.stopped_early:
            started = time.perf_counter()
            epoch = result.n_iter
            schedule_epoch = epoch + config.epochs_before  # where the weight schedules stand
            module.train()
            if config.epoch_order is None:
                order = rows.epoch_order(X_train, generator)  # torch.randperm for a tensor
            else:
                order = config.epoch_order(y_train, generator)
            progress = None
            if within_epoch is not None:
                progress = _EpochProgress(within_epoch, epoch, -(-len(order) // config.batch_size))
            train_means = _one_epoch(
                forward,
                optimizer,
                X_train,
                y_train,
                order,
                generator,
                schedule_epoch,
                batch_size=config.batch_size,
                group=group,
                progress=progress,
            )
            scheduler.step()  # the next epoch's learning rate
            finite_or_raise(train_means, epoch + 1, config, X)
            val_means = None
            if X_val is not None:
                with cast:
                    val_terms = evaluate(
                        module,
                        X_val,
                        y_val,
                        generator,
                        4 * config.batch_size,
                        schedule_epoch,
                        group,
                    )
                val_means = {name: float(value) for name, value in val_terms.items()}
                finite_or_raise(val_means, epoch + 1, config, X)

            no_improve, new_best = record_epoch(
                result, train_means, val_means, epoch, config, no_improve
            )
            if new_best and val_means:
                best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}

            if config.after_epoch is not None:
                config.after_epoch(
                    module, X_train, result.n_iter, generator, optimizer, group.from_main
                )
            group.agree(
                generator
            )  # the next permutation is the same everywhere, whatever was drawn
            if config.checkpoint_path is not None:
                save = (
                    config,
                    module,
                    optimizer,
                    scheduler,
                    generator,
                    result,
                    no_improve,
                    best_state,
                )
                group.on_main(functools.partial(checkpoint.save, *save))
            report = EpochReport(
                result.n_iter,
                config.max_iter,
                train_means,
                val_means,
                time.perf_counter() - started,
            )
            for callback in callbacks if group.is_main else ():
                callback(report)

    end_of_training()
    return result


def _one_epoch(
    forward: TrainingForward,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor | rows.LazyRows,
    y: torch.Tensor | None,
    order: torch.Tensor,
    generator: torch.Generator,
    schedule_epoch: int,
    *,
    batch_size: int,
    group: Group,
    progress: _EpochProgress | None,
) -> dict[str, float]:
    """One pass of Adam steps over the rows of X in ``order``, a batch at a time; returns each
    term's mean over the epoch's rows (of every process, under DDP)."""
    sums: torch.Tensor | None = None  # one stacked tensor: fewer tiny ops per step
    batches = _batches(len(order), batch_size, order)
    # index: this process's rows of the global batch (all of it for one process)
    for done, (index, held, size) in enumerate(group.shards(batches), 1):
        terms = forward(X[index], _select(y, index), generator, schedule_epoch)
        # Read before the backward pass: a captured graph's outputs live in memory that its
        # next replay reuses. float(): under autocast some terms come out in bfloat16.
        values = torch.stack([value.detach().float() for value in terms.values()])
        # One kernel a step, not two (a small network on a GPU is bound by launches).
        sums = values * held if sums is None else sums.add_(values, alpha=held)
        optimizer.zero_grad(set_to_none=True)
        group.scale(terms["loss"], held, size).backward()
        optimizer.step()
        if progress is not None:
            progress.batch_done(done)
    assert sums is not None  # terms is set: a batch ran
    return dict(zip(terms, (group.sum(sums) / len(order)).tolist()))


class _EpochProgress:
    """Tells ``within_epoch`` the epochs done so far (3.25: a quarter into the fourth), at most
    every :data:`WITHIN_EPOCH_SECONDS`."""

    def __init__(self, within_epoch: Callable[[float], None], epoch: int, n_batches: int):
        self.within_epoch, self.epoch, self.n_batches = within_epoch, epoch, n_batches
        self.next_report = time.perf_counter()

    def batch_done(self, done: int) -> None:
        if time.perf_counter() >= self.next_report:
            self.within_epoch(self.epoch + done / self.n_batches)
            self.next_report = time.perf_counter() + WITHIN_EPOCH_SECONDS


def record_epoch(
    result: TrainResult,
    train_means: dict[str, float],
    val_means: dict[str, float] | None,
    epoch: int,
    config: TrainConfig,
    no_improve: int,
) -> tuple[int, bool]:
    """Epoch ``epoch``'s means into ``result`` (history, ``n_iter``, best loss, whether it stops
    now); returns the epochs without improvement so far and whether this epoch is the new best
    (whose weights to keep when validating). Shared with :mod:`aekit.core.stacked`.

    Early stopping as in scikit-learn's MLP: stop after n_iter_no_change epochs without
    improving the best loss by tol (validation loss if early_stopping, else training loss;
    config.monitor names the term, "loss" by default).
    """
    for name, value in train_means.items():
        result.history.setdefault(name, []).append(value)
    for name, value in (val_means or {}).items():
        result.history.setdefault(f"val_{name}", []).append(value)
    result.n_iter = epoch + 1
    watched = val_means if val_means else train_means
    if config.monitor not in watched:
        raise ValueError(
            f"early stopping watches {config.monitor!r}, which the module does not output "
            f"(it outputs {sorted(watched)}); monitor one of those."
        )
    current = watched[config.monitor]
    tie = watched.get(config.tie_break, 0.0) if config.tie_break else 0.0
    in_warmup = epoch + config.epochs_before < config.patience_start
    no_improve = 0 if in_warmup or current < result.best_loss - config.tol else no_improve + 1
    # Among epochs tied on the monitored term, the lower tie-break term wins. An error rate on
    # ten validation rows ties on most epochs, and keeping the first of them kept an early,
    # under-trained network (digits, 100 labels: test accuracy 0.68 against 0.85 stopping on
    # the loss). Ties do not reset the patience: only the monitored term does.
    tied_but_better = current == result.best_loss and tie < result.best_tie
    new_best = in_warmup or current < result.best_loss or tied_but_better
    if new_best:
        result.best_loss, result.best_tie = current, tie
        if val_means:  # the callers keep this epoch's weights
            result.best_epoch = epoch + 1
    result.stopped_early = no_improve >= config.n_iter_no_change
    return no_improve, new_best


def _resume(
    config: TrainConfig,
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LambdaLR,
    generator: torch.Generator,
) -> tuple[TrainResult, int, dict[str, torch.Tensor] | None]:
    """The state of the checkpointed run (see :mod:`aekit.core.checkpoint`), as the loop's."""
    header, best_state = checkpoint.restore(config, module, optimizer, scheduler, generator)
    if header["n_iter"] > config.max_iter:  # its weights trained longer than this fit asks
        raise ValueError(
            f"the checkpoint in {config.checkpoint_path.parent} is at epoch {header['n_iter']}, "
            f"beyond max_iter={config.max_iter}: pass max_iter >= {header['n_iter']} to go on "
            "with it, or another checkpoint_dir (or remove this one) to train afresh."
        )
    result = TrainResult(
        n_iter=header["n_iter"],
        history=header["history"],
        best_loss=header["best_loss"],
        best_tie=header.get("best_tie", float("inf")),  # absent before ties were broken
        best_epoch=header.get("best_epoch"),  # absent before interrupts said it
        stopped_early=header["stopped_early"],
        resumed_from=header["n_iter"],
    )
    return result, header["no_improve"], best_state
