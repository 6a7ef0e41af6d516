"""An output never destroys an input: the one rule the command line (``-o``, ``--out``) and
the Python API (``out=``, :func:`aekit.write_outputs`) apply before writing anything.

Kept free of torch, as :mod:`aekit.io.atomic` is, so the command line checks before any heavy
import.
"""

from __future__ import annotations

import os
from pathlib import Path


def refuse_input_as_output(
    path: str | os.PathLike, source: str | os.PathLike, output: str, argument: str,
    folder_is_data: bool = True,
) -> None:  # fmt: skip
    """Raise a ValueError when writing ``path`` would replace or join what is read from
    ``source``: the same file (once links and relative paths are resolved), or, when
    ``folder_is_data`` (a Parquet or image folder, every file of which is read), a path inside
    the folder ``source``. ``output`` names the path in the message (``"-o/--output s.npy"``)
    and ``argument`` the input (``"DATA"``)."""
    path, source = Path(path), Path(source)
    if source.is_file() and path.is_file() and os.path.samefile(source, path):
        raise ValueError(
            f"{output} is {argument} itself: writing it would replace the input; "
            "choose another file."
        )
    if folder_is_data and source.is_dir() and path.resolve().is_relative_to(source.resolve()):
        raise ValueError(
            f"{output} is inside {argument} {source}: it would replace or join the files read "
            "from there; write it outside that folder."
        )
