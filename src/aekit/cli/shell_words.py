"""A name as one word of a shell command, for the advice the command line prints (a leaf module:
the column options and the error messages both use it)."""

from __future__ import annotations

import re
import shlex


def shell_word(text: str) -> str:
    """``text`` as one word of a shell command: as it is, 'in single quotes', or, holding a
    single quote alone, "in double quotes" ("Date d'achat", where shlex gives
    'Date d'"'"'achat')."""
    quoted = shlex.quote(text)
    if "'" in text and quoted != text and not re.search(r'[$`"\\!]', text):
        return f'"{text}"'
    return quoted
