"""A text table cut short: an interrupted download or copy ends mid-row, and pandas fills the
last row's missing fields with NaN, so the user heard "1 NaN in row 168; impute it" of a file
that had lost its end."""

from __future__ import annotations

import os
import re
from pathlib import Path

from aekit.data.file_kinds import data_suffix
from aekit.data.separators import WHITESPACE, split

TAIL_BYTES = 1 << 16  # the end of the file read for its last line


def unfinished_end(path: str | os.PathLike[str], encoding: str) -> tuple[str, str] | None:
    """``(line_before, last_line)`` of an uncompressed text file whose last line has no line
    break after it (``\\n``, ``\\r\\n`` or a classic Mac's ``\\r``), else None: a finished
    file, a compressed or unreadable one, one whose last lines are longer than
    :data:`TAIL_BYTES`, an encoding whose line break is not the byte ``\\n`` (UTF-16), or a
    last "line" of blanks or of DOS's end-of-file byte (0x1A), which readers skip."""
    if data_suffix(path) != Path(path).suffix.lower():  # compressed: its reader checks the end
        return None
    try:
        if "\n".encode(encoding) != b"\n":
            return None
    except LookupError:
        return None  # an unknown encoding: said by the reader
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            tail = handle.read().decode(encoding, errors="replace")
    except OSError:
        return None  # the reader's own message says it
    if not tail or tail.endswith(("\n", "\r")):
        return None
    lines = re.split(r"\r\n|\r|\n", tail)
    whole = len(lines) >= (2 if size <= TAIL_BYTES else 3)  # the tail's first may be cut
    if not whole or not lines[-1].strip(" \t\x1a"):
        return None
    return lines[-2], lines[-1]


def refuse_cut_last_line(path: str | os.PathLike[str], sep: str, encoding: str) -> None:
    """A ValueError when ``path``'s last line has fewer fields than the line before it and no
    line break after it: the file was cut short. Let through: a last line or the one before
    holding a quote (it may end a quoted cell that spans lines), and a comment line ('#'),
    which the reader's own check names."""
    if len(sep) > 1 and sep != WHITESPACE:  # a regular expression: pandas' python engine
        return
    end = unfinished_end(path, encoding)
    if end is None or any('"' in line for line in end) or end[1].lstrip().startswith("#"):
        return
    before, last = (len(split(line, sep)) for line in end)
    if 0 < last < before:
        raise ValueError(
            f"{path} looks cut short: its last line has {last} fields where the line before it "
            f"has {before}, and no line break after it ({end[1][:40]!r}), as a file whose "
            "download or copy stopped midway; copy the whole file again, or delete that line."
        )
