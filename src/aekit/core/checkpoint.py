"""Checkpoints of the training loop (:mod:`aekit.core.train`): after every epoch the whole
state - weights, optimizer, learning-rate scheduler, generator, history and early-stopping
state - in one file (JSON header + safetensors), written atomically, and read back so that a
resumed run reaches the weights an uninterrupted one would."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aekit.io.files import FileFormat, check_finite, read_file, write_file
from aekit.warning_lines import with_article

if TYPE_CHECKING:
    import torch
    from torch import nn

    from aekit.core.config import TrainConfig

CHECKPOINT = FileFormat("aekit-checkpoint", None, "checkpoint")
# The entries holding the network's weights: the last epoch's and the best so far.
_NETWORKS = ("model", "best_model")


class Progress(Protocol):
    """What a checkpoint keeps of the loop's :class:`aekit.core.train.TrainResult` (a protocol:
    the trainer imports this module)."""

    n_iter: int
    history: dict[str, list[float]]
    best_loss: float
    best_tie: float
    best_epoch: int | None
    stopped_early: bool


def save(
    config: TrainConfig,
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LambdaLR,
    generator: torch.Generator,
    result: Progress,
    no_improve: int,
    best_state: dict[str, torch.Tensor] | None,
) -> None:
    """Write the whole state after an epoch (``result``: the loop's history and early-stopping
    state), atomically, to ``config.checkpoint_path``."""
    state = {
        "model": module.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "generator": generator.get_state(),
        "best_model": best_state,
    }
    header = {
        "fingerprint": config.fingerprint,
        "identity": config.identity,
        "n_iter": result.n_iter,
        "history": result.history,
        "best_loss": result.best_loss,
        "best_tie": result.best_tie,
        "best_epoch": result.best_epoch,
        "stopped_early": result.stopped_early,
        "no_improve": no_improve,
    }
    write_file(_path(config), CHECKPOINT, header, state)


def _path(config: TrainConfig) -> Path:
    """Where the checkpoint of ``config``'s run is (the trainer checkpoints only where it has
    a ``checkpoint_path``)."""
    if config.checkpoint_path is None:
        raise ValueError("this training keeps no checkpoint: its config has no checkpoint_path.")
    return config.checkpoint_path


def read(path: str | os.PathLike) -> tuple[dict, Any]:
    """The header and state of the checkpoint at ``path``; a damaged one is a ValueError that
    says how to train afresh. Weights that are NaN or infinite are refused too: resumed, the
    training would 'diverge' at once, and the advice for a diverging run (a smaller learning
    rate) is not the cure for a damaged file."""
    try:
        header, state = read_file(path, CHECKPOINT)
    except ValueError as err:  # truncated or corrupt: it cannot be resumed, only replaced
        raise ValueError(f"{str(err).rstrip('.')}; {afresh(path)}.") from None
    check_finite(path, state, _NETWORKS, afresh(path))
    return header, state


def afresh(path: str | os.PathLike) -> str:
    """How to train afresh instead of resuming the checkpoint at ``path``."""
    return f"remove {path} to train afresh, or use another checkpoint_dir"


def _differences(header: dict, config: TrainConfig) -> str:
    """What differs between the run that wrote a checkpoint and this one: the parameters by
    name (its value, then this run's), the data; checkpoints of before the record say less."""
    theirs, ours = header.get("identity") or {}, config.identity
    if not theirs or not ours:
        return "different parameters or data"
    before, now = theirs.get("params", {}), ours.get("params", {})
    only = sorted(set(before) ^ set(now))  # parameters of one kind of model alone
    changed = []
    kinds = theirs.get("kind"), ours.get("kind")
    if kinds[0] and kinds[1] and kinds[0] != kinds[1]:
        a_kind = [with_article(k) for k in kinds]
        changed.append(f"it holds {a_kind[0]}, this is {a_kind[1]}")
        only = []  # their own parameters: said by the kinds
    if only:
        shown = ", ".join(only[:4]) + (", ..." if len(only) > 4 else "")
        if kinds[0] and kinds[0] == kinds[1]:  # one kind: its parameters changed with aekit
            changed.append(f"written by another version of aekit (parameters since added or "
                           f"removed: {shown})")  # fmt: skip
        else:
            changed.append(f"another kind of model, with parameters the other lacks: {shown}")
    changed += [
        f"{name} {before[name]!r}, now {now[name]!r}"
        for name in sorted(set(before) & set(now))
        if before[name] != now[name]
    ]
    if theirs.get("data") != ours.get("data"):
        changed.append("other training data")
    return "; ".join(changed[:6]) or "different parameters or data"


def _going_on(header: dict, config: TrainConfig) -> str:
    """How to go on with the checkpoint's run instead, where parameters alone differ (a seed,
    a batch size): the values it was trained with."""
    theirs, ours = header.get("identity") or {}, config.identity
    if not theirs or not ours or theirs.get("data") != ours.get("data"):
        return ""
    before, now = theirs.get("params", {}), ours.get("params", {})
    if theirs.get("kind") != ours.get("kind") or set(before) != set(now):
        return ""
    changed = [name for name in sorted(before) if before[name] != now[name]]
    if not changed or any(isinstance(before[name], list | dict) for name in changed):
        return ""  # a network's widths: rebuilt by hand, not told in one line
    settings = ", ".join(f"{name}={before[name]!r}" for name in changed)
    return f"; or, to go on with it, set {settings} as it was"


def restore(
    config: TrainConfig,
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LambdaLR,
    generator: torch.Generator,
) -> tuple[dict, dict[str, torch.Tensor] | None]:
    """Load the checkpoint of this run into the module, optimizer, scheduler and generator;
    return its header (history, early-stopping state) and the best weights so far."""
    path = _path(config)
    header, state = read(path)
    if header.get("fingerprint") not in (config.fingerprint, *config.earlier_fingerprints):
        raise ValueError(
            f"{path} belongs to another run ({_differences(header, config)}); {afresh(path)}"
            f"{_going_on(header, config)}."
        )
    try:
        module.load_state_dict(state["model"])
    except RuntimeError as err:  # same parameters, another layout: an older aekit's network
        shapes = str(err).strip().splitlines()[-1].strip().rstrip(".")
        raise ValueError(
            f"{path} holds a network of another layout than this version of aekit builds "
            f"({shapes}); {afresh(path)}."
        ) from None
    optimizer_state = state["optimizer"]
    # JSON turned the optimizer's integer parameter ids into strings; Adam matches on ints.
    optimizer_state["state"] = {int(k): v for k, v in optimizer_state["state"].items()}
    optimizer.load_state_dict(optimizer_state)
    if "scheduler" in state:
        scheduler.load_state_dict(state["scheduler"])
    else:  # a checkpoint from before the scheduler was saved: the epoch is all it needs
        scheduler.last_epoch = header["n_iter"]
    # The rate of the coming epoch from this run's schedule (the scheduler's factor is a closure
    # over this run's config, not saved): max_iter may have changed since the checkpoint (it is
    # resumable), and the cosine's period with it.
    for group, base, factor in zip(
        optimizer.param_groups, scheduler.base_lrs, scheduler.lr_lambdas, strict=True
    ):
        group["lr"] = base * factor(scheduler.last_epoch)
    generator.set_state(state["generator"])
    return header, state["best_model"]
