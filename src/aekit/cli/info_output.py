"""How ``aekit info`` prints what it found: a two-column table for a person, or (``--json``)
one JSON object for a script, the table's rows as its keys (spaces as underscores: ``training
time`` is ``training_time``) after ``file`` (what was described) and, for a model, ``class``.

The table is for reading: a character the output's encoding cannot write (a folder named
``modèles`` under ``PYTHONIOENCODING=ascii`` or an ASCII locale) is printed as ``?``; it ended
the command with "'ascii' codec can't encode character", exit 2. The JSON is ASCII whatever
the encoding (``\\u00e8``, as ``aekit evaluate`` writes its JSON), so a script reads every name
exactly.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

MIN_WIDTH = 20  # narrower than this (COLUMNS=0, 5), info's table is drawn 80 wide
# What a table row adds to its two cells' text: "│ key │ value │", borders and padding
_ROW_FRAME = 7


class Lines(list):
    """A value of several lines (a run's warnings): a list of strings in the JSON, one a line
    in the table (``--json`` gave them as one string, the lines joined, for a script to split)."""


def json_key(name: str) -> str:
    """A table row's name as a JSON key: ``kept epoch's metrics`` -> ``kept_epochs_metrics``."""
    return name.replace("'", "").replace(" ", "_")


def print_facts(
    title: str, rows: dict[str, Any], as_json: bool, head: dict[str, str] | None = None
) -> None:
    """``rows`` with a value (None: not shown), as a table under ``title``, or as JSON after
    ``head`` (the file described, and a model's class)."""
    if as_json:
        facts = {json_key(key): value for key, value in rows.items() if value is not None}
        typer.echo(json.dumps({**(head or {}), **facts}, indent=2))
        return
    _print_table(title, rows)


def _print_table(title: str, rows: dict[str, Any]) -> None:
    """``info``'s two-column table: every row that has a value; one of a single word too long
    for the terminal (a SHA-256 digest at 60 columns, a long path) is printed whole below it,
    ``name: value`` on one line, which a terminal wraps but copies whole: folded in the table,
    it came out in pieces between the table's borders."""
    from rich.console import Console
    from rich.table import Table

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # what the encoding cannot write, as '?' (see above)
        reconfigure(errors="replace")
    console = Console()
    if console.width < MIN_WIDTH:  # COLUMNS=0 printed nothing, and exited 0
        console = Console(width=80)
    shown = {key: _cell(value) for key, value in rows.items() if value is not None}
    # the value column's room: rich narrows the wider column, the values', first
    room = console.width - _ROW_FRAME - max(map(len, shown), default=0)
    below = {k: v for k, v in shown.items() if len(v) > room and len(v.split()) == 1}
    table = Table(title=title, show_header=False)
    table.add_column()
    table.add_column(overflow="fold")  # a long value wraps, not cut with '…'
    for key, value in shown.items():
        if key not in below:
            table.add_row(key, value)
    console.print(table)
    for key, value in below.items():
        console.print(f"{key}: {value}", soft_wrap=True, markup=False, highlight=False)


def _cell(value: Any) -> str:
    """A value as the table shows it: text as it is, a :class:`Lines` one a line, the rest as
    JSON."""
    if isinstance(value, Lines):
        return "\n".join(value)
    return value if isinstance(value, str) else json.dumps(value)
