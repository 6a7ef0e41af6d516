"""Atomic file writes: a crash never leaves a half-written file under the real name.

:func:`atomic_write` writes one file; :func:`staged_folder` a set of files that appear in their
folder together, or not at all.

Their temporary file or folder lies beside the target as ``.NAME.aekit<pid>.<random>.tmp`` and
is locked (``flock``) by the writing process while it writes. A writer killed with ``kill -9``
leaves it behind; the next write to the same target removes the leftovers of ``NAME`` whose
process no longer exists and which nobody holds locked (:func:`remove_stale`), never a live
writer's. (The lock covers a writer in another pid namespace sharing the folder, a container,
whose pid means nothing here; the pid covers the instant between creating a file and locking
it.)

Kept free of torch so the command line can use it before any heavy import.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
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
    if path.is_dir():  # os.replace would fail at the end, naming the temporary file
        raise ValueError(f"cannot write {path}: it is a folder; give a file name.")
    if path.exists() and not path.is_file():  # /dev/null, /dev/stdout, a named pipe
        _write_through(path, write)
        return
    make_parent(path)
    remove_stale(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp")
    except OSError as err:  # name the file the user asked for, not the temporary one
        raise type(err)(err.errno, err.strerror, str(path)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until the rename: the file is a live writer's
        try:
            write(tmp)
        except OSError as err:  # a full disk: name the file asked for, not the temporary one
            if err.filename not in (None, tmp) or err.errno is None:
                raise
            raise type(err)(err.errno, err.strerror, str(path)) from None
        with open(tmp, "rb+") as handle:  # on disk before the rename, so a crash keeps one
            os.fsync(handle.fileno())  # whole version or the other
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp creates 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


# A disk or quota full, or a file too large: what a temporary folder's filling says.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _write_through(path: Path, write: Callable[[str], object]) -> None:
    """Write a device or a named pipe as ``open`` does (renaming a file over it, as before,
    made /dev/null a regular file, as root for every program). The bytes are made in a private
    temporary file of the system's temporary folder first (writers take a file name, and some
    reopen it; /dev is no folder to write in), then copied in whole: the output's size passes
    through that folder, which may be memory (tmpfs). A pipe with no reader waits for one, as
    any program writing it does."""
    fd, tmp = tempfile.mkstemp(prefix=_prefix(path), suffix=".tmp")
    try:
        os.close(fd)
        try:
            write(tmp)
        except OSError as err:  # the temporary folder full: said as that folder, not the file
            if err.errno not in _FULL or err.filename != tmp:
                raise
            where = tempfile.gettempdir()
            raise type(err)(
                err.errno, f"{err.strerror} (the output for {path} is made there first)", where
            ) from None
        try:
            with open(tmp, "rb") as made, open(path, "wb") as target:
                shutil.copyfileobj(made, target)
        except OSError as err:  # /dev/full: "No space left on device" named no file
            raise type(err)(err.errno, err.strerror, str(path)) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def make_parent(path: Path) -> None:
    """Create the folder ``path`` goes in; ``ValueError`` naming the part of it that is a file
    (mkdir's bare FileExistsError named neither the part nor the file asked for)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        part = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
        if part is None or part.is_dir():
            raise
        raise ValueError(
            f"cannot write {path}: {part} is a file, not a folder; choose another name."
        ) from None


@contextlib.contextmanager
def staged_folder(folder: str | os.PathLike, last: str | None = None) -> Iterator[Path]:
    """Yield a hidden temporary folder beside ``folder`` to write files into; when the block
    ends without error they move into ``folder`` (``last`` after the others, so a reader that
    sees it sees the whole set), replacing files of the same names. On any error the temporary
    folder is removed and ``folder`` is left as it was: not created, no file changed."""
    folder = Path(folder)
    make_parent(folder)
    remove_stale(folder)
    try:
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=_prefix(folder), suffix=".tmp"))
    except OSError as err:  # a read-only disk: name the folder asked for, not the staging one
        raise type(err)(err.errno, err.strerror, str(folder)) from None
    try:
        lock = os.open(staging, os.O_RDONLY)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held to the end: the folder is a live writer's
        try:
            yield staging
        except OSError as err:  # a full disk: the file asked for, not its staging copy
            name = str(err.filename or "")
            if err.errno is None or not name.startswith(str(staging)):
                raise
            asked = folder / Path(name).relative_to(staging)
            raise type(err)(err.errno, err.strerror, str(asked)) from None
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
        os.close(lock)


@contextlib.contextmanager
def beside(tmp: str | os.PathLike) -> Iterator[Path]:
    """A locked, empty folder named as :func:`atomic_write`'s temporary file is, with a
    suffix: for a writer that makes temporary files of its own beside the file it writes
    (safetensors' ``save_file``), which a ``kill -9`` would leave under names aekit cannot
    know. Inside this folder they go with it: removed at the end, or by :func:`remove_stale`."""
    tmp = Path(tmp)
    folder = tmp.with_name(tmp.name.removesuffix(".tmp") + "_d.tmp")
    folder.mkdir()
    lock = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)


def _prefix(target: Path) -> str:
    return f".{short_name(target.name)}.aekit{os.getpid()}."


# A file name may be 255 bytes; a temporary name adds up to about 40 to the target's.
_LONGEST_KEPT = 160


def short_name(name: str) -> str:
    """``name`` as the temporary names beside it spell it: whole when short, else the whole
    characters of its first 100 bytes and a digest of all of it, so that a target of 230 bytes
    (allowed) still gets a temporary name the file system takes ('File name too long')."""
    raw = os.fsencode(name)  # the bytes the file system counts (a legacy locale's too)
    if len(raw) <= _LONGEST_KEPT:
        return name
    import hashlib

    kept = raw[:100].decode("utf-8", errors="ignore")  # whole characters only
    return f"{kept}~{hashlib.sha256(raw).hexdigest()[:16]}"


def remove_stale(target: str | os.PathLike) -> list[Path]:
    """Remove the temporary files and folders of ``target`` left by killed writers (see the
    module docstring): their process is gone and nobody holds them locked. Returns them."""
    target = Path(target)
    pattern = re.compile(re.escape(f".{short_name(target.name)}.aekit") + r"(\d+)\.[^./]+\.tmp")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:  # a folder that cannot be listed holds none to remove
        return []
    removed = []
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None or _alive(int(found.group(1))):
            continue
        with contextlib.suppress(OSError), _unlocked(entry.path) as free:
            if not free:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists in this pid namespace."""
    if pid <= 0:
        return True  # no writer's pid: leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, another user's
        return True
    return True


@contextlib.contextmanager
def _unlocked(path: str) -> Iterator[bool]:
    """Yield whether ``path`` could be locked (no live writer holds it), holding it within."""
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            free = True
        except BlockingIOError:
            free = False
        yield free
    finally:
        os.close(fd)
