"""Where a chunk starts in the rows the user gave: data read a chunk at a time
(:func:`aekit.estimators.streaming.chunks_of`: a 70,000-row Parquet file in chunks of 65,536)
reaches the encoder as frames whose positions start at 0, and a refusal naming "row 464" of the
second chunk meant row 66000 of the file. The chunk loop marks each chunk's frame with its first
row (:func:`marked`, in pandas' ``attrs``, which the frame's copies and casts carry); a message
naming a row adds it (:func:`absolute_row`).
"""

from __future__ import annotations

from typing import Any

_KEY = "aekit_chunk"  # (the chunk's first row, its row count)


def marked(part: Any, start: int) -> Any:
    """``part`` (a DataFrame chunk of rows from ``start``) marked with where it starts; any
    other chunk (an array: no column to name) as it is."""
    attrs = getattr(part, "attrs", None)
    if isinstance(attrs, dict):
        attrs[_KEY] = (int(start), len(part))
    return part


def absolute_row(frame: Any, row: int) -> int:
    """``row`` (a position within ``frame``) counted in the rows the user gave."""
    chunk = _chunk(frame)
    return row if chunk is None else chunk[0] + row


def rows_read(frame: Any) -> str:
    """', of the first N rows read' for a chunk (counts cover the rows read so far: earlier
    chunks held none, as they passed, and later ones are not read yet); '' otherwise."""
    chunk = _chunk(frame)
    return "" if chunk is None else f", of the first {chunk[0] + chunk[1]} rows read"


def _chunk(frame: Any) -> tuple[int, int] | None:
    chunk = getattr(frame, "attrs", {}).get(_KEY)
    return chunk if isinstance(chunk, tuple) and len(chunk) == 2 else None
