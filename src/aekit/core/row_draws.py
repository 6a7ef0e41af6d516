"""Standard-normal draws of eps for the importance-weighted bound, a set of k for each row.

Draws common to every row (:func:`aekit.core.model.fixed_draws`) make a row's value repeat in
any batch, but they make every row's estimate err the same way: the mean of ``L_k`` over a test
set then keeps the draws' error however many rows it has (0.2 nats between seeds for 600 digits
at k = 100, where independent draws differ by 0.01). Here each row has draws of its own, seeded
by the seed and the row's values: independent between different rows, and still the same for a
row whatever rows are passed with it or in which order.
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
    values = x.detach().cpu().numpy().reshape(len(x), -1)
    draws = np.empty((n_draws, len(x), latent_dim))
    for i, row in enumerate(values):
        generator = np.random.default_rng([seed, zlib.crc32(np.ascontiguousarray(row).tobytes())])
        draws[:, i] = generator.standard_normal((n_draws, latent_dim))
    return torch.from_numpy(draws).to(x.device, x.dtype)
