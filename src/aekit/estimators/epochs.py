"""Epochs counted in gradient steps: a default number of epochs that still trains on small data.

A fixed number of epochs is a number of passes, not of gradient steps: 30 epochs of batch 200
are 9,000 steps on 60,000 rows but 60 on 300, too few for a network to leave its initial
weights (a default :class:`aekit.Compressor` on 300 digits reconstructed worse than the mean
row). The rule keeps the epochs where they give enough steps and adds epochs where they do not:

    epochs = clip(default, ceil(min_steps / steps_per_epoch), floor(max_steps / steps_per_epoch))

with ``steps_per_epoch = ceil(n_samples / batch)``; when the bounds cross, the upper one wins
(at least one epoch). The detector's members and the compressor use it with their own bounds.
"""

from __future__ import annotations

import math


def epochs_for_steps(
    n_samples: int, batch: int, default: int, min_steps: int, max_steps: int | None = None
) -> int:
    """``default`` epochs of ``n_samples`` rows in batches of ``batch``, raised to give at least
    ``min_steps`` gradient steps and lowered to give at most ``max_steps`` (None: no cap)."""
    per_epoch = max(1, math.ceil(n_samples / batch))  # no rows: the fit refuses them itself
    low = math.ceil(min_steps / per_epoch)
    high = math.inf if max_steps is None else max(1, max_steps // per_epoch)
    return int(min(max(default, low), high))
