"""What reading a compressed text table (``table.csv.gz``, ``.bz2``, ``.xz``) raises when the
file is cut off or damaged: each reader catches these and says the file is not a readable
``.gz`` (``.xz`` ...) file, in one line.

A cut-off stream raises EOFError; a damaged one gzip's ``zlib.error`` or xz's ``LZMAError``,
which are no OSError (bz2's, and a bad gzip header, are): a damaged ``.csv.gz`` escaped as a
traceback where a cut-off one was said to be unreadable.
"""

from __future__ import annotations

import lzma
import zlib

UNREADABLE_STREAM: tuple[type[Exception], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError)
