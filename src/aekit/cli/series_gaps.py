"""``--handle-missing`` of the commands that read a fitted model (``aekit score``, ``aekit
evaluate``): a series run's new data filled as its fit's option would have, without a refit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import a_kind

FillGaps = Annotated[  # aekit score and evaluate: a series run's DATA, without refitting
    str | None,
    typer.Option(
        "--handle-missing",
        metavar="HOW",
        help="A series run's DATA: interpolate fills its NaN values and missing timestamps "
        "(as detect-series' option does), without refitting.",
        show_default=False,
    ),
]


def fill_gaps(estimator, handle_missing: str | None, run: Path) -> None:
    """--handle-missing of a command that reads a fitted model: a series detector fills the
    gaps of new data as its fit's option would have (the option reads input only, so no refit
    is needed: an hourly job's one missing reading failed the job); refused for other runs."""
    if handle_missing is None:
        return
    if not hasattr(estimator, "time_column"):
        raise ValueError(
            f"--handle-missing is for a series run ('aekit detect-series'), whose new series' "
            f"gaps it fills; {run} holds {a_kind(estimator)}: leave the option out (for "
            "missing values in DATA, fill them with 'aekit impute' first, or refit with "
            "'aekit detect --handle-missing')."
        )
    if handle_missing not in ("error", "interpolate"):
        raise ValueError(f"--handle-missing {handle_missing}: use error or interpolate.")
    estimator.set_params(handle_missing=handle_missing)
