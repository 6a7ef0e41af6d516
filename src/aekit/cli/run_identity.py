"""One RUN folder per command. A command reads a RUN in steps (its config.toml as it starts,
its model after the heavy imports, its table encoder), and another command's ``--force`` may
replace the folder between them (the new run is renamed into place whole). Each step notes the
folder's identity (device and inode); a step that finds another folder is refused, rather than
reading one run's options with another's model (the audit: a score during a retrain said
"DATA has ['city'], which fit did not have")."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_seen: dict[str, tuple[int, int]] = {}  # RUN folder (absolute path) -> (st_dev, st_ino)


def forget() -> None:
    """Start a new command (one process may run several: tests, scripts)."""
    _seen.clear()


def same_run(run: Path) -> None:
    """Note the RUN folder ``run`` (a model file is read at once: nothing to note), or refuse
    it if it is not the folder an earlier step of this command read."""
    try:
        status = os.stat(run)
    except OSError:
        return  # gone or unreadable: the step reading it says so
    if not stat.S_ISDIR(status.st_mode):
        return
    identity = (status.st_dev, status.st_ino)
    if _seen.setdefault(os.path.abspath(run), identity) != identity:
        raise ValueError(
            f"{run} was replaced by another aekit command while this one read it (a run "
            "retrained with --force); run this command again."
        )
