"""The paths a RUN's config.toml records, read from wherever the user is now.

``[data] path`` and ``[data] labels_file`` are kept as typed, so a relative one is relative to
the folder the command ran in, which ``[run] directory`` records. Read from another folder,
such a path resolves against that one: ``aekit train --config RUN/config.toml`` from elsewhere
trains the recorded file, not a file of the same name in the current folder (or an error that
blamed DATA). A config.toml of an older aekit has no ``[run] directory``: its paths are read
from the current folder, as then.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BUILT_IN = "digits"  # DATA that names scikit-learn's bundled digits, not a file


def directory_record() -> dict[str, str]:
    """``[run] directory``: the folder the command runs in; none for a folder whose name is not
    UTF-8 (its undecodable bytes, held as surrogates, made config.toml unreadable)."""
    directory = str(Path.cwd())
    try:
        directory.encode("utf-8")
    except UnicodeEncodeError:
        return {}
    return {"directory": directory}


def ran_in(document: dict[str, Any]) -> Path | None:
    """The folder the command that wrote ``document`` ran in, or None where it is not recorded."""
    section = document.get("run", {})
    directory = section.get("directory") if isinstance(section, dict) else None
    return Path(directory) if isinstance(directory, str) and directory else None


def resolved(document: dict[str, Any], recorded: str) -> str:
    """``recorded``, a path config.toml holds, as the current folder reaches the same file: as
    typed when it is absolute or the command ran here (what command.txt and messages show),
    else joined to the folder it ran in. Where that folder is gone (a project moved with its
    runs) and a file of the name is here, the path is read as typed, as a config.toml without
    the folder is; a file gone from a folder still there is not replaced by one here."""
    folder = ran_in(document)
    if recorded == BUILT_IN or folder is None or Path(recorded).is_absolute():
        return recorded
    if _same_folder(folder, Path.cwd()):
        return recorded
    joined = str(folder / recorded)
    return recorded if not folder.exists() and _exists(recorded) else joined


def same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (``data.csv``, ``./data.csv``, a link to it)."""
    return os.path.realpath(a) == os.path.realpath(b)


def is_training_data(document: dict[str, Any], data: str) -> bool:
    """Whether DATA is the data the RUN whose config.toml is ``document`` was trained on."""
    section = document.get("data", {})
    recorded = section.get("path") if isinstance(section, dict) else None
    if not isinstance(recorded, str):
        return False
    if recorded == BUILT_IN or data == BUILT_IN:
        return recorded == data
    return os.path.exists(data) and same_file(resolved(document, recorded), data)


def recorded_data_path(document: dict[str, Any], config: Path) -> str | None:
    """``[data] path`` of a ``--config`` file, resolved (:func:`resolved`); a file no longer
    there is refused naming where it was looked for, and the fix."""
    section = document.get("data", {})
    recorded = section.get("path") if isinstance(section, dict) else None
    if not isinstance(recorded, str):
        return None
    path = resolved(document, recorded)
    if not _exists(path) and recorded != BUILT_IN:
        folder = ran_in(document)
        where = (
            ""
            if Path(recorded).is_absolute()
            else f" (read from {folder}, where the run was trained)"
            if path != recorded
            else f" (read from this folder, {Path.cwd()})"
        )
        raise ValueError(
            f"--config {config}: its [data] path {recorded!r}{where} is not there: give "
            "DATA on the command line (aekit train DATA --config ...) to train on a file that is."
        )
    return path


def _exists(spec: str) -> bool:
    """Whether DATA ``spec`` names something there: a file or folder, or the archive of an
    ``.npz`` member (``d.npz:X_train``)."""
    from aekit.data.npy import npz_member

    return Path(spec).exists() or Path(npz_member(spec)[0]).exists()


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.exists() and a.samefile(b)
    except OSError:
        return False


def refuse_training_data_as_output(path: Path, option: str, run: object) -> None:
    """A ValueError where ``path`` (an output) is the data RUN was trained on, or lies inside
    that data's folder, as its config.toml records them (``[data] path`` and ``labels_file``):
    'aekit generate RUN -o cust.csv' replaced a user's 3,000 real rows with 64 generated ones,
    and the RUN's record then named the fake rows as its data."""
    from aekit.cli.table_options import run_config

    if not isinstance(run, (str, Path)) or not Path(run).is_dir():
        return
    document = run_config(Path(run))  # a damaged one is refused, naming it, as later
    section = document.get("data", {})
    section = section if isinstance(section, dict) else {}
    written = Path(os.path.realpath(path))
    for key in ("path", "labels_file"):
        recorded = section.get(key)
        if not isinstance(recorded, str) or recorded == BUILT_IN:
            continue
        source = Path(os.path.realpath(resolved(document, recorded)))
        if written == source or (source.is_dir() and written.is_relative_to(source)):
            raise ValueError(
                f"{option} {path} is {'in ' if written != source else ''}the data {run} was "
                f"trained on (its config.toml's [data] {key}); writing it would change that "
                "data. Name another file."
            )
