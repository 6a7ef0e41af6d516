"""The ranges ``DenoisingAutoencoder.denoise`` clipped values to, said feature by feature: a
warning that names only "each feature's training minimum and maximum" leaves a command-line
user, who has no ``input_range()`` to call, without the range to clip to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

SAID = 3  # features whose ranges a warning lists; the rest are counted
# (names, mean, scale) of an encoder that standardized X before the model saw it (aekit
# denoise of a table with text columns): the ranges are said in the table's names and units
_TABLE_UNITS: ContextVar[tuple | None] = ContextVar("table_units", default=None)


@contextmanager
def ranges_in_table_units(encoder) -> Iterator[None]:
    """Say the clipped ranges by the names of a fitted :class:`aekit.TabularEncoder`'s output
    columns and as ``value * scale_ + mean_``, the units of the table it read, not the
    encoded ones the model was given."""
    names = [str(name) for name in encoder.get_feature_names_out()]
    token = _TABLE_UNITS.set((names, encoder.mean_, encoder.scale_))
    try:
        yield
    finally:
        _TABLE_UNITS.reset(token)


def clipped_ranges(clipped: np.ndarray, low: np.ndarray, high: np.ndarray, names=None) -> str:
    """``temp 10.68 to 29.2, load 61.01 to 121.2 and 3 more features``: the range, in X's
    units, of each feature (flat index, or its name from ``names``) whose values were clipped
    (``clipped``: a boolean mask of shape (n_rows, n_features)), the most clipped first."""
    counts = np.count_nonzero(clipped, axis=0)
    features = [int(j) for j in np.argsort(-counts, kind="stable") if counts[j]]
    units = _TABLE_UNITS.get()
    if units is not None and len(units[0]) == len(low):
        names, mean, scale = units
        low, high = (
            [v * scale.get(n, 1.0) + mean.get(n, 0.0) for v, n in zip(bound, names, strict=True)]
            for bound in (low, high)
        )
    said = [
        f"{names[j] if names is not None else f'feature {j}'} {low[j]:.4g} to {high[j]:.4g}"
        for j in features[:SAID]
    ]
    more = len(features) - SAID
    return ", ".join(said) + (f" and {more} more feature{'s' * (more > 1)}" if more > 0 else "")
