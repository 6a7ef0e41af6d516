"""The default quantization step: chosen per model from its own training rows.

A fixed step is a fixed rate per code unit, whatever the data: on MNIST step 1.0 sits at the knee
of the rate-distortion curve, while on the 8x8 digits it spends 3.2 bits per pixel (more than
lossless lzma) for a quality the network, not the quantizer, limits (issue 20). The rule instead
asks how much rounding may cost: the largest step of :data:`STEPS` whose rounding adds at most
:data:`TOLERANCE` to the squared error the unrounded code already has,

    mse(step) <= (1 + TOLERANCE) * mse(0),

measured on up to :data:`MAX_ROWS` training rows. TOLERANCE = 0.1 (about 0.4 dB of PSNR) is a
round figure checked on MNIST and Fashion-MNIST only (the step sweeps of
``benchmarks/compress.py``): there it lands at steps 1.0 and 1.5, at the knee of each curve,
0.2 and 0.3 dB under the finest step. The bundled digits, where the default used to lose to
lossless lzma, were not used to set it; they are the out-of-sample check, which it passed with
the 30-epoch network (step 2.0, 1.64 bpp against lzma's 2.84) and fails with the network that
``max_iter="auto"`` trains there (21.5 dB instead of 16.3, step 0.75, 5.44 bpp: the README).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from aekit.data.validation import is_number

STEPS = (0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
TOLERANCE = 0.1
MAX_ROWS = 2000


def choose_step(
    rows: np.ndarray,
    codes: np.ndarray,
    decode: Callable[[np.ndarray], np.ndarray],
    rounded: Callable[[np.ndarray, float], np.ndarray],
) -> float:
    """The largest step in :data:`STEPS` within :data:`TOLERANCE` of the unrounded error.

    ``codes`` are the encoder's codes of ``rows``; ``decode`` maps codes back to rows and
    ``rounded(codes, step)`` rounds codes as compression does (clipped to the prior's range).
    """

    def error(decoded: np.ndarray) -> float:
        return float(np.mean((decoded.reshape(len(rows), -1) - rows.reshape(len(rows), -1)) ** 2))

    budget = (1 + TOLERANCE) * error(decode(codes))
    chosen = STEPS[0]
    for step in STEPS:
        if error(decode(rounded(codes, step))) <= budget:
            chosen = step
    return chosen


def positive_step(step: Any) -> float:
    """``step`` as a float, refused unless a positive finite number."""
    if not is_number(step) or not np.isfinite(step) or step <= 0:
        raise ValueError(f"step={step!r} must be a positive number (smaller = more bits).")
    return float(step)
