"""The run figures of image VAEs that walk through latent space: traversals and, for a 2-D
latent, the manifold. Drawn by :func:`aekit.viz.report.write_figures` from its ``_Data``
view (:mod:`aekit.viz.report_figures`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.viz import generative as plotting_generative

TRAVERSAL_VALUES = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)  # in prior standard deviations
MAX_TRAVERSED_UNITS = 10
MANIFOLD_SIDE = 12


def _is_image_vae(data: Any) -> bool:
    return hasattr(data.estimator, "traverse") and data.image_shape is not None


def _first_label(data: Any) -> Any:
    """The label of the first row, which the walks decode under; None without labels."""
    return None if data.cond is None else data.cond[0]


def figure_traversal(data: Any):
    """Traversals around the first training row's code: one row per latent unit, the units that
    carry the most information (largest mean KL) first, at most ``MAX_TRAVERSED_UNITS``."""
    if not _is_image_vae(data):
        return None
    estimator, label = data.estimator, _first_label(data)
    kl = estimator.kl_per_unit(data.flat, data.cond)
    units = np.argsort(-kl, kind="stable")[:MAX_TRAVERSED_UNITS]
    grid = estimator.traverse(data.flat[0], TRAVERSAL_VALUES, y=label)[units]
    images = data.images(grid.reshape(-1, grid[0, 0].size)).reshape(*grid.shape[:2], -1)
    under = "" if label is None else f", label {label}"
    title = f"{data.name}: one latent unit at a time around a training row's code{under}"
    ax = plotting_generative.latent_traversal(
        images, TRAVERSAL_VALUES, units=[int(u) for u in units], image_shape=data.image_shape,
        title=title, latent_dim=len(kl),
    )  # fmt: skip
    return ax.figure


def figure_manifold(data: Any):
    """For ``latent_dim == 2``: the decoded grid of codes at the prior's quantiles."""
    if not _is_image_vae(data) or data.estimator.latent_dim_ != 2:
        return None
    label = _first_label(data)
    grid = data.estimator.manifold_grid(MANIFOLD_SIDE, y=label)
    images = data.images(grid.reshape(MANIFOLD_SIDE**2, -1))
    under = "" if label is None else f", label {label}"
    title = f"{data.name}: the learned 2-D manifold{under}"
    grid = images.reshape(MANIFOLD_SIDE, MANIFOLD_SIDE, *images.shape[1:])
    return plotting_generative.latent_manifold(grid, data.image_shape, title=title).figure
