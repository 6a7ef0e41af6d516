"""What a text file given where aekit wanted one of its binary files is: text at all, or the
JSON of a table encoding (TabularEncoder.save's, a RUN's encoder.json), named in the message."""

from __future__ import annotations

from pathlib import Path


def is_table_encoding(path: Path) -> bool:
    """Whether the file is TabularEncoder's JSON (its state's first keys open the file)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(512)
    except OSError:
        return False
    return start.lstrip().startswith(b"{") and b'"feature_names_in"' in start


def looks_like_text(start: bytes) -> bool:
    """Whether a file's first bytes are UTF-8 text: no NUL (a safetensors file's length has
    some), and printable characters or white space for the rest."""
    if not start or b"\0" in start:
        return False
    characters = start.decode("utf-8", errors="replace")
    return sum(c.isprintable() or c.isspace() for c in characters) >= 0.95 * len(characters)
