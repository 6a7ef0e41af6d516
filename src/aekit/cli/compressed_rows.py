"""What 'aekit compress' reads and says beyond the bytes: its --step, and how far DATA's rows
come back (:meth:`aekit.compression.Compressor.distortion`), beside the training rows' figure,
so a model of other data does not store rows it cannot give back unnoticed."""

from __future__ import annotations

from typing import Any


def step_value(text: str) -> float:
    """--step's number (a non-positive one is the compressor's to refuse, in its words), or a
    ValueError naming what else it takes."""
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"--step must be a number or 'auto'; got {text!r}.") from None


def distortion_line(compressor: Any, n_rows: int, step: float | None, error: float) -> str:
    """The mean squared error a value of (up to 2,000 of) DATA's ``n_rows`` compressed at
    ``step`` and decompressed (``error``, as ``compress(..., return_distortion=True)`` gives it),
    and at the fitted step (None, or ``step_`` given) the training rows' figure beside it."""
    from aekit.compression.distortion import SAMPLE_ROWS

    on = "" if n_rows <= SAMPLE_ROWS else f" (on {SAMPLE_ROWS:,} of the rows)"
    training = compressor.training_error_
    fitted = step is None or step == compressor.step_  # the step the training figure is at
    against = f"; the training rows': {training:.4g}" if fitted and training is not None else ""
    return f"mean squared error {error:.4g} a value{on}{against}"
