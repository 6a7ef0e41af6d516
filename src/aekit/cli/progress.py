"""A progress bar over the phases of a command that is not one training loop (``detect``,
``evaluate``): which phase runs, how many are done, the time spent. It draws on stderr and
vanishes when done, so what a command prints on stdout (evaluate's JSON) stays clean; it is drawn
only on a terminal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def phases(title: str, total: int, quiet: bool) -> Iterator[Callable[[str], None]]:
    """Yield ``start(name)``: call it as each of ``total`` phases begins."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:  # a log file gets no bar (nor rich's stray newline)
        yield lambda name: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    progress = Progress(
        SpinnerColumn(),
        TextColumn(f"[bold]{title}[/bold] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("", total=total)
    started = 0

    def start(name: str) -> None:
        nonlocal started
        progress.update(task, description=name, completed=started)
        started += 1

    with progress:
        yield start
