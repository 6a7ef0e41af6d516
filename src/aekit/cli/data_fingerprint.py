"""What a RUN records of DATA's contents, beside its path: the SHA-256 of its bytes.

A RUN's config.toml names DATA by path (:mod:`aekit.cli.recorded_paths`), and a file changed
since is read as it is now: ``aekit train --config RUN`` then trained another model from the
"same" data without a word, and an auditor holding the file had no way to tell it was the one
trained on. ``[data] sha256`` (and ``bytes``) let ``train --config`` say so, and anyone check
a file by hand (``sha256sum data.csv``). A folder (images, a Parquet dataset) is hashed as the
files the readers read, in sorted order, each file's path under the folder and its bytes, so a
renamed, added or changed image changes it, and a ``.DS_Store`` or a README beside them does
not; ``digits``, scikit-learn's bundled table, has no file to hash.

Hashing reads DATA once more (0.16 s for 200 MiB here, minutes for a folder of Parquet parts
of many GiB): ``--no-data-hash`` (:data:`NoDataHash`) skips it, and the RUN records
``[data] hashed = false`` instead, which ``aekit info`` shows and ``train --config`` follows
(it neither hashes nor compares). A digest of the parts' sizes and times would be quicker but
no SHA-256 of the bytes: no ``sha256sum`` check, and a copy to another disk would read as
changed.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from aekit.cli.recorded_paths import BUILT_IN
from aekit.warning_lines import caller_level

_BLOCK = 1 << 20  # hashed a MiB at a time: a file larger than memory is read as a stream
# the running command's digest: (its call, DATA, the digest)
_TAKEN: list[Any] = [None, None, {}]
NOT_HASHED = {"hashed": False}  # what a RUN records of DATA under --no-data-hash

# The option of the commands that take DATA and write a RUN (train, detect, ...)
NoDataHash = Annotated[
    bool,
    typer.Option(
        "--no-data-hash",
        help="Record no SHA-256 of DATA in RUN: hashing reads DATA once more (minutes for "
        "many GiB); 'train --config RUN' then cannot say that DATA changed.",
    ),
]


def taken(data: str, hashed: bool = True) -> dict[str, Any]:
    """:func:`fingerprint` of ``data`` once per command: a RUN-writing command takes it before
    it fits, and records that one (a file changed during training was recorded as the data
    trained on, and DATA hashed twice under ``--config``). ``hashed=False`` (--no-data-hash):
    :data:`NOT_HASHED`, DATA unread. The command's first call decides; the later ones, which
    write the RUN, read what it took."""
    from aekit.cli import outputs

    call = outputs.current_call
    if call is None or _TAKEN[0] is not call or _TAKEN[1] != data:
        _TAKEN[:] = [call, data, fingerprint(data) if hashed else dict(NOT_HASHED)]
    return _TAKEN[2]


def hashes(no_data_hash: bool, section: Any) -> bool:
    """Whether a command hashes DATA: not under ``--no-data-hash``, nor under a ``--config``
    whose ``[data] section`` recorded DATA unhashed (its rerun is as slow to hash)."""
    recorded = section.get("hashed", True) if isinstance(section, dict) else True
    return not no_data_hash and recorded is not False


def fingerprint(data: str) -> dict[str, Any]:
    """``{"sha256": ..., "bytes": ...}`` of the file or folder ``data``; nothing for the
    built-in digits or a path that is neither."""
    path = Path(data)
    if data == BUILT_IN or not (path.is_file() or path.is_dir()):
        return {}
    digest, size = hashlib.sha256(), 0
    if path.is_file():
        size = _add_bytes(digest, path)
    else:
        for file in _data_files(path):
            # the path in the hash too: two images swapped between classes change it
            digest.update(file.relative_to(path).as_posix().encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
            size += _add_bytes(digest, file)
    return {"sha256": digest.hexdigest(), "bytes": size}


def _data_files(folder: Path) -> list[Path]:
    """The files of ``folder`` its reader reads, from the readers' own lists (a review found a
    list of this module's own drifting from them): a Parquet dataset's parts, else its images
    (their warnings said by the reader, not here again); none where it holds neither."""
    from aekit.data.images import image_files
    from aekit.data.parquet import parquet_files

    if parts := parquet_files(folder):
        return parts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return image_files(folder)
        except ValueError:  # no images either: the reader says what is wrong
            return []


def _add_bytes(digest: Any, file: Path) -> int:
    size = 0
    with open(file, "rb") as stream:
        while block := stream.read(_BLOCK):
            digest.update(block)
            size += len(block)
    return size


def warn_if_changed(
    document: dict[str, Any], data: str, config: os.PathLike | str, hashed: bool = True
) -> None:
    """Warn when ``data``, the path the RUN whose config.toml is ``document`` (``config``)
    recorded, no longer holds the bytes it recorded: the run then trains on the file as it
    is now, another model. Other DATA given with a config (its settings reused on new data)
    is not compared, nor a config.toml of an older aekit, which records no digest, nor DATA
    that is not to be hashed (``hashed=False``: --no-data-hash)."""
    from aekit.cli.recorded_paths import is_training_data

    if not is_training_data(document, data):
        return
    section = document.get("data", {})
    recorded = section.get("sha256") if isinstance(section, dict) else None
    if not isinstance(recorded, str):
        return
    now = taken(data, hashed).get("sha256")
    if now is None or now == recorded:
        return
    warnings.warn(
        f"DATA {data} has changed since {config} recorded it (SHA-256 {now[:12]}... now, "
        f"{recorded[:12]}... then): this run trains on it as it is now, so its model will "
        "differ from the recorded run's.",
        UserWarning,
        stacklevel=caller_level(),
    )
