"""Figures of a VAE's latent space: traversals (one unit at a time) and the 2-D manifold.

Like :mod:`aekit.viz.plots`, each function takes ``ax=None`` and returns the Axes it drew on;
only numpy is imported here and matplotlib loads on the first draw. The arrays come from
:meth:`VariationalAutoencoder.traverse` and :meth:`VariationalAutoencoder.manifold_grid`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aekit.viz.figures import save_figure
from aekit.viz.plots import as_images, image_grid, tile_centres

# save_figure lives in aekit.viz.figures; it stays importable from here, where it used to be.
__all__ = ["latent_manifold", "latent_traversal", "save_figure"]


def latent_traversal(
    grid: Any,
    values: Sequence[float] | None = None,
    units: Sequence[int] | None = None,
    image_shape: Sequence[int] | None = None,
    ax=None,
    title: str | None = None,
    latent_dim: int | None = None,
):
    """Latent traversals: one row per latent unit, one column per value it takes.

    Parameters
    ----------
    grid : array-like of shape (n_units, n_values, ...)
        Decoded images, as returned by ``traverse`` (images or flat rows).
    values : sequence of float, default=None
        The unit's value in each column, written under the columns.
    units : sequence of int, default=None
        The unit shown in each row (default ``0, 1, ...``), written beside the rows as ``z_j``.
    image_shape : (C, H, W), default=None
        For flat rows that are not square one-channel images.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        The axes' title; none when None.
    latent_dim : int, default=None
        The code's number of units; when it is more than the grid's rows, the title says how
        many of them are shown ("10 of 32 units shown").

    Returns
    -------
    ax : matplotlib Axes
        The rows labelled with their units (y axis), the columns with their values (x axis).
    """
    grid = np.asarray(grid, dtype=np.float32)
    if grid.ndim < 3:
        raise ValueError(f"grid must be (n_units, n_values, ...); got shape {grid.shape}.")
    n_units, n_values = grid.shape[:2]
    units = range(n_units) if units is None else units
    if len(units) != n_units:
        raise ValueError(f"{len(units)} unit labels for {n_units} rows of the grid.")
    images = as_images(grid.reshape(n_units * n_values, *grid.shape[2:]), image_shape)
    if latent_dim is not None and latent_dim > n_units:  # 10 rows of a 32-unit code, unsaid
        shown = f"{n_units} of {latent_dim} units shown"
        title = f"{title}\n{shown}" if title else shown
    ax = image_grid(
        images, n_values, [f"z{j}" for j in units], ax, title, image_shape=images.shape[1:]
    )
    ax.set_ylabel("latent unit")
    if values is not None:
        if len(values) != n_values:
            raise ValueError(f"{len(values)} values for {n_values} columns of the grid.")
        w = images.shape[-1]
        ax.set_xticks(tile_centres(range(n_values), w))
        ax.set_xticklabels([f"{v:.3g}" for v in values], fontsize=8)
        ax.tick_params(axis="x", length=0)
        ax.set_xlabel("the unit's value")
    return ax


def latent_manifold(
    grid: Any,
    image_shape: Sequence[int] | None = None,
    ax=None,
    title: str | None = None,
    values: Sequence[float] | None = None,
):
    """The learned 2-D manifold: an (n, n) grid of decoded codes, laid out as in latent space
    (Kingma & Welling 2014, fig. 4): ``z_0`` grows to the right, ``z_1`` upwards, each axis
    marked with the codes' values at up to five of its columns or rows.

    Parameters
    ----------
    grid : array-like of shape (n, n, ...)
        Decoded images from ``manifold_grid``.
    image_shape : (C, H, W), default=None
        For flat rows that are not square one-channel images.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        The axes' title; none when None.
    values : sequence of n floats, default=None
        The value each unit takes along a side, smallest first; ``manifold_grid``'s (the
        prior's quantiles 5%..95%) when None.

    Returns
    -------
    ax : matplotlib Axes
    """
    grid = np.asarray(grid, dtype=np.float32)
    if grid.ndim < 3 or grid.shape[0] != grid.shape[1]:
        raise ValueError(f"grid must be (n, n, ...); got shape {grid.shape}.")
    n = grid.shape[0]
    images = as_images(grid.reshape(n * n, *grid.shape[2:]), image_shape)
    if values is None:
        from aekit.core.latent import manifold_values

        values = manifold_values(n)
    if len(values) != n:
        raise ValueError(f"{len(values)} values for the {n} codes along each side of the grid.")
    ax = image_grid(images, n, ax=ax, title=title, image_shape=images.shape[1:])
    h, w = images.shape[-2:]
    # marks mirrored about the middle: the ends, the quarters, and the middle tile of an odd n
    left = {int(q * (n - 1)) for q in (0.0, 0.25)}
    marked = sorted(left | {n - 1 - k for k in left} | ({(n - 1) // 2} if n % 2 else set()))
    ax.set_xticks(tile_centres(marked, w))
    ax.set_xticklabels([f"{values[k]:.2g}" for k in marked], fontsize=8)
    # row 0 is the top, the largest z1
    ax.set_yticks(tile_centres(marked, h))
    ax.set_yticklabels([f"{values[n - 1 - r]:.2g}" for r in marked], fontsize=8)
    ax.tick_params(length=0)
    ax.set_xlabel("z0 →")
    ax.set_ylabel("z1 →")
    return ax
