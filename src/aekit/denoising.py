"""Denoising: corrupt clean images the way the benchmarks and figures do, score the cleaning,
and draw noisy / denoised / clean rows.

The model is :class:`aekit.DenoisingAutoencoder` (dense or ``architecture="conv"``); its
``denoise(X)`` cleans. This module adds what an application around it needs: :func:`corrupt`
(the three noises of Vincent et al. 2008 on data in ``[low, high]``, seeded), :func:`psnr`
(peak signal-to-noise ratio per image) and :func:`denoising_grid` (the figure). Only numpy is
imported at module level.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def denoising_grid(
    noisy: Any,
    denoised: Any,
    clean: Any | None = None,
    n_cols: int = 8,
    ax=None,
    image_shape: Sequence[int] | None = None,
    title: str | None = None,
):
    """Rows of noisy images, their denoised versions and (when given) the clean originals.

    Parameters
    ----------
    noisy, denoised : array-like of n images
    clean : array-like of n images, default=None
    n_cols : int, default=8
        Images per row (the first ``n_cols`` images are shown).
    ax : matplotlib Axes, default=None
    image_shape : tuple (C, H, W), default=None
        For flat rows (square single-channel when None).
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    from aekit.plotting import _as_images, image_grid

    rows = [("noisy", noisy), ("denoised", denoised)]
    if clean is not None:
        rows.append(("clean", clean))
    images = [_as_images(images, image_shape)[:n_cols] for _, images in rows]
    if len({im.shape for im in images}) != 1:
        raise ValueError(f"the rows have different shapes: {[im.shape for im in images]}.")
    return image_grid(
        np.concatenate(images),
        len(images[0]),
        row_labels=[label for label, _ in rows],
        ax=ax,
        title=title,
    )


def run_figure(data: Any):
    """The run figure of a DenoisingAutoencoder fitted on images: training images under the
    model's own noise, denoised, and clean (``aekit.report`` calls this with its data)."""
    estimator = data.estimator
    if not hasattr(estimator, "denoise") or data.image_shape is None:
        return None
    pick = np.arange(min(8, len(data.flat)))
    clean = data.flat[pick]
    noise = "masking" if estimator.noise == "dropout" else estimator.noise
    scale = 1.0 if estimator.data_scale_ is None else float(np.mean(estimator.data_scale_))
    level = estimator.noise_level * (scale if noise == "gaussian" else 1.0)  # data units
    noisy = corrupt(clean, noise, level, random_state=0, low=data.low, high=data.high)
    shaped = noisy.reshape(len(pick), *data.image_shape)
    denoised = np.asarray(estimator.denoise(shaped if estimator.input_ndim_ == 4 else noisy))
    title = f"{data.name}: noisy ({estimator.noise}, {estimator.noise_level:g}), denoised, clean"
    return denoising_grid(
        data.images(noisy), data.images(denoised.reshape(len(pick), -1)), data.images(clean),
        title=title,
    ).figure  # fmt: skip
