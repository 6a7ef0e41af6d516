"""Layer widths as a network's parameters give them (``hidden_layer_sizes``, a fine-tuner's
``head_layer_sizes``): one rule for every estimator, which reads them as scikit-learn's
MLPRegressor does."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np

from aekit.data.validation import is_int


def layer_widths(
    hidden: Any, default: tuple[int, ...] = (), name: str = "hidden_layer_sizes"
) -> tuple[int, ...]:
    """``hidden_layer_sizes`` (or another parameter of layer widths, ``name``) as a tuple of
    Python ints: ``default`` for None, one layer for an int, as MLPRegressor reads
    ``hidden_layer_sizes=32``, and a width per entry of a 1-D sequence (tuple, list, numpy
    array; numpy ints too); a ``ValueError`` for anything else."""
    if hidden is None:
        return tuple(default)
    widths = (hidden,) if isinstance(hidden, Integral) else hidden
    try:
        flat = np.ndim(widths) == 1  # () and [] too: no hidden layer
    except ValueError:  # ragged, e.g. [(16,), 8]: numpy cannot make an array of it
        flat = False
    if not flat or not all(is_int(width, 1) for width in widths):
        raise ValueError(
            f"{name}={hidden!r} must hold ints of at least 1 (layer widths): "
            "an int, or one per hidden layer in a 1-D tuple, list or array, e.g. (64, 32)."
        )
    return tuple(int(width) for width in widths)
