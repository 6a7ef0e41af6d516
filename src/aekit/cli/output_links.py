"""An output named through a symbolic link is refused, whatever option names it (``-o``,
``--out``, ``--save-model``, ``--figure``): aekit writes a file or a RUN beside its name and
renames it into place, which replaces the link itself and leaves what it pointed to as it was
(``-o latest.csv`` made ``latest.csv`` a plain file, the file it led to kept its old rows,
unsaid). A device's path (``/dev/stdout``, a link into ``/proc/self/fd``) is no such link: the
checks of what a command writes say what they say of it."""

from __future__ import annotations

import os
from pathlib import Path


def refuse_link(path: Path, option: str, what: str) -> None:
    """A ValueError when ``path`` is a symbolic link to a file or folder, or to nothing (a
    dangling link: writing would replace it as well); ``what`` is the kind of output the
    option writes ("file", "folder"), said in the fix."""
    if not path.is_symlink() or path.absolute().parts[1:2] in (("dev",), ("proc",)):
        return
    if path.exists() and not path.is_file() and not path.is_dir():  # a device, a pipe
        return
    target = os.readlink(path)
    raise ValueError(
        f"{option} {path} is a symbolic link (to {target}); writing it would replace the link, "
        f"not what it points to: give the {what} itself."
    )
