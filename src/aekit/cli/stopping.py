"""The signals that end a command: Ctrl-C (SIGINT), SIGTERM (systemd, Kubernetes,
``timeout``) and SIGHUP (a closed terminal or ssh session).

* The first one raises :class:`Stopped` where the command is, which unwinds it (the staging
  folder of a RUN is removed, a file writer closed) to :func:`aekit.cli.running.run_cli`, which
  says so in one line and exits 128 + the signal.
* Any further one does nothing: a second Ctrl-C, pressed in impatience, would otherwise
  interrupt that unwinding (a staging folder left behind, a traceback from a writer's
  ``__del__`` or an ``atexit`` callback).
* Once the command's exit status is decided (its results printed and its files written, or its
  error or its stop said), a signal no longer changes it: the 1-2 s in which Python, torch and
  matplotlib tear down are no part of the command, and a script must not read a finished run
  as a failed one.
"""

from __future__ import annotations

import atexit
import functools
import os
import signal
import sys

STOPPING_SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):  # a closed terminal or ssh session (not on Windows): it ended
    # the command saying nothing and left a RUN's staging folder behind
    STOPPING_SIGNALS[signal.SIGHUP] = "hung up"


class Stopped(BaseException):
    """A signal that ends the command: it unwinds past every ``except Exception``, and the
    command says so in one line (:meth:`message`) and exits 128 + the signal, as a shell
    reports it. Not a KeyboardInterrupt, which typer turns into an exit 130 that says nothing.
    ``detail`` continues the line (how to resume a checkpointed training)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.detail = ""

    def message(self) -> str:
        return f"aekit: {STOPPING_SIGNALS[self.signum]}{self.detail}"


def take_signals() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise :class:`Stopped`, the first of them only."""
    _handle_with(_stopped)
    sys.unraisablehook = functools.partial(_unraisable, sys.unraisablehook)
    # Registered before the command imports torch and the rest, so run after their callbacks:
    # past them Python resets the handlers that are Python functions to the default, and a late
    # signal would kill the process (exit 130 or 143, saying nothing); an ignored one stays so.
    atexit.register(_handle_with, signal.SIG_IGN)


def command_ended() -> None:
    """The command's status is decided: a signal until :func:`exit_status_is_final` (what is
    left is saying it) does nothing."""
    _handle_with(_ignored)


def exit_status_is_final(code: int) -> None:
    """From here a signal ends the process at once with ``code``: the command's work is done,
    its files closed; what is left is Python's teardown (see :func:`take_signals` for its
    end)."""
    for stream in (sys.stdout, sys.stderr):
        _flush(stream)
    _handle_with(functools.partial(_exit_now, code))


def _handle_with(handler) -> None:
    for signum in STOPPING_SIGNALS:
        # an ignored signal (a background job's Ctrl-C, nohup) stays ignored
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, handler)


def _stopped(signum, frame) -> None:
    _handle_with(_ignored)  # the stop this raises is being unwound: let it finish
    raise Stopped(signum)


def _ignored(signum, frame) -> None:
    """A signal while an earlier one's stop unwinds the command, or once its status is
    decided: nothing more to do."""


def _exit_now(code: int, signum, frame) -> None:
    for stream in (sys.stdout, sys.stderr):
        _flush(stream)
    os._exit(code)


def _flush(stream) -> None:
    try:
        if stream is not None:
            stream.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream: nothing more can be said
        pass


def _unraisable(previous, unraisable) -> None:
    """A stop raised inside a finalizer (a ``__del__``, a weak reference's callback) cannot
    leave it, and Python would print it as a traceback: take the signals again instead, so
    that the next one stops the command."""
    if isinstance(unraisable.exc_value, Stopped):
        _handle_with(_stopped)
        return
    previous(unraisable)
