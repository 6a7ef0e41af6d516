"""Epochs counted in gradient steps: a default number of epochs that still trains on small data.

A fixed number of epochs is a number of passes, not of gradient steps: 30 epochs of batch 200
are 9,000 steps on 60,000 rows but 60 on 300, too few for a network to leave its initial
weights (a default :class:`aekit.Compressor` on 300 digits reconstructed worse than the mean
row). The rule keeps the epochs where they give enough steps and adds epochs where they do not:

    epochs = clip(default, ceil(min_steps / steps_per_epoch), floor(max_steps / steps_per_epoch))

with ``steps_per_epoch = ceil(n_samples / batch)``; when the bounds cross, the upper one wins
(at least one epoch). The detector's members and the compressor use it with their own bounds.

The batch of ``batch_size="auto"`` (:func:`batch_rows`) is the other half of the same question:
scikit-learn's min(200, n) leaves an epoch of a few hundred rows a step or two.
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


AUTO_BATCH = 200  # scikit-learn's MLPs' "auto": min(200, n_samples)
SMALLEST_AUTO_BATCH = 32  # Keras's default batch
FULL_BATCH_ROWS = 1000  # from here on "auto" is 200 rows


def batch_rows(batch_size: int | str, n_rows: int, rows_per_epoch: int | None = None) -> int:
    """The rows of a gradient step: ``batch_size``, or for "auto" scikit-learn's min(200, n)
    from 1,000 rows on, and below them n^2 / 5,000 rows (at least 32): an epoch of n rows is
    then 5,000 / n steps, 5 at 1,000 rows, 10 at 500 (1,000 in the default 100 epochs).
    scikit-learn's rule makes an epoch of 400 rows 2 steps, 200 in 100 epochs, too few for a
    VAE (``benchmarks/small_tables.py``). ``rows_per_epoch``: the rows an epoch goes through
    where it repeats them (``FineTunedClassifier``'s ``min_rows_per_epoch``): steps enough."""
    if batch_size != "auto":
        return int(batch_size)
    per_epoch = n_rows if rows_per_epoch is None else rows_per_epoch
    if per_epoch >= FULL_BATCH_ROWS:
        return min(n_rows, AUTO_BATCH)
    # 200 (n / 1,000)^2 = n^2 / 5,000: 200 at 1,000 rows, and fewer rows take more steps
    batch = AUTO_BATCH * per_epoch**2 // FULL_BATCH_ROWS**2
    return min(n_rows, max(SMALLEST_AUTO_BATCH, batch))
