"""The paths a user gives to the Python API, read as the shell reads them."""

from __future__ import annotations

import os
from pathlib import Path


def user_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded to that home folder.

    The command line gets its paths expanded by the shell (and by aekit for ``--out=~/...``,
    which the shell leaves alone); the Python API got them verbatim, so
    ``det.save("~/models/m.safetensors")`` wrote under a folder literally named ``~`` in the
    working directory, and ``aekit.load`` of the same string found nothing.
    """
    return Path(path).expanduser()


def is_run_folder(path: Path) -> bool:
    """A folder a RUN-making command of the command line wrote: it holds both its config.toml
    and command.txt."""
    return (path / "config.toml").is_file() and (path / "command.txt").is_file()
