"""A column option naming a column DATA lacks: DATA's columns listed, a few and a count, and
the column meant where one is near (a header ``'income '`` with a trailing space, typed
``income``; another case; a close spelling), as the option to type."""

from __future__ import annotations

import difflib

from aekit.cli.shell_words import shell_word

# DATA's columns listed in a refusal; the rest counted
_LISTED = 8


def listed_columns(names: list) -> str:
    """'a, b, c' or, past :data:`_LISTED` columns, 'a, b, ..., h and 12 more'."""
    shown = ", ".join(str(n) for n in names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


def meant(option: str, typed: str, names: list) -> str:
    """' (did you mean --ignore-column 'income '? with a trailing space)', naming the column
    of ``names`` nearest ``typed`` (the same but for spaces or case first, then difflib's
    nearest spelling); '' when none is near."""
    texts = [str(n) for n in names]
    key = typed.strip().casefold()
    same = [n for n in texts if n.strip().casefold() == key]
    if same:
        name = same[0]
        how = _difference(typed, name)
    else:
        folded = {n.strip().casefold(): n for n in texts}
        close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)
        if not close:
            return ""
        name, how = folded[close[0]], ""
    return f" (did you mean {option} {shell_word(name)}?{how})"


def _difference(typed: str, name: str) -> str:
    """What tells ``name`` from ``typed`` where they differ by spaces or case alone: spaces in
    the header or in what was typed, and case compared without them."""
    from aekit.data.unseen_categories import stray_spaces

    said = []
    if stray_spaces(name) != stray_spaces(typed):
        if stray_spaces(name):
            said.append(f"its header has {stray_spaces(name)}")
        if stray_spaces(typed):
            said.append(f"the name typed has {stray_spaces(typed)}")
    if name.strip() != typed.strip():
        said.append("its header's case differs")
    return f" {'; '.join(said)}" if said else ""


def no_such_column(option: str, typed: str, spec: str, names: list) -> str:
    """The refusal of ``option typed`` for a DATA ``spec`` whose columns are ``names``."""
    return (
        f"{option} {shell_word(typed)}: DATA {spec} has no such column"
        f"{meant(option, typed, names)}; its columns: {listed_columns(names)}."
    )
