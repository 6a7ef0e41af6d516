"""Denoising figures: rows of noisy, denoised and clean images (rows and sequences are drawn
as lines by :mod:`aekit.viz.denoising_panels`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aekit.denoising import corrupt
from aekit.viz.inputs import as_images, check_finite_pixels, check_n_cols, on_range_of
from aekit.viz.plots import image_grid


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
        The corrupted inputs and the model's outputs for them, in the same order.
    clean : array-like of n images, default=None
        The originals before corruption, drawn as a third row when given.
    n_cols : int, default=8
        Images per row (the first ``n_cols`` images are shown).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    image_shape : tuple (C, H, W), default=None
        For flat rows (square single-channel when None).
    title : str, default=None
        The axes' title; none when None.

    Returns
    -------
    ax : matplotlib Axes
    """
    rows = [("noisy", noisy), ("denoised", denoised)]
    if clean is not None:
        rows.append(("clean", clean))
    n_cols = check_n_cols(n_cols)
    images = [as_images(images, image_shape, name)[:n_cols] for name, images in rows]
    if len({im.shape for im in images}) != 1:
        raise ValueError(f"the rows have different shapes: {[im.shape for im in images]}.")
    # on the clean images' scale (the noisy ones' without them): a denoiser's overshoot is
    # clipped, not allowed to grey every tile
    for (name, _), drawn in zip(rows, images):
        check_finite_pixels(drawn, name)
    reference = images[-1] if clean is not None else images[0]
    images = on_range_of(reference, *images)[1:]
    return image_grid(
        np.concatenate(images),
        len(images[0]),
        row_labels=[label for label, _ in rows],
        ax=ax,
        title=title,
        image_shape=images[0].shape[1:],  # the layout as_images read, not guessed again
    )


def run_figure(data: Any):
    """The run figure of a DenoisingAutoencoder: training images under the model's own noise,
    denoised, and clean (``aekit.viz.report`` calls this with its data); rows and sequences
    as lines (:func:`aekit.viz.denoising_panels.run_figure`)."""
    estimator = data.estimator
    if not hasattr(estimator, "denoise"):
        return None
    if data.image_shape is None:
        from aekit.viz.denoising_panels import run_figure as lines_figure

        return lines_figure(data)
    pick = np.arange(min(8, len(data.flat)))
    clean = data.flat[pick]
    noise = estimator.noise
    scale = 1.0 if estimator.data_scale_ is None else float(np.mean(estimator.data_scale_))
    level = estimator.noise_level * (scale if noise == "gaussian" else 1.0)  # data units
    noisy = corrupt(clean, noise, level, random_state=0, low=data.low, high=data.high)
    shaped = noisy.reshape(len(pick), *data.image_shape)
    denoised = np.asarray(estimator.denoise(shaped if estimator.input_ndim_ == 4 else noisy))
    title = f"{data.name}: noisy ({estimator.noise}, {estimator.noise_level:g}), denoised, clean"
    return denoising_grid(
        data.images(noisy), data.images(denoised.reshape(len(pick), -1)), data.images(clean),
        image_shape=data.image_shape, title=title,
    ).figure  # fmt: skip
