"""The ``aekit`` command and ``python -m aekit``: the command line; so that
``torchrun --nproc_per_node=N -m aekit train DATA --out RUN`` trains on N processes.

Ctrl-C, SIGTERM or SIGHUP in the third of a second the command line's modules take to import
ends in one line, as later (:mod:`aekit.cli.stopping`), not in a traceback through the imports;
this module imports nothing of aekit's before it has taken these signals.
"""

import os
import signal
import sys

_SAID = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):  # as aekit.cli.stopping takes it (not on Windows)
    _SAID[signal.SIGHUP] = "hung up"
_received: list[int] = []


def _stop_importing(signum, frame) -> None:
    if not _received:  # the first; another (Ctrl-C pressed twice) must not interrupt its end
        _received.append(signum)
        raise KeyboardInterrupt


def main() -> None:
    for signum in _SAID:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # ignored (a background job) stays so
            signal.signal(signum, _stop_importing)
    try:
        from aekit.cli.app import main as command_line

        command_line()  # takes the signals for itself first thing
    except KeyboardInterrupt:
        signum = _received[0] if _received else signal.SIGINT
        try:
            sys.stderr.write(f"aekit: {_SAID[signum]}\n")
            sys.stderr.flush()
        except OSError:  # stderr is gone: the status says it
            pass
        # At once: nothing was written yet, and Python would end a process whose import a
        # KeyboardInterrupt crossed (one run by C code) by SIGINT whatever the status here.
        os._exit(128 + signum)


if __name__ == "__main__":
    main()
