"""Atomic file writes: a crash never leaves a half-written file under the real name.

:func:`atomic_write` writes one file; :func:`staged_folder` a set of files that appear in their
folder together, or not at all.

Kept free of torch so the command line can use it before any heavy import.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# The process umask, read once: reading it means setting it, which races with other threads.
UMASK = os.umask(0o022)
os.umask(UMASK)


def atomic_write(path: str | os.PathLike, write: Callable[[str], object]) -> None:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:  # name the file the user asked for, not the temporary one
        raise type(err)(err.errno, err.strerror, str(path)) from None
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:  # on disk before the rename, so a crash keeps one
            os.fsync(handle.fileno())  # whole version or the other
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp creates 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def staged_folder(folder: str | os.PathLike, last: str | None = None) -> Iterator[Path]:
    """Yield a hidden temporary folder beside ``folder`` to write files into; when the block
    ends without error they move into ``folder`` (``last`` after the others, so a reader that
    sees it sees the whole set), replacing files of the same names. On any error the temporary
    folder is removed and ``folder`` is left as it was: not created, no file changed."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        yield staging
        staging.chmod(0o777 & ~UMASK)  # mkdtemp makes it private; the result is ordinary
        if not folder.exists():
            with contextlib.suppress(OSError):  # made meanwhile: move the files one by one
                staging.rename(folder)
                return
        files = sorted(staging.iterdir(), key=lambda p: p.name == last)
        folder.mkdir(exist_ok=True)
        for path in files:
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
