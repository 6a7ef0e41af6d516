"""Column names in a message: the first few, how many more, and those nearest the one asked
for, so a message about a table of 785 columns neither prints them all nor hides the name the
user meant behind a silent cut."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

SHOWN = 20  # names listed at most


def some_names(names: Sequence[str], asked: Sequence[str] = ()) -> str:
    """``"['p0', 'p1', ...] and 45 more"``; where some are cut, the names nearest those
    ``asked`` for (a typo, another case) are added: ``"; nearest 'label': ['Label']"``."""
    names = [str(n) for n in names]
    if len(names) <= SHOWN:
        return str(names)
    said = f"{names[:SHOWN]} and {len(names) - SHOWN} more"
    near = {n for a in asked for n in difflib.get_close_matches(str(a), names, n=3, cutoff=0.6)}
    if near:
        said += f"; nearest {', '.join(repr(str(a)) for a in asked)}: {sorted(near)}"
    return said
