"""The images a detector scores highest, each under its score, with the reconstructions of the
detector's members beneath them where given: what a user looking for anomalies among images
wants to see first (the score histogram says how many, not which)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aekit.viz.figures import new_figure
from aekit.viz.inputs import (
    as_images,
    check_finite_pixels,
    check_n_cols,
    on_range_of,
    to_unit_range,
)
from aekit.viz.score_inputs import check_axes, check_scores, check_threshold


def top_anomalies(
    images: Any,
    anomaly_scores: Any,
    n: int = 16,
    reconstructions: Any = None,
    threshold: float | None = None,
    image_shape: Sequence[int] | None = None,
    n_cols: int = 8,
    axes=None,
    title: str | None = None,
):
    """The ``n`` images of highest anomaly score, most anomalous first, each titled with its
    score; beneath each row of them, their reconstructions when given.

    Parameters
    ----------
    images : array-like of shape (n, C, H, W), (n, H, W, C), (n, H, W) or (n, n_pixels)
        The scored images (all of them, or those of highest score); flat rows are square
        one-channel images when their width is a square, else need ``image_shape``.
    anomaly_scores : array-like of shape (n,)
        One per image, higher = more anomalous (``AnomalyDetector.anomaly_score``); +inf
        ranks first.
    n : int, default=16
        How many images to draw (at most the n given).
    reconstructions : array-like of the images' shape, default=None
        The model's reconstruction of each image, in the same order
        (:func:`aekit.anomaly.images.member_reconstructions` for a detector), drawn on the
        images' scale beneath them; none when None.
    threshold : float, default=None
        The detector's ``threshold_``: a score above it is written in red (flagged).
    image_shape : (C, H, W), default=None
        For flat rows, or to say which layout 4-D images have when both fit.
    n_cols : int, default=8
        Images per row.
    axes : sequence of matplotlib Axes, default=None
        One per panel (images, and reconstructions when given), row by row; a new figure
        when None.
    title : str, default=None
        The figure's title; "the n highest anomaly scores" when None.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        The panels drawn on, row by row.

    Notes
    -----
    The drawn images' pixels are shown on [0, 1] as they are, else scaled together from their
    own range (0-255 pixels, standardized data), one channel dark on white, as
    :func:`aekit.viz.image_grid` draws; their reconstructions take the same scale.
    """
    scores = check_scores(anomaly_scores)
    images = as_images(images, image_shape)
    if len(images) != len(scores):
        raise ValueError(
            f"{len(images)} images and {len(scores)} anomaly_scores: give one score per image."
        )
    limit = check_threshold(threshold)
    k = min(check_n_cols(n, "n"), len(images))
    top = np.argsort(-scores, kind="stable")[:k]
    shown = [images[top]]
    if reconstructions is not None:
        rebuilt = as_images(reconstructions, images.shape[1:], name="reconstructions")
        if rebuilt.shape != images.shape:
            raise ValueError(
                f"reconstructions {rebuilt.shape} and images {images.shape} differ: give one "
                "reconstruction per image, in the images' order."
            )
        shown.append(rebuilt[top])
    for name, tiles in zip(("images", "reconstructions"), shown):
        check_finite_pixels(tiles, name)
    # one scale for every tile: the reconstructions on the images', clipped past it
    shown = on_range_of(*shown) if len(shown) > 1 else [to_unit_range(shown[0])]
    cols = min(check_n_cols(n_cols), k)
    bands = -(-k // cols)
    rows = bands * len(shown)
    if axes is None:
        axes = new_figure((cols * 1.1 + 0.8, rows * 1.25 + 0.6)).subplots(rows, cols)
    axes = check_axes(axes, rows * cols)[: rows * cols]
    for ax in axes:
        ax.set_axis_off()
    names = ("input", "reconstr.")
    for i, index in enumerate(top):
        band, col = divmod(i, cols)
        for part, tiles in enumerate(shown):
            ax = axes[(band * len(shown) + part) * cols + col]
            _draw(ax, tiles[i])
            if part == 0:
                flagged = limit is not None and scores[index] > limit
                ax.set_title(f"{scores[index]:.3g}", fontsize=8, color="C3" if flagged else "black")
            if col == 0 and len(shown) > 1:
                ax.set_axis_on()  # for its label alone: no ticks, no frame
                ax.set(xticks=[], yticks=[])
                ax.set_ylabel(names[part], fontsize=8)
                for spine in ax.spines.values():
                    spine.set_visible(False)
    flagged = " (red: above the threshold)" if limit is not None else ""
    figure = axes[0].figure
    figure.suptitle(title or f"the {k} highest anomaly scores{flagged}", fontsize=10)
    figure.tight_layout()
    return axes


def _draw(ax: Any, image: np.ndarray) -> None:
    """One (C, H, W) image on [0, 1]: one channel dark on white, as :func:`image_grid` draws."""
    grey = image.shape[0] == 1
    ax.imshow(
        image[0] if grey else image.transpose(1, 2, 0),
        cmap="gray_r" if grey else None,
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
