"""A text table cut short: an interrupted download or copy ends mid-row, and pandas fills the
last row's missing fields with NaN, so the user heard "1 NaN in row 168; impute it" of a file
that had lost its end."""

from __future__ import annotations

import os
from pathlib import Path

from aekit.data.file_kinds import data_suffix
from aekit.data.separators import WHITESPACE, split

TAIL_BYTES = 1 << 16  # the end of the file read for its last line


def last_line_if_unfinished(path: str | os.PathLike[str], encoding: str) -> str | None:
    """The last line of an uncompressed text file that does not end with a line break, else
    None: a finished file, a compressed or unreadable one, a last line longer than
    :data:`TAIL_BYTES`, or an encoding whose line break is not the byte ``\\n`` (UTF-16)."""
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
            tail = handle.read()
    except OSError:
        return None  # the reader's own message says it
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    start = tail.rfind(b"\n")
    if start < 0 and size > len(tail):
        return None  # the last line is longer than the tail read
    return tail[start + 1 :].decode(encoding, errors="replace")


def refuse_cut_last_line(
    path: str | os.PathLike[str], sep: str, encoding: str, columns: int
) -> None:
    """A ValueError when ``path``'s last line has fewer than ``columns`` fields and no line
    break after it: the file was cut short. A last line that holds a quote is let through, as
    it may end a quoted cell that spans lines."""
    if len(sep) > 1 and sep != WHITESPACE:  # a regular expression: pandas' python engine
        return
    line = last_line_if_unfinished(path, encoding)
    if line is None or '"' in line:
        return
    fields = len(split(line, sep))
    if 0 < fields < columns:
        raise ValueError(
            f"{path} looks cut short: its last line has {fields} of the {columns} fields of "
            f"the rows before it and no line break after it ({line[:40]!r}), as a file whose "
            "download or copy stopped midway; copy the whole file again, or delete that line."
        )
