"""Figures drawn with matplotlib. Each function takes ``ax=None`` (or ``axes=None`` when it
needs several panels) and returns what it drew on, so the same figure works in a notebook, a
report or a saved PNG (:func:`aekit.viz.figures.save_figure`).

Without ``ax`` a function draws on a new ``matplotlib.figure.Figure`` of its own, never through
pyplot, so no backend is chosen or switched (:mod:`aekit.viz.figures` says why). Only numpy is
imported here; matplotlib loads when a function first draws and torch is never needed, so
``import aekit.viz.plots`` stays cheap. Images are (n, C, H, W), (n, H, W, C), (n, H, W) or
flat rows (square, or with an ``image_shape``); their pixels are shown on [0, 1], scaled from
their own range when they leave it. What each function accepts is checked first
(:mod:`aekit.viz.inputs`, :mod:`aekit.viz.score_inputs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from aekit.viz.figures import new_axes
from aekit.viz.inputs import (
    as_images,
    check_finite_pixels,
    check_n_cols,
    on_range_of,
    to_unit_range,
)
from aekit.viz.latent import latent_scatter
from aekit.viz.table_figures import feature_reconstructions, real_vs_generated

__all__ = [
    "as_images", "feature_reconstructions", "image_grid", "interpolation_strip",
    "latent_scatter", "loss_curves", "real_vs_generated", "reconstruction_grid",
]  # fmt: skip


def image_grid(
    images: Any,
    n_cols: int = 8,
    row_labels: Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
    image_shape: Sequence[int] | None = None,
):
    """Tile images, row by row, into one picture.

    Parameters
    ----------
    images : array-like of shape (n, C, H, W), (n, H, W, C), (n, H, W) or (n, n_pixels)
        Flat rows are square one-channel images when their width is a square, else need
        ``image_shape`` (:func:`aekit.viz.inputs.as_images` reads the layouts).
    n_cols : int, default=8
        Images per row (at most ``n``).
    row_labels : sequence of str, default=None
        Written beside the rows, one per row.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        The axes' title; none when None.
    image_shape : (C, H, W), default=None
        For flat rows, or to say which layout 4-D images have when both fit.

    Returns
    -------
    ax : matplotlib Axes

    Notes
    -----
    Pixels are drawn on [0, 1], one channel dark on white; images with any pixel outside it
    (0-255, standardized) are all scaled together from their own minimum and maximum; images
    all of one value off [0, 1] are drawn as that grey of 0-255, or mid grey off it.
    """
    images = to_unit_range(as_images(images, image_shape))
    n_cols = min(check_n_cols(n_cols), len(images))
    (n, c, h, w), pad = images.shape, 1
    n_rows = -(-n // n_cols)
    if row_labels is not None and len(row_labels) != n_rows:
        raise ValueError(f"{len(row_labels)} row_labels for {n_rows} rows of images.")
    # White gaps between tiles: 0 is white under the reversed grey map used for one channel.
    background = 0.0 if c == 1 else 1.0
    canvas = np.full(
        (n_rows * (h + pad) + pad, n_cols * (w + pad) + pad, c), background, dtype=np.float32
    )
    for i, image in enumerate(images):
        r, k = divmod(i, n_cols)
        top, left = pad + r * (h + pad), pad + k * (w + pad)
        canvas[top : top + h, left : left + w] = image.transpose(1, 2, 0)
    ax = new_axes(ax, (n_cols * 0.6 + 1, n_rows * 0.6 + 0.5))
    ax.imshow(
        canvas[..., 0] if c == 1 else canvas,
        cmap="gray_r" if c == 1 else None,
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    ax.set_xticks([])
    if row_labels is not None:
        ax.set_yticks(tile_centres(range(len(row_labels)), h, pad))
        ax.set_yticklabels(row_labels)
    else:
        ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


def tile_centres(tiles: Iterable[int], size: int, pad: int = 1) -> list[float]:
    """Where on :func:`image_grid`'s canvas the ``tiles`` (positions along a row or a column)
    of ``size`` pixels have their centres, for tick marks: ``imshow`` centres pixel i at i."""
    return [pad + k * (size + pad) + (size - 1) / 2 for k in tiles]


def reconstruction_grid(
    originals: Any,
    reconstructions: Any,
    n_cols: int = 8,
    ax=None,
    image_shape: Sequence[int] | None = None,
    title: str | None = None,
):
    """Inputs and their reconstructions in alternating rows: a row of ``n_cols`` inputs, then
    the same images after the autoencoder, and so on.

    Parameters
    ----------
    originals, reconstructions : array-like of n images each
        The inputs and the model's reconstructions of them, in the same order.
    n_cols : int, default=8
        Images per row.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    image_shape : tuple (C, H, W), default=None
        Shape of each image when the rows are flat (square single-channel when None).
    title : str, default=None
        The axes' title; none when None.

    Returns
    -------
    ax : matplotlib Axes

    Notes
    -----
    Both sets are drawn on the inputs' scale (their range, or [0, 1] where they lie on it); a
    reconstruction's pixels past it are clipped.
    """
    originals = as_images(originals, image_shape, name="originals")
    reconstructions = as_images(reconstructions, image_shape, name="reconstructions")
    if originals.shape != reconstructions.shape:
        raise ValueError(
            f"originals {originals.shape} and reconstructions {reconstructions.shape} differ."
        )
    # The inputs' scale for both (reconstructions past the inputs' range clipped to it),
    # before the white blanks below join them.
    check_finite_pixels(originals, "originals")
    check_finite_pixels(reconstructions, "reconstructions")
    originals, reconstructions = on_range_of(originals, reconstructions)
    n = len(originals)
    n_cols = min(check_n_cols(n_cols), n)
    n_rows = -(-n // n_cols)
    # Fill a short last row with white, like image_grid's background (0 under gray_r).
    blank = np.full((n_cols, *originals.shape[1:]), float(originals.shape[1] != 1), np.float32)
    tiles = []
    for r in range(n_rows):
        for source in (originals, reconstructions):
            row = source[r * n_cols : (r + 1) * n_cols]
            tiles.append(np.concatenate([row, blank[len(row) :]]))
    labels = ["input", "reconstr."] * n_rows
    return image_grid(
        np.concatenate(tiles), n_cols, labels, ax, title, image_shape=originals.shape[1:]
    )


def interpolation_strip(
    images: Any,
    ax=None,
    image_shape: Sequence[int] | None = None,
    tile_labels: Sequence[str] | None = None,
    title: str | None = None,
):
    """One row of images, e.g. the decoded points of a line in latent space.

    Parameters
    ----------
    images : array-like of n images
        Drawn left to right (flat rows, or ``(n, C, H, W)``).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    image_shape : tuple (C, H, W), default=None
        Shape of each image when the rows are flat (square single-channel when None).
    tile_labels : sequence of str, default=None
        A caption under each image ("" for none).
    title : str, default=None
        The axes' title; none when None.

    Returns
    -------
    ax : matplotlib Axes
    """
    images = as_images(images, image_shape)
    ax = image_grid(images, len(images), ax=ax, title=title, image_shape=images.shape[1:])
    if tile_labels is not None:
        _, _, h, w = images.shape
        ax.set_xticks(tile_centres(range(len(tile_labels)), w))
        ax.set_xticklabels(list(tile_labels), fontsize=8)
        ax.tick_params(axis="x", length=0)
    return ax


def loss_curves(
    history: Mapping[str, Sequence[float]], ax=None, log: bool | str = "auto", title: str = ""
):
    """Every objective term per epoch: training solid, validation (``val_`` prefix) dashed in
    the same colour.

    Parameters
    ----------
    history : mapping of str to sequence of float
        E.g. an estimator's ``history_``: ``{"loss": [...], "kl": [...], "val_loss": [...]}``.
        NaN or infinite epochs (a diverged run) are left out of the line, which shows a gap,
        and marked with crosses along the top; the legend names them.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    log : bool or "auto", default="auto"
        Logarithmic y axis; "auto" uses one when every value is positive and the terms span
        more than a factor of 50.
    title : str, default=""
        The axes' title; none when empty.

    Returns
    -------
    ax : matplotlib Axes
        With one line per term (a term equal to the loss drawn once, named with it) and the
        crosses of non-finite epochs.
    """
    curves = _check_history(history)
    ax = new_axes(ax, (6.4, 4.0))
    names = list(curves)
    terms = [n for n in names if not n.startswith("val_")]
    terms += [n[4:] for n in names if n.startswith("val_") and n[4:] not in terms]
    # a plain autoencoder's loss is its reconstruction term: one line, named for both (the
    # second line was drawn exactly over the first)
    same = {t for t in terms if t != "loss" and _same_curves(curves, t, "loss")}
    shown = {t: " = ".join(["loss", *sorted(same)]) if t == "loss" else t for t in terms}
    terms = [t for t in terms if t not in same]
    values, diverged = [], []
    for i, term in enumerate(terms):
        color = f"C{i % 10}"  # the colour cycle's own colours, one per term
        for key, style, suffix in ((term, "-", "train"), (f"val_{term}", "--", "validation")):
            if key not in curves:
                continue
            curve = curves[key]
            finite = np.isfinite(curve)
            values.append(curve[finite])
            epochs = np.arange(1, len(curve) + 1)
            # a lone epoch between diverged ones has no line to either side: a dot shows it
            marker = "o" if len(curve) <= 1 else None if finite.all() else "."
            label = f"{shown[term]} ({suffix})"
            if not finite.all():
                plural = "s" if (~finite).sum() > 1 else ""
                label += f", not finite at epoch{plural} {_spans(epochs[~finite])}"
                diverged.append((epochs[~finite], color))
            ax.plot(epochs, curve, style, color=color, marker=marker, label=label)
    flat = np.concatenate(values) if values else np.zeros(0)
    if log == "auto":
        log = bool(flat.size and flat.min() > 0 and flat.max() / flat.min() > 50)
    if log:
        ax.set_yscale("log")
    top = ax.get_xaxis_transform()  # y in axes units: the crosses stay at the top however
    for epochs, color in diverged:  # the axis is scaled, now or by a later plot on it
        ax.plot(epochs, np.ones(len(epochs)), "x", color=color, transform=top, clip_on=False)
    ax.set_xlim(0.5, max(len(c) for c in curves.values()) + 0.5)  # every epoch, the last too
    ax.set(xlabel="epoch", ylabel="nats per row" + (" (log scale)" if log else ""), title=title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return ax


def _same_curves(curves: dict[str, np.ndarray], a: str, b: str) -> bool:
    """Terms ``a`` and ``b`` hold the same values, in training and in validation alike."""
    return all(
        (x in curves) == (y in curves)
        and (x not in curves or np.array_equal(curves[x], curves[y], equal_nan=True))
        for x, y in ((a, b), (f"val_{a}", f"val_{b}"))
    )


def _spans(epochs: np.ndarray) -> str:
    """Epochs as runs, ``2, 4-6``."""
    runs: list[list[int]] = []
    for epoch in epochs.tolist():
        if runs and epoch == runs[-1][1] + 1:
            runs[-1][1] = epoch
        else:
            runs.append([epoch, epoch])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


def _check_history(history: Any) -> dict[str, np.ndarray]:
    """``history`` as name -> 1-D float array, refused unless a non-empty mapping of names to
    sequences of numbers."""
    if not isinstance(history, Mapping):
        raise ValueError(
            f"history must be a mapping of names to per-epoch values (an estimator's history_); "
            f"got {type(history).__name__}."
        )
    if not history:
        raise ValueError("history is empty: nothing to draw (was the estimator fitted?).")
    curves = {}
    for name, values in history.items():
        try:
            curve = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"history[{name!r}] must be numbers, one per epoch.") from None
        if curve.ndim != 1:
            raise ValueError(
                f"history[{name!r}] must be 1-D, one value per epoch; got shape {curve.shape}."
            )
        curves[str(name)] = curve
    if not any(len(curve) for curve in curves.values()):  # empty axes, and no word why
        raise ValueError(
            f"history holds no epochs ({', '.join(map(repr, curves))} "
            f"{'are' if len(curves) > 1 else 'is'} empty): nothing to "
            "draw (was the estimator fitted?)."
        )
    return curves
