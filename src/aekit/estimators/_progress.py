"""A rich progress bar fed by the trainer's per-epoch reports, drawn on stderr: what a script
prints on stdout (``aekit ... > out.txt``) stays its results alone."""

from __future__ import annotations

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


class ProgressBar:
    """Context manager and trainer callback: epoch m/n, loss, validation loss, time left. The
    bar moves within an epoch too (:meth:`within_epoch`), so its time left shows from the first
    seconds of a long epoch rather than after it."""

    def __init__(self, description: str, total: int) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("epoch"),
            MofNCompleteColumn(),
            TextColumn("{task.fields[losses]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.task = self.progress.add_task(description, total=total, completed=0, losses="")

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

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
