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


def same_model_kind(run: Path, model_file: Path) -> None:
    """Refuse a RUN folder whose model file holds another kind of model than its config.toml
    records (a model.safetensors copied from another run): read as it was, a detector's RUN
    holding an autoencoder was scored as one and blamed DATA's width, and exported as one."""
    import tomllib

    from aekit import registry
    from aekit.io.files import stored_class

    try:
        recorded = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # none, or damaged: the commands that read it say so
    model = recorded.get("model")
    kind = model.get("class") if isinstance(model, dict) else None
    held = stored_class(model_file)
    if isinstance(kind, str) and held is not None and held != kind:
        if kind not in registry.MODEL_FILE_CLASSES:  # no model file of it: the record is wrong
            raise ValueError(
                f"{run}'s config.toml records the model class {kind!r}, which is no class "
                "aekit writes: config.toml was edited or damaged; put back the run's own "
                "config.toml, or train the run again."
            )
        raise ValueError(
            f"{run}'s config.toml records the model class {kind}, but its {model_file.name} "
            f"holds a model of class {held}: "
            "the model file was replaced (copied from another run?); put back the run's own "
            "model file, or train the run again."
        )
