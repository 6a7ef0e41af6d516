"""Column names in a message: the first few, how many more, and those nearest the one asked
for, so a message about a table of 785 columns neither prints them all nor hides the name the
user meant behind a silent cut."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

SHOWN = 20  # names listed at most


def some_names(names: Sequence[str], asked: Sequence[str] = ()) -> str:
    """``"['p0', 'p1', ...] and 45 more"``; where some are cut, the names nearest those
    ``asked`` for (a typo, another case) are added: ``"; nearest 'label': ['Label']"``; a name
    that differs from one asked for in case alone is offered: ``" (did you mean 'Label'?)"``."""
    names = [str(n) for n in names]
    # another case or spacing of the name asked for: said even where every name is listed
    cased = [n for n in names for a in asked if n != a and n.strip().lower() == str(a).lower()]
    meant = f" (did you mean {cased[0]!r}?)" if cased else ""
    if len(names) <= SHOWN:
        return f"{names}{meant}"
    said = f"{names[:SHOWN]} and {len(names) - SHOWN} more"
    if cased:
        return said + meant
    near = {n for a in asked for n in difflib.get_close_matches(str(a), names, n=3, cutoff=0.6)}
    if near:
        said += f"; nearest {', '.join(repr(str(a)) for a in asked)}: {sorted(near)}"
    return said
