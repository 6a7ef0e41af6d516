"""Figures drawn with matplotlib. Each function takes ``ax=None`` and returns the axes, so the
same figure works in a notebook, a report or a saved PNG."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _axes(ax, figsize):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def image_grid(
    images: np.ndarray,
    n_cols: int,
    row_labels: Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
):
    """Tile ``images`` (n, C, H, W) or (n, H, W), row by row, into one picture."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[:, None]
    n, c, h, w = images.shape
    n_rows = -(-n // n_cols)
    pad = 1
    # White gaps between tiles: 0 is white under the reversed grey map used for one channel.
    background = 0.0 if c == 1 else 1.0
    canvas = np.full(
        (n_rows * (h + pad) + pad, n_cols * (w + pad) + pad, c), background, dtype=np.float32
    )
    for i, image in enumerate(images):
        r, k = divmod(i, n_cols)
        top, left = pad + r * (h + pad), pad + k * (w + pad)
        canvas[top : top + h, left : left + w] = np.clip(image.transpose(1, 2, 0), 0, 1)
    ax = _axes(ax, (n_cols * 0.6 + 1, n_rows * 0.6 + 0.5))
    ax.imshow(
        canvas[..., 0] if c == 1 else canvas,
        cmap="gray_r" if c == 1 else None,
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    ax.set_xticks([])
    if row_labels is not None:
        ax.set_yticks([pad + r * (h + pad) + h / 2 for r in range(len(row_labels))])
        ax.set_yticklabels(row_labels)
    else:
        ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax
