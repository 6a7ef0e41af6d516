"""The command list of ``aekit --help``: one sentence a command, wrapped to the terminal.

Typer's rich help keeps a docstring's line breaks in that list (not on a command's own page), so
a summary wrapped at 100 characters in the source broke mid-sentence there, and a first paragraph
of several sentences made the list hard to scan; ``aekit COMMAND --help`` shows the whole text.
"""

from __future__ import annotations

import inspect
import re

import typer

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def summary(doc: str | None) -> str:
    """The first sentence of ``doc`` on one line, code quotes (````x````) as ``'x'``."""
    first_paragraph = " ".join(inspect.cleandoc(doc or "").split("\n\n")[0].split())
    return _SENTENCE_END.split(first_paragraph, maxsplit=1)[0].replace("``", "'")


def add_summaries(app: typer.Typer) -> None:
    """Give every command of ``app`` without a ``short_help`` its docstring's first sentence."""
    for info in app.registered_commands:
        if info.short_help is None and info.callback is not None:
            info.short_help = summary(info.help or info.callback.__doc__)
