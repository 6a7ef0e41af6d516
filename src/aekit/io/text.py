"""Text files aekit writes beside its models (a run's ``config.toml`` and ``command.txt``, a
table encoder's JSON, an export's manifest): UTF-8 whatever the locale, as they are read back
(``tomllib`` and JSON read UTF-8)."""

from __future__ import annotations

import os
from pathlib import Path


def write_utf8(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8. ``errors="surrogateescape"``: a name the command
    line got as bytes its locale could not decode (a UTF-8 folder name under ``LC_ALL=C``
    without Python's UTF-8 mode) is written back as those very bytes, not refused."""
    Path(path).write_text(text, encoding="utf-8", errors="surrogateescape")
