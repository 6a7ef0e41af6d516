"""A name as one word of a shell command, for the advice the command line prints (a leaf module:
the column options and the error messages both use it)."""

from __future__ import annotations

import re
import shlex

# control characters (a newline or a tab in a cell or a column's name): single quotes would
# print them as they are, and the command line's one-line message would become two lines
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", "'": "\\'"}


def shell_word(text: str) -> str:
    """``text`` as one word of a shell command: as it is, 'in single quotes', or, holding a
    single quote alone, "in double quotes" ("Date d'achat", where shlex gives
    'Date d'"'"'achat'); holding a control character, $'in ANSI-C quotes' (bash's and zsh's:
    $'1.5\\n2' for a cell that holds a newline), which keep the advice on one line."""
    if _CONTROL.search(text):
        return "$'" + "".join(_ansi_c(char) for char in text) + "'"
    quoted = shlex.quote(text)
    if "'" in text and quoted != text and not re.search(r'[$`"\\!]', text):
        return f'"{text}"'
    return quoted


def _ansi_c(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\x{ord(char):02x}" if _CONTROL.match(char) else char
