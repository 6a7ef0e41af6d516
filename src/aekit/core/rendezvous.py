"""How a process joins its process group (:func:`aekit.core.distributed.join`): the rendezvous
run where signals can interrupt it, torch's connection-retry log held back, and what a failed
join means in one line (which processes were missing, the torchrun line that starts them)."""

from __future__ import annotations

import contextlib
import datetime
import os
import threading
from collections.abc import Callable, Iterator


def interruptible(init: Callable[[], None]) -> None:
    """``init()`` in a thread while this one waits in short slices. torch's rendezvous waits in
    C++ for the other processes, up to the timeout, and Python runs signal handlers only
    between bytecodes: SIGTERM (how systemd and Kubernetes stop a process) and Ctrl-C would wait
    for it. The C++ log lines of the failed connection attempts are held back and shown only if
    the group is joined: a failure is said once, by :func:`not_joined`."""
    outcome: list[BaseException] = []

    def target() -> None:
        try:
            init()
        except BaseException as error:  # handed to the waiting thread
            outcome.append(error)

    thread = threading.Thread(target=target, name="aekit-join", daemon=True)
    with _held_stderr() as drop:
        thread.start()
        while thread.is_alive():  # a signal's handler runs here, between slices
            thread.join(0.1)
        drop[0] = bool(outcome)
    if outcome:
        raise outcome[0]


@contextlib.contextmanager
def _held_stderr() -> Iterator[list[bool]]:
    """File descriptor 2 (where C++ logs) into a temporary file for the block, written out
    after it unless the block sets ``drop[0]`` (or raises)."""
    import tempfile

    drop = [False]
    try:
        held = tempfile.TemporaryFile()
    except OSError:  # no writable temporary folder: the lines go to stderr as they come
        yield drop
        return
    with held:
        try:
            saved = os.dup(2)
        except OSError:  # no stderr to hold
            yield drop
            return
        os.dup2(held.fileno(), 2)
        try:
            yield drop
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        if not drop[0]:
            held.seek(0)
            with contextlib.suppress(OSError):
                os.write(2, held.read())


def torchrun_line() -> str:
    """The torchrun options that start this launch's processes: ``--nproc_per_node`` is the
    processes of one machine (LOCAL_WORLD_SIZE), with ``--nnodes`` when there are several."""
    world = os.environ.get("WORLD_SIZE", "?")
    local = os.environ.get("LOCAL_WORLD_SIZE", world)
    if local == world or not (local.isdigit() and world.isdigit()) or int(local) == 0:
        return f"torchrun --nproc_per_node={world}"
    return f"torchrun --nnodes={int(world) // int(local)} --nproc_per_node={local}"


def not_joined(error: BaseException, wait: datetime.timedelta, rank: int, timeout_env: str) -> str:
    """What a failed rendezvous means: which processes were missing, and how to start them."""
    import re

    world = os.environ.get("WORLD_SIZE", "?")
    where = f"{os.environ.get('MASTER_ADDR', '?')}:{os.environ.get('MASTER_PORT', '?')}"
    limit = f"{timeout_env}={wait.total_seconds():g} s"
    launch = (
        f"start all {world} processes, e.g. with '{torchrun_line()} script.py' "
        f"(or raise {timeout_env} if some start late)."
    )
    joined = re.search(r"(\d+)/(\d+) clients joined", str(error))
    if joined:  # rank 0, whose store counts the processes that reached it
        return (
            f"only {joined[1]} of the {joined[2]} processes (WORLD_SIZE={world}) joined the "
            f"process group at {where} within {limit}: {launch}"
        )
    if "timed out" in str(error).lower() and rank != 0:
        return (
            f"rank {rank} of {world} found no rank 0 at {where} (MASTER_ADDR:MASTER_PORT) "
            f"within {limit}: {launch}"
        )
    return f"cannot join the process group at {where} ({first_sentence(error)}) {launch}"


def first_sentence(error: BaseException) -> str:
    """The gist of a communication error: gloo's first sentence, without its source path."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    text = text.split(". ")[0].rstrip(".")
    return (text.split("] ", 1)[1] if text.startswith("[") and "] " in text else text) + "."
