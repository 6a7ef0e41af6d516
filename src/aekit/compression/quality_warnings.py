"""The warnings of a :class:`aekit.compression.Compressor` whose rows come back further from
themselves than the quantization step says: at :meth:`~aekit.compression.Compressor.fit`, a
network no better than the mean row; at :meth:`~aekit.compression.Compressor.compress`, rows
whose codes lie beyond the prior's range.

Each names the user's line that led to it (:func:`aekit.warning_lines.caller_level`).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from aekit.compression.prior import PRIOR_ROWS
from aekit.warning_lines import caller_level


def warn_if_no_better_than_mean(rows: np.ndarray, decoded: np.ndarray) -> None:
    """A ConvergenceWarning when ``rows`` compressed at ``step_`` and decompressed (``decoded``)
    are no closer to themselves than their mean row is: such a model stores nothing of a row."""
    flat = rows.reshape(len(rows), -1).astype(np.float64)
    decoded = decoded.reshape(len(rows), -1)
    error = float(np.mean((decoded - flat) ** 2))
    baseline = float(np.mean((flat - flat.mean(axis=0)) ** 2))
    if baseline > 0 and error >= baseline:  # constant rows: nothing beyond the mean
        warnings.warn(
            f"Compressor: the training rows decompress with a squared error of {error:.4g}, "
            f"no better than their mean row ({baseline:.4g}); the network has not learned. "
            "Train longer (a larger max_iter) or with a larger learning_rate_init.",
            ConvergenceWarning,
            stacklevel=caller_level(),
        )


def warn_if_larger_than_rows(rows: np.ndarray, payload: bytes, latent_dim: int) -> None:
    """A warning when ``rows`` compress (``payload``, their coded symbols at ``step_``) to more
    bits a row than their values take as float32: the default code of 128 dimensions, sized
    for images, stored 600 rows of a 3-column table in 15,112 bytes against their 7,200."""
    n_rows, n_values = len(rows), int(np.prod(rows.shape[1:]))
    bits = 8 * len(payload) / max(n_rows, 1)
    wide = latent_dim >= n_values  # a code no narrower than the rows: 128 for a 36-column table
    if bits < 32 * n_values and not wide:
        return
    smaller = f", e.g. latent_dim={max(1, n_values // 2)}" if wide else ""
    said = (
        f"the training rows compress to {bits:.0f} bits each, more than their {n_values} values "
        f"take as float32 ({32 * n_values} bits): a code of {latent_dim} dimensions for "
        f"{n_values} values stores more than the rows"
        if bits >= 32 * n_values
        else f"a code of {latent_dim} dimensions is no narrower than the rows' {n_values} values"
        + (" (the default latent_dim=128 is sized for images)" if latent_dim == 128 else "")
        + f"; the training rows compress to {bits / n_values:.2f} bits a value"
        # a table of whole numbers 0..255 at 8.8 bits a value: more than its own bytes
        + (", more than the 8 of the bytes they fit in" if _bytes(rows, bits / n_values) else "")
    )
    warnings.warn(
        f"Compressor: {said}. Use a smaller latent_dim{smaller}, a larger step, or keep the "
        "rows as they are.",
        UserWarning,
        stacklevel=caller_level(),
    )


def warn_of_clipped_codes(clipped: np.ndarray) -> None:
    """A warning naming how many rows had a code beyond the range the prior was fitted on
    (plus its margin): their codes are clipped to it, so they come back further from
    themselves than the step says (rows unlike the prior's rows; the bytes still decode). The
    prior reads at most PRIOR_ROWS training rows, so a rare training row can be one."""
    rows = clipped.any(axis=1)
    if rows.any():
        warnings.warn(
            f"Compressor: {int(rows.sum()):,} of {len(rows):,} rows have codes beyond the range "
            f"the prior was fitted on ({int(clipped.sum()):,} values clipped to it; it reads up "
            f"to {PRIOR_ROWS:,} training rows), so they decompress with a larger error than the "
            "step gives: rows unlike those the model was fitted on.",
            UserWarning,
            stacklevel=caller_level(),
        )


def _bytes(rows: np.ndarray, bits_a_value: float) -> bool:
    """Whether ``rows`` are whole numbers 0..255 (bytes) compressed to more than 8 bits a value."""
    flat = np.asarray(rows, dtype=np.float64)
    whole = bool(np.all(flat == np.round(flat)))
    return bits_a_value > 8 and whole and flat.min() >= 0 and flat.max() <= 255
