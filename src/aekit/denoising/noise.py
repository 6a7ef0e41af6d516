"""Denoising: corrupt clean images the way the benchmarks and figures do, and score the cleaning.

The model is :class:`aekit.DenoisingAutoencoder` (dense or ``architecture="conv"``); its
``denoise(X)`` cleans. This module adds what an application around it needs: :func:`corrupt`
(the noises the model trains with, :class:`aekit.core.objectives.Corruption`, on data in one
range ``[low, high]``, seeded: the model's own noise for [0, 1] data) and :func:`psnr` (peak
signal-to-noise ratio per image; :func:`psnr_of_mse` from a mean squared error);
:mod:`aekit.viz.denoising` draws the figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from aekit.core.objectives.corruption import NOISES, Corruption
from aekit.data.validation import check_count

__all__ = ["NOISES", "corrupt", "psnr", "psnr_of_mse"]


def corrupt(
    X: Any,
    noise: str = "gaussian",
    level: float = 0.3,
    random_state: int | None = None,
    low: float = 0.0,
    high: float = 1.0,
) -> np.ndarray:
    """A corrupted copy of X (float32), drawn by the code the models train with
    (:class:`aekit.core.objectives.Corruption`), applied to ``X - low`` with the bounds
    ``[0, high - low]`` and shifted back.

    For [0, 1] data with the defaults ``low=0, high=1`` this is the noise a
    :class:`aekit.DenoisingAutoencoder` trained on such data sees. Otherwise it is not: the
    model corrupts standardized features, with each feature's training minimum and maximum as
    bounds and masking writing the feature's training mean, where this function uses one
    ``[low, high]`` for every entry and masks to ``low``.

    Parameters
    ----------
    X : array-like
        Clean data in ``[low, high]`` (images in [0, 1] by default), any shape.
    noise : {"gaussian", "masking", "salt_pepper", "dropout"}, default="gaussian"
        Additive Gaussian noise of standard deviation ``level`` clipped to ``[low, high]``; each
        entry set to ``low`` with probability ``level``; each entry set to ``low`` or ``high``
        (equally likely) with probability ``level``; or masking whose kept entries are
        stretched away from ``low`` by ``1 / (1 - level)``, so each entry keeps its expected
        value (their values may then exceed ``high``).
    level : float, default=0.3
        The noise's standard deviation, or the probability that an entry is hit.
    random_state : int or None, default=None
        Seed of the noise (a ``torch.Generator``); None draws a fresh seed.
    low, high : float, default=0, 1
        The data's range, the same for every entry: the bounds of the Gaussian noise's clip
        and salt-and-pepper's values, and ``low`` the value masking and dropout write.

    Returns
    -------
    X_noisy : ndarray of float32, shaped like X

    Raises
    ------
    ValueError
        For X with values outside ``[low, high]`` (images of 0..255 against the default [0, 1]:
        every ink pixel was clipped to 1) or not finite, an unknown ``noise``, or a ``level``
        out of its noise's range.
    """
    values = np.asarray(X, dtype=np.float64)
    _check_within(values, low, high)
    span = torch.tensor(float(high) - float(low), dtype=torch.float64)
    zero = torch.zeros((), dtype=torch.float64)
    corruption = Corruption(noise, level, zero, span, level_name="level")  # checks them
    generator = torch.Generator()
    if random_state is None:
        generator.seed()
    else:  # True was the seed 1, 2.7 the seed 2: a seed is an int
        generator.manual_seed(check_count(random_state, "random_state", minimum=0))
    # Corruption works in the model's input space, where masking writes 0: shifting the data
    # by ``low`` makes 0 the data's ``low``. In float64 the shift and its undoing are exact for
    # float32 values, so entries the noise does not hit come back unchanged.
    shifted = torch.from_numpy(values - low)
    with torch.no_grad():
        noisy = corruption(shifted, generator)
    return (noisy.numpy() + low).astype(np.float32)


def _check_within(values: np.ndarray, low: float, high: float) -> None:
    """Refuse values outside ``[low, high]``: the noise is drawn for that range (clipped to it,
    salt of ``high``), so images of 0..255 came back a mask of 0s and 1s, unsaid."""
    if values.size and not np.isfinite(values).all():
        raise ValueError(
            "X holds values that are not finite (NaN or inf); fill or drop them first."
        )
    if values.size and (values.min() < low or values.max() > high):
        pixels = (low, high) == (0, 1) and values.min() >= 0 and values.max() <= 255
        scale = " (X / 255 for images of 0..255, or high=255)" if pixels else ""
        raise ValueError(
            f"X spans {values.min():g} to {values.max():g}, outside [low, high] = [{low:g}, "
            f"{high:g}], the range the noise is drawn for: scale X into it{scale}, or pass its "
            "own range as low and high."
        )


def psnr(clean: Any, estimate: Any, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio of each image, ``10 log10(range^2 / MSE)`` in dB.

    Parameters
    ----------
    clean, estimate : array-like of shape (n, ...)
        One image (or row) per leading index; a 1-D array is one row.
    data_range : float, default=1.0
        ``max - min`` of the clean data's scale.

    Returns
    -------
    psnr : ndarray of shape (n,)
        Infinite for a perfect estimate.

    Raises
    ------
    ValueError
        For shapes that differ, no rows, a clean span over ``data_range``, and values that are
        not finite (NaN, inf).
    """
    clean = np.asarray(clean, dtype=np.float64)
    estimate = np.asarray(estimate, dtype=np.float64)
    if clean.shape != estimate.shape:
        raise ValueError(f"clean {clean.shape} and estimate {estimate.shape} differ in shape.")
    if clean.ndim == 0 or clean.size == 0:
        raise ValueError(f"psnr needs images or rows of shape (n, ...); got shape {clean.shape}.")
    for name, values in (("clean", clean), ("estimate", estimate)):
        if not np.isfinite(values).all():  # a NaN figure for the row, without a word
            first = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
            count = int((~np.isfinite(values)).sum())
            raise ValueError(
                f"{name} holds {count} {'values that are' if count > 1 else 'value that is'} not "
                "finite "
                f"(the first: {values[first]} at index {first}): PSNR has no number for them; "
                "fill or drop those images first."
            )
    span = float(clean.max() - clean.min())
    if span > data_range * (1 + 1e-6):  # uint8 images against [0, 1] ones gave about -37 dB
        raise ValueError(
            f"clean spans {span:g}, more than data_range={data_range:g}: pass the clean data's "
            f"scale (data_range=255 for images of 0..255), with the estimate on the same scale."
        )
    if clean.ndim == 1:  # one row: one figure, not one per pixel
        clean, estimate = clean[None], estimate[None]
    mse = ((clean - estimate) ** 2).reshape(len(clean), -1).mean(axis=1)
    return psnr_of_mse(mse, data_range)


def psnr_of_mse(mse: Any, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio from a mean squared error, ``10 log10(range^2 / MSE)`` in dB
    (Gonzalez & Woods, *Digital Image Processing*; scikit-image's
    ``peak_signal_noise_ratio``): for an MSE summed a chunk at a time, where :func:`psnr` would
    need every row at once.

    Parameters
    ----------
    mse : float or array-like
        Mean squared error(s) on the data's scale.
    data_range : float, default=1.0
        ``max - min`` of the clean data's scale.

    Returns
    -------
    psnr : ndarray shaped like mse
        Infinite where the MSE is 0.

    Raises
    ------
    ValueError
        For an MSE that is negative or NaN, as :func:`psnr` refuses such data: it gave NaN with
        numpy's RuntimeWarning. An infinite MSE (a sum of errors past float64's range) is
        -inf dB, as 0 is inf.
    """
    mse = np.asarray(mse, dtype=np.float64)
    bad = np.isnan(mse) | (mse < 0)
    if bad.any():
        first = mse[bad].flat[0]
        raise ValueError(
            f"mse holds {int(bad.sum())} value(s) that are negative or NaN (the first: "
            f"{first}): a mean squared error is a number of at least 0."
        )
    with np.errstate(divide="ignore"):
        return 10 * np.log10(data_range**2 / mse)
