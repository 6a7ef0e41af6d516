"""Standard-normal draws of eps for the importance-weighted bound, a set of k for each row.

Draws common to every row (:func:`aekit.core.model.fixed_draws`) make a row's value repeat in
any batch, but they make every row's estimate err the same way: the mean of ``L_k`` over a test
set then keeps the draws' error however many rows it has (six seeds of ``L_100`` over 397
digits spread 0.22 nats; with these draws 0.012). Here each row has draws of its own, seeded by
the seed and the row's values: independent between different rows, and still the same for a
row whatever rows are passed with it or in which order.

The seed reads the row's bytes (as float64 in the model's space; -0.0 as 0.0), so a row moved
by any amount, even 1e-13, gets other draws: its value moves by the estimate's noise, not
continuously. Equal rows share their draws (their errors do not average out between them).
"""

from __future__ import annotations

import zlib

import numpy as np
import torch

# At most this many numbers of eps at once (k * rows * latent_dim): k = 5000 draws of a
# 32-unit code for a batch of 2048 rows would be 1.3 GB of float32.
MAX_ENTRIES = 2**22


def rows_at_once(n_draws: int, latent_dim: int) -> int:
    """How many rows' draws :func:`draws_per_row` makes at once within :data:`MAX_ENTRIES`."""
    return max(1, MAX_ENTRIES // (n_draws * latent_dim))


def draws_per_row(x: torch.Tensor, n_draws: int, latent_dim: int, seed: int) -> torch.Tensor:
    """``(n_draws, n, latent_dim)`` draws for the rows ``x`` (n, ...), row i's from a generator
    seeded by ``seed`` and a checksum of row i's values, on x's device and dtype."""
    values = x.detach().cpu().numpy().reshape(len(x), -1) + 0.0  # -0.0 + 0.0 is 0.0
    draws = np.empty((n_draws, len(x), latent_dim))
    for i, row in enumerate(values):
        generator = np.random.default_rng([seed, zlib.crc32(np.ascontiguousarray(row).tobytes())])
        draws[:, i] = generator.standard_normal((n_draws, latent_dim))
    return torch.from_numpy(draws).to(x.device, x.dtype)
