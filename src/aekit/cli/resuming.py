"""``--checkpoint`` and ``--resume`` of a training command: the epoch a checkpoint folder lets
a run continue from (checked before any work), and what a stopped run that checkpoints says of
how to continue it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

CHECKPOINT_FILE = "checkpoint.safetensors"  # what checkpoint_dir holds (aekit.core.train)


def check_checkpoint_folder(checkpoint: Path | None, out: Path, data: str) -> None:
    """``--checkpoint`` is a folder of its own: not RUN (``--out``) nor inside it (RUN is
    claimed only when training ends, and a checkpoint there made the finished run refuse its
    own folder as "created by someone else"), not another RUN (its files would mix with the
    checkpoint's), not inside a DATA folder (its files are read as data)."""
    if checkpoint is None or checkpoint.is_file():  # a file: checkpoint_epoch says so
        return
    here, run = checkpoint.resolve(), out.resolve()
    if here.is_relative_to(run):
        raise ValueError(
            f"--checkpoint {checkpoint} is --out {out} or inside it; give a folder of its own "
            f"(RUN is written when training ends), e.g. --checkpoint {out.name}-checkpoint."
        )
    from aekit.cli.recorded_paths import BUILT_IN
    from aekit.io.inputs import refuse_input_as_output

    if (checkpoint / "config.toml").is_file():
        raise ValueError(
            f"--checkpoint {checkpoint} is a RUN folder (it holds config.toml); give a folder "
            "of its own, new or one an earlier --checkpoint wrote."
        )
    if data != BUILT_IN:  # a bundled dataset's name is no folder here
        refuse_input_as_output(checkpoint, data, f"--checkpoint {checkpoint}", "DATA")


def checkpoint_epoch(
    checkpoint: Path | None, resume: bool, epochs_planned: int | None = None
) -> int | None:
    """The epoch ``--resume`` continues from (None without --resume); a checkpoint folder that
    already holds a run needs --resume, and --resume needs one. ``epochs_planned``: the
    command's max_iter, by which a run the checkpoint holds is said to be finished."""
    if checkpoint is None:
        if resume:
            raise ValueError("--resume needs --checkpoint DIR, the folder the run checkpointed in.")
        return None
    from aekit.cli.outputs import check_writable_folder

    if checkpoint.exists() and not checkpoint.is_dir():
        raise ValueError(f"--checkpoint {checkpoint} is a file, not a folder.")
    check_writable_folder(checkpoint, "--checkpoint")
    path = checkpoint / CHECKPOINT_FILE
    if resume and not checkpoint.exists():  # a typo, or another folder than the run's: the
        # advice to start afresh would lose the epochs the real folder holds
        where = "" if checkpoint.is_absolute() else f" (looked for in {Path.cwd()})"
        raise ValueError(
            f"--resume: there is no folder {checkpoint}{where}; give the --checkpoint folder "
            f"the stopped run named, from the folder it ran in or by its full path.{_shared()}"
        )
    if not path.exists():
        if resume:
            raise ValueError(
                f"--resume: {checkpoint} holds no checkpoint ({CHECKPOINT_FILE}): the run "
                "stopped before its first epoch ended, or never started; run the command "
                f"without --resume to start afresh.{_shared()}"
            )
        return None
    from aekit.core import checkpoint as checkpoints

    # read first: a damaged one is said with how to start afresh, whether or not --resume was
    # given (without it, "pass --resume" sent the user to the same damaged file)
    header, _ = checkpoints.read(path)
    epoch = int(header.get("n_iter", 0))
    stopped = bool(header.get("stopped_early"))
    whole = isinstance(epochs_planned, int) and not isinstance(epochs_planned, bool)
    planned = epochs_planned if whole else None  # another value: refused by fit, in words
    if not resume and (stopped or (planned is not None and epoch >= planned)):
        # "pass --resume to continue it" of a run with nothing left to train; --resume writes
        # a RUN its command stopped before writing, and trains on where more epochs are asked
        on = "" if stopped else ", or with a larger --epochs to train it on"
        raise ValueError(
            f"--checkpoint {checkpoint} holds a finished run ({epoch} epoch{'s' * (epoch != 1)}"
            f"{', stopped early' if stopped else ''}): choose another folder (or remove this "
            "one) to train afresh, or pass --resume to write the RUN of that run (if its "
            f"command stopped before it did){on}.{_shared()}"
        )
    if not resume:
        raise ValueError(
            f"--checkpoint {checkpoint} holds a run already (at epoch {epoch}); pass --resume to "
            f"continue it, or choose another folder.{_shared()}"
        )
    return epoch


def _shared() -> str:
    """Under torchrun, the likely cause of a checkpoint one process sees and another does not:
    each machine's own folder (rank 0 alone writes it)."""
    from aekit.core.distributed import launched

    if not launched():
        return ""
    return (
        " Under torchrun every process must see the same --checkpoint folder (on several "
        "machines: a shared one): only rank 0 writes it."
    )


@contextlib.contextmanager
def resumable_when_stopped(folder: str | Path | None, resume_given: bool) -> Iterator[None]:
    """A stop (Ctrl-C, SIGTERM) of a training that checkpoints into ``folder`` says which epoch
    its checkpoint holds and how to continue it, once one was written; a stop before the first
    epoch ended says that nothing was checkpointed."""
    from aekit.cli.stopping import Stopped

    try:
        yield
    except Stopped as stop:
        epoch = None if folder is None else _checkpointed_epoch(Path(folder) / CHECKPOINT_FILE)
        if epoch is not None:
            rerun = "" if resume_given else " with --resume"
            stop.detail = (
                f" after epoch {epoch}; the checkpoint in {folder} continues it: rerun the same "
                f"command{rerun}"
            )
        elif folder is not None:
            stop.detail = (
                f" before its first epoch ended, so {folder} holds no checkpoint yet: rerun the "
                "same command to start again"
            )
        raise


def _checkpointed_epoch(path: Path) -> int | None:
    """The epochs the checkpoint at ``path`` holds (its header alone); None if it holds none."""
    from aekit.core.checkpoint import CHECKPOINT
    from aekit.io.files import read_header

    try:
        return int(read_header(path, CHECKPOINT)["n_iter"])
    except (OSError, ValueError, KeyError, TypeError):  # none, or damaged: nothing to resume
        return None
