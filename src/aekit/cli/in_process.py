"""``aekit.cli.run``: the command line from Python (a notebook, a script), in this process.

:func:`aekit.cli.main` is the ``aekit`` process's entry point: it reads ``sys.argv``, takes
Ctrl-C, SIGTERM and SIGHUP for the rest of the process and ends it with ``sys.exit``, so called
in a notebook it ended the kernel's cell with a ``SystemExit`` and left its handlers behind.
:func:`run` takes the words of a command line and returns its exit status instead.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence


def run(args: str | Sequence[str | os.PathLike | int | float]) -> int:
    """Run an ``aekit`` command line in this process and return its exit status.

    As the ``aekit`` command runs it (the same messages, files and exit status: 0 done, 2 an
    input error said in one ``aekit: error:`` line on stderr, warnings said as ``aekit:
    warning:`` lines and kept in a RUN's config.toml), but it never ends the interpreter, and
    leaves the process's signal handlers and warning filters as they were. A KeyboardInterrupt
    (a notebook's "Interrupt kernel") is raised as from any Python call. The figures a command
    writes are written to its files alone, not shown in a notebook's cell.

    Parameters
    ----------
    args : str or sequence of str, path-like or number
        The words after ``aekit``: ``["train", "digits", "--out", "RUN"]`` (paths and numbers
        are written as ``str`` does), or one string split as a shell splits it
        (``"train digits --out RUN"``).

    Returns
    -------
    status : int
        The command's exit status: 0 when it succeeded.

    Examples
    --------
    >>> from aekit.cli import run
    >>> run(["info", "no-such-run"])  # doctest: +SKIP
    aekit: error: no-such-run: no such file or folder (a RUN folder or a model file).
    2
    """
    from aekit.cli.app import app
    from aekit.cli.running import run_in_process

    words = shlex.split(args) if isinstance(args, str) else [str(word) for word in args]
    return run_in_process(app, words)
