"""The command's standard output and error, watched, so that a failure to write them is told
apart from a failure to write the command's files (both are an ``OSError``):

* a closed pipe (``aekit info RUN | head -1``, once ``head`` has gone) ends the command quietly,
  as it ends a Unix tool: :class:`PipeClosed`, exit status :data:`CLOSED_PIPE`;
* any other failure (a full disk, ``> /dev/full``) lets the command finish and is said once it
  has: what it printed is lost, the files it wrote are not.

Either way the stream is pointed at ``/dev/null`` once it fails, so that nothing, Python's own
flush at exit included, tries it again (and prints a traceback about it).
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
from typing import IO

# 128 + SIGPIPE: the status a shell reports for a Unix tool that a closed pipe ended ('yes |
# head -1' gives 141 to 'set -o pipefail'), for every command, --help and --version included.
CLOSED_PIPE = 128 + signal.SIGPIPE


class PipeClosed(BaseException):
    """stdout or stderr is a pipe whose reader has gone. It unwinds past every ``except
    Exception`` (a RUN's staging folder is removed), as SIGPIPE ends a Unix tool."""


class WatchedStream:
    """A text stream whose write errors are kept (:attr:`failure`) rather than raised, except a
    closed pipe's, raised as :class:`PipeClosed`."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as err:
            self._failed(err)
            return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as err:
            self._failed(err)

    def _failed(self, err: OSError) -> None:
        _discard(self._stream)
        self.failure = self.failure or err
        if err.errno == errno.EPIPE:
            raise PipeClosed from None

    def __getattr__(self, name: str):  # isatty, fileno, encoding, ...: the stream's
        return getattr(self._stream, name)


class _ClosedStream(io.TextIOBase):
    """The standard output of a process started without one (``>&-``: Python's is None). Its
    file descriptor 1 gets /dev/null, so that the next file or socket opened does not take it
    (a server's listening socket became the stdout of its workers)."""

    def __init__(self) -> None:
        super().__init__()
        try:
            os.fstat(1)
        except OSError:  # closed indeed (not a test's stand-in for a closed stdout)
            null = os.open(os.devnull, os.O_WRONLY)  # the lowest free descriptor: 1, if 0 is open
            if null != 1:
                os.dup2(null, 1)
                os.close(null)

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed (>&-)")


def _discard(stream: IO[str]) -> None:
    """Point the file descriptor under ``stream`` at /dev/null: what is still buffered, and
    what is written next, goes nowhere instead of failing again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's StringIO)
        pass


class Watched:
    """``with Watched() as watched:`` sys.stdout and sys.stderr are :class:`WatchedStream`
    (``watched.stdout``, ``watched.stderr``) inside the block."""

    def __enter__(self) -> Watched:
        self._originals = sys.stdout, sys.stderr
        # stdout closed at the start (>&-) fails at the first write, as a full disk does: a
        # command that prints nothing there (serve) runs, another says what it lost, exit 2
        self.stdout = WatchedStream(_ClosedStream() if sys.stdout is None else sys.stdout)
        self.stderr = None if sys.stderr is None else WatchedStream(sys.stderr)
        sys.stdout, sys.stderr = self.stdout, self.stderr
        return self

    def flush(self) -> None:
        """Flush both (an error is kept or raised as they keep or raise it)."""
        for stream in (self.stdout, self.stderr):
            if stream is not None:
                stream.flush()

    @property
    def stdout_failure(self) -> OSError | None:
        return None if self.stdout is None else self.stdout.failure

    def __exit__(self, *exc_info) -> None:
        sys.stdout, sys.stderr = self._originals
