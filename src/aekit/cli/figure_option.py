"""``--figures/--no-figures``, one option for every command that draws ``RUN/figures/*.png``
(train, detect, detect-series, finetune, and impute, train-hasher and train-compressor given
``--out RUN``): drawing them takes seconds a run (matplotlib's import among them), which a
script making many runs, or a test, need not pay. The RUN's command.txt keeps ``--no-figures``,
so it makes the same folder again, and ``aekit report`` says the RUN has none
(:func:`aekit.viz.report.no_figures_note`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Figures = Annotated[
    bool,
    typer.Option(
        help="Draw RUN/figures/*.png (seconds a run); --no-figures skips them, and "
        "'aekit report RUN' then shows the metrics and parameters alone."
    ),
]


def check_figures_apply(figures: bool, run: Path | None) -> None:
    """Refuse ``--no-figures`` where the command writes no RUN (``run`` None: impute without
    ``--out``, a hasher or compressor written as a model file alone): there are no figures to
    skip, and an option that does nothing was taken, unsaid, for one that did."""
    if not figures and run is None:
        raise ValueError(
            "--no-figures skips the figures of a RUN folder, and this command writes none "
            "(no --out RUN): drop --no-figures, or give --out RUN."
        )
