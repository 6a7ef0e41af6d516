"""The scatter of codes in 2-D, coloured by label. Like :mod:`aekit.viz.plots` (which also
exports it), only numpy is imported here and matplotlib loads on the first draw."""

from __future__ import annotations

import collections
import numbers
import re
from typing import Any

import numpy as np

from aekit.data.validation import blank_labels
from aekit.viz.figures import new_axes
from aekit.viz.inputs import check_codes

__all__ = ["latent_scatter"]

# Labels with at most this many distinct values get one colour each and a legend.
MAX_CATEGORIES = 20
STYLE = {"s": 10, "alpha": 0.8, "linewidths": 0}
UNLABELLED = {"color": "0.8", "label": "unlabelled"}  # light grey, drawn under the others
OTHER = (0.5, 0.5, 0.5, 1.0)  # the classes beyond MAX_CATEGORIES: mid grey


def _palette(n: int, matplotlib: Any) -> list[tuple]:
    """``n`` class colours, none of them grey (unlabelled and "other" are): tab10 with black for
    its grey, or for more classes tab20 without its grey pair and two of tab20b's, the dark
    member of each of tab20's pairs first (in tab20's order, classes 0 and 1 were dark and
    light blue, hard to tell apart, and its light ones barely showed on white)."""
    if n <= 10:
        tab10 = [matplotlib.colormaps["tab10"](k) for k in range(10)]
        tab10[7] = (0.0, 0.0, 0.0, 1.0)
        return tab10[:n]
    pairs = [k for k in range(20) if k not in (14, 15)]
    tab20 = [matplotlib.colormaps["tab20"](k) for k in pairs[0::2] + pairs[1::2]]
    return (tab20 + [matplotlib.colormaps["tab20b"](k) for k in (0, 8)])[:n]


def _pca_2d(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First two principal components of Z and the share of variance each explains; a zero
    column (and share) for a component Z does not have (one row, or all rows on a line)."""
    centred = Z - Z.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    total = float(np.sum(s**2)) or 1.0
    points, share = centred @ vt[:2].T, s[:2] ** 2 / total
    missing = 2 - points.shape[1]
    return np.pad(points, ((0, 0), (0, missing))), np.pad(share, (0, missing))


def _points(Z: np.ndarray) -> tuple[np.ndarray, tuple[str, str]]:
    """The 2-D points drawn for codes Z and the names of their axes."""
    d = Z.shape[1]
    if d == 1:
        jitter = np.random.default_rng(0).uniform(-1, 1, len(Z))
        return np.column_stack([Z[:, 0], jitter]), ("z0", "random jitter (1-D code)")
    if d == 2:
        return Z, ("z0", "z1")
    points, share = _pca_2d(Z)
    names = tuple(
        f"PC{k + 1} of the {d}-D code ({100 * share[k]:.0f}% of variance)" for k in range(2)
    )
    return points, names


def _check_labels(labels: Any, n: int) -> np.ndarray:
    """One label per code, as a 1-D array (a single column is taken as one)."""
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or len(labels) != n:
        raise ValueError(
            f"labels of shape {labels.shape} for {n} rows of Z; pass one label per row of Z "
            "(None or NaN for an unlabelled row)."
        )
    return labels


def _classes(known: np.ndarray) -> list:
    """The distinct labels, sorted when they can be (a mix of numbers and text cannot: then in
    order of first appearance); text with numbers in it in their order (class_2 before
    class_11, which text order puts first)."""
    try:
        classes = list(np.unique(known))
    except TypeError:
        return list(dict.fromkeys(known.tolist()))
    if all(isinstance(c, str) for c in classes):
        classes.sort(key=_natural)
    return classes


def _natural(text: str) -> list:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)
    ]


def _numbers(known: np.ndarray) -> np.ndarray | None:
    """The labels as floats when they are all numbers (not booleans), else None."""
    if known.dtype.kind in "iuf":
        return known.astype(np.float64)
    if known.dtype.kind == "O" and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in known
    ):
        return known.astype(np.float64)
    return None


def latent_scatter(Z: Any, labels: Any = None, ax=None, title: str | None = None):
    """Codes in 2-D: as they are when ``latent_dim`` is 2, their first two principal components
    when it is larger (the axis labels say so), against jitter when it is 1.

    Parameters
    ----------
    Z : array-like of shape (n_samples, latent_dim)
        At least one row; NaN or infinite codes are refused (drop those rows first).
    labels : array-like of shape (n_samples,), default=None
        Colours: one per class with a legend for up to 20 classes, a colour bar for numbers
        with more distinct values; uncoloured when None. Missing labels (None, NaN, pandas' NA)
        mark unlabelled rows, drawn light grey as "unlabelled".
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        The axes' title; none when None.

    Returns
    -------
    ax : matplotlib Axes
    """
    columns = getattr(Z, "columns", None)  # a DataFrame's names, for a 2-D code's axes
    name = getattr(labels, "name", None)  # a Series' name (0 too) titles them
    label_name = "label" if name is None else str(name)
    declared = getattr(getattr(labels, "dtype", None), "categories", None)  # a category dtype's
    Z = check_codes(Z)
    _warn_if_one_point(Z)
    points, axis_names = _points(Z)
    if Z.shape[1] == 2 and columns is not None:
        axis_names = (str(columns[0]), str(columns[1]))
    ax = new_axes(ax, (6.4, 5.0))
    if Z.shape[1] > 1:  # distances read true: a PC of 9% of the variance drawn as wide as 88%'s
        # axes shared both ways cannot adjust their limits (matplotlib refuses it on save)
        shared = ax.get_shared_x_axes().get_siblings(ax) != [ax] and (
            ax.get_shared_y_axes().get_siblings(ax) != [ax]
        )
        ax.set_aspect("equal", adjustable="box" if shared else "datalim")
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], color="C0", **STYLE)
    else:
        labels = _check_labels(labels, len(Z))
        missing = blank_labels(labels)  # None, NaN, NA or empty text: unlabelled
        if missing.any():
            ax.scatter(points[missing, 0], points[missing, 1], **UNLABELLED, **STYLE)
        order = None if declared is None else list(declared)
        _coloured(ax, points[~missing], labels[~missing], missing.any(), label_name, order)
    ax.set(xlabel=axis_names[0], ylabel=axis_names[1])
    if title:
        ax.set_title(title)
    return ax


def _warn_if_one_point(Z: np.ndarray) -> None:
    """Codes that are all the same point (up to float noise) are drawn as one dot, which read
    as a map of one row: said, with what collapses an encoder so."""
    spread = float(np.ptp(Z, axis=0).max())
    if len(Z) > 1 and spread <= 1e-6 * max(1.0, float(np.abs(Z).max())):
        import warnings

        from aekit.warning_lines import caller_level

        warnings.warn(
            f"latent_scatter: the codes of all {len(Z)} rows are the same point, drawn as one "
            "dot: the encoder has collapsed and maps every row alike. Check that the rows differ "
            "(a constant or unscaled X), train longer or with a smaller learning_rate_init, and "
            "for a VAE a smaller beta (its KL term can pull every code to the prior's mean).",
            UserWarning,
            stacklevel=caller_level(),
        )


def _name(label: Any) -> str:
    """A class as the legend names it: a whole float as the integer it is (labels with NaN for
    unlabelled rows are floats: 3.0 is the class 3)."""
    if isinstance(label, float) and label.is_integer():
        return str(int(label))
    return str(label)


def _coloured(
    ax: Any,
    points: np.ndarray,
    known: np.ndarray,
    legend: bool,
    name: str = "label",
    order: list | None = None,
) -> None:
    """The labelled points: one colour per class, or a colour bar for many numbers. ``legend``:
    there are unlabelled points (already drawn) to name in a legend; ``name``: the labels'
    (the legend's or colour bar's title); ``order``: the classes' own (a pandas category
    dtype's), else :func:`_classes`'."""
    classes = _classes(known)
    if order is not None:
        classes.sort(key=lambda c: order.index(c) if c in order else len(order))
    values = _numbers(known)
    if len(classes) > MAX_CATEGORIES and values is not None:
        mappable = ax.scatter(points[:, 0], points[:, 1], c=values, cmap="viridis", **STYLE)
        ax.figure.colorbar(mappable, ax=ax, label=name)
        if legend:
            ax.legend(fontsize=8, frameon=False)
        return
    import matplotlib
    from matplotlib.lines import Line2D

    # the classes with most rows get the colours (sorted as _classes sorts them), the rest
    # one grey "other"; every point is drawn in one random order, so that at large n the
    # last class drawn does not cover the others where they mix
    as_list = known.tolist()
    counts = collections.Counter(as_list)  # one pass: a count per class was one pass each
    kept = set(sorted(classes, key=lambda c: -counts[c])[:MAX_CATEGORIES])
    shown = [label for label in classes if label in kept]
    palette = [*_palette(len(shown), matplotlib), OTHER]
    index = {label: k for k, label in enumerate(shown)}
    colours = np.array(palette)[[index.get(v, len(shown)) for v in as_list]]
    order = np.random.default_rng(0).permutation(len(points))
    ax.scatter(points[order, 0], points[order, 1], c=colours[order], **STYLE)
    marker = {"marker": "o", "linestyle": "", "markersize": 4}
    for k, label in enumerate(shown):
        ax.add_line(Line2D([], [], color=palette[k], label=_name(label), **marker))
    if len(classes) > MAX_CATEGORIES:
        ax.add_line(Line2D([], [], color=OTHER, label="other", **marker))
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: names[i] == UNLABELLED["label"])  # it last
    ax.legend(
        [handles[i] for i in order], [names[i] for i in order], title=name, fontsize=8,
        markerscale=1.5, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5),
    )  # fmt: skip
