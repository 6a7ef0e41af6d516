"""A rich progress bar fed by the trainer's per-epoch reports, drawn on stderr: what a script
prints on stdout (``aekit ... > out.txt``) stays its results alone."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from aekit.core.train import EpochReport

# Where stderr is no terminal (a CI log, nohup, a notebook without ipywidgets) rich draws the
# bar once, at the end: a line every this many seconds says a long run is alive (a 300-epoch
# run printed nothing until it ended)
PLAIN_LINE_EVERY_S = 30.0


class ProgressBar:
    """Context manager and trainer callback: epoch m/n, loss, validation loss, time left. The
    bar moves within an epoch too (:meth:`within_epoch`), so its time left shows from the first
    seconds of a long epoch rather than after it."""

    def __init__(self, description: str, total: int) -> None:
        console = _console()
        shown = _parts_that_fit(console.width - 1, description, total)
        bar_width = min(40, console.width - 2 - sum(shown.values()))
        columns = {
            "name": [TextColumn("[bold]{task.description}")],
            "bar": [BarColumn(bar_width=bar_width)] if bar_width >= 4 else [],
            "count": [TextColumn("epoch"), MofNCompleteColumn()],
            "losses": [TextColumn("{task.fields[losses]}")],
            "spent": [TimeElapsedColumn()],
            "left": [TextColumn("left"), TimeRemainingColumn()],
        }
        chosen = [c for part, cs in columns.items() if part == "bar" or part in shown for c in cs]
        self.progress = Progress(*chosen, console=console)
        self.task = self.progress.add_task(description, total=total, completed=0, losses="")
        # a notebook's widget is redrawn in place as a terminal's bar: no plain lines under it
        self.plain = not (console.is_terminal or console.is_jupyter)
        self.description, self.total = description, total
        self.started = self.last_line = time.monotonic()

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        console = self.progress.console
        if console.is_jupyter:
            # rich's stop() draws no last time in a notebook: the widget kept the state of the
            # last refresh (epoch 59/60, left 0:00:01), not the last epoch and its loss
            self.progress.refresh()
            console.quiet = True  # and what stop() prints there is an empty block, <pre></pre>
        try:
            self.progress.stop()
        finally:
            console.quiet = False

    def say(self, line: str) -> None:
        """One line above the bar (on stderr, with it)."""
        self.progress.console.print(line, highlight=False, markup=False, soft_wrap=True)

    def within_epoch(self, completed: float) -> None:
        """The trainer's report during an epoch: epochs done so far, as a float."""
        self.progress.update(self.task, completed=completed)

    def __call__(self, report: EpochReport) -> None:
        losses = f"loss {report.train['loss']:.4g}"
        if report.validation:
            losses += f"  val {report.validation['loss']:.4g}"
        self.progress.update(self.task, completed=report.epoch, losses=losses)
        now = time.monotonic()
        if self.plain and now - self.last_line >= PLAIN_LINE_EVERY_S and report.epoch < self.total:
            self.last_line = now
            spent = time.strftime("%H:%M:%S", time.gmtime(now - self.started))
            self.say(f"{self.description} epoch {report.epoch}/{self.total} {losses} ({spent})")


def _console() -> Console:
    """stderr's console. In a notebook without ipywidgets rich cannot draw its live bar: each
    verbose fit warned 'install "ipywidgets" for Jupyter support' from rich's own line and
    showed an empty block, no bar, no last loss; there it writes plain text on stderr, as to
    a log (the bar once at the end, a line at intervals). No terminal either, though the kernel
    sets FORCE_COLOR: a stream's cursor and erase codes are no terminal's in every browser."""
    console = Console(stderr=True)
    if console.is_jupyter and not _widgets_importable():
        console = Console(stderr=True, force_jupyter=False, force_terminal=False)
    return console


def _widgets_importable() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _parts_that_fit(width: int, description: str, total: int) -> dict[str, int]:
    """The bar's text parts that fit in ``width`` characters, most useful first, with their
    widths: the epoch count, the time left, the losses (about 22 characters with a validation
    loss), the model's name; the time spent only beside a bar of 10 or more. rich squeezes
    every column of a line too wide, so a narrow terminal read "epoch  loss 41.4 … left …";
    now the least useful parts go instead, and the bar gets what is left."""
    sizes = {
        "count": len(f" epoch {total}/{total}"),
        "left": len(" left 0:00:00"),
        "losses": 22,
        "name": len(description) + 1,
    }
    shown: dict[str, int] = {}
    for part, size in sizes.items():
        if sum(shown.values()) + size <= width:
            shown[part] = size
    spent = len(" 0:00:00")
    if sum(shown.values()) + spent + 10 <= width:
        shown["spent"] = spent
    return shown
