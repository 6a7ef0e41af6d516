"""Denoising: corrupt clean images the way the benchmarks and figures do, and score the cleaning.

The model is :class:`aekit.DenoisingAutoencoder` (dense or ``architecture="conv"``); its
``denoise(X)`` cleans. This module adds what an application around it needs: :func:`corrupt`
(the three noises of Vincent et al. 2008 on data in ``[low, high]``, seeded) and :func:`psnr`
(peak signal-to-noise ratio per image); :mod:`aekit.viz.denoising` draws the figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NOISES = ("gaussian", "masking", "salt_pepper")


def corrupt(
    X: Any,
    noise: str = "gaussian",
    level: float = 0.3,
    random_state: int | None = None,
    low: float = 0.0,
    high: float = 1.0,
) -> np.ndarray:
    """A corrupted copy of X (float32).

    Parameters
    ----------
    X : array-like
        Clean data in ``[low, high]`` (images in [0, 1] by default), any shape.
    noise : {"gaussian", "masking", "salt_pepper"}, default="gaussian"
        Additive Gaussian noise of standard deviation ``level`` clipped to ``[low, high]``; each
        entry set to ``low`` with probability ``level``; or each entry set to ``low`` or
        ``high`` (equally likely) with probability ``level``.
    level : float, default=0.3
    random_state : int or None, default=None
        Seed of the noise (numpy's ``default_rng``).
    low, high : float, default=0, 1
        The data's range.

    Returns
    -------
    X_noisy : ndarray of float32, shaped like X
    """
    if noise not in NOISES:
        raise ValueError(f"noise={noise!r} is not supported; use one of {list(NOISES)}.")
    if not level >= 0 or (noise != "gaussian" and level > 1):
        raise ValueError(f"level={level!r} is out of range: a probability in [0, 1] for {noise!r}.")
    X = np.asarray(X, dtype=np.float32)
    rng = np.random.default_rng(random_state)
    if noise == "gaussian":
        noisy = X + level * rng.standard_normal(X.shape, dtype=np.float32)
        return np.clip(noisy, low, high)
    hit = rng.random(X.shape) < level
    if noise == "masking":
        return np.where(hit, np.float32(low), X)
    salt = rng.random(X.shape) < 0.5
    return np.where(hit, np.where(salt, np.float32(high), np.float32(low)), X).astype(np.float32)


def psnr(clean: Any, estimate: Any, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio of each image, ``10 log10(range^2 / MSE)`` in dB.

    Parameters
    ----------
    clean, estimate : array-like of shape (n, ...)
        One image (or row) per leading index.
    data_range : float, default=1.0
        ``max - min`` of the clean data's scale.

    Returns
    -------
    psnr : ndarray of shape (n,)
        Infinite for a perfect estimate.
    """
    clean = np.asarray(clean, dtype=np.float64)
    estimate = np.asarray(estimate, dtype=np.float64)
    if clean.shape != estimate.shape:
        raise ValueError(f"clean {clean.shape} and estimate {estimate.shape} differ in shape.")
    mse = ((clean - estimate) ** 2).reshape(len(clean), -1).mean(axis=1)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(data_range**2 / mse)
