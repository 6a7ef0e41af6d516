"""Figures of tables: each feature against its reconstruction (:func:`feature_reconstructions`)
and two features of real and generated rows (:func:`real_vs_generated`). Panels are named by a
DataFrame's columns, and two tables must have the same ones (:func:`_feature_names`). As in
:mod:`aekit.viz.plots`, whose names they are also imported under, matplotlib loads when a
function first draws."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from aekit.viz.figures import new_axes, new_figure
from aekit.viz.inputs import check_n_cols
from aekit.viz.score_inputs import check_axes, check_table

# Longer names are cut to this many characters in panel titles and axis labels: 70-character
# column names ran into each other across panels and out of the axes
NAME_CHARS = 28


def shortened(name: Any) -> str:
    """``name`` as text, cut in its middle to NAME_CHARS where longer: names that differ at the
    end (a quarter, an index) stay apart, as they do at the start."""
    text = str(name)
    if len(text) <= NAME_CHARS:
        return text
    head = (NAME_CHARS - 1) // 2
    return text[:head] + "…" + text[len(text) - (NAME_CHARS - 1 - head) :]


def feature_reconstructions(
    X: Any,
    X_hat: Any,
    feature_names: Sequence[str] | None = None,
    max_features: int = 8,
    axes=None,
    n_cols: int = 4,
    features: Sequence[int | str] | None = None,
    units: str | None = None,
):
    """True against reconstructed values, one scatter panel per feature, with the identity line
    and R² in each title.

    Parameters
    ----------
    X, X_hat : array-like of shape (n_samples, n_features)
        Data and its reconstruction, finite (NaN would leave R² undefined).
    feature_names : sequence of str, default=None
        Titles of the panels; ``x0, x1, ...`` when None.
    max_features : int, default=8
        Draw at most this many features: of a wider table, the ``max_features`` whose values
        vary most in ``X`` (largest variance; an image's border pixels, near blank, say
        nothing), in column order. Variance is in each column's units: on a table of mixed
        units it favours the large ones (income over age); ``features`` chooses instead.
    axes : array of matplotlib Axes, default=None
        At least as many as features drawn; a new figure (``n_cols`` panels wide) when None.
    n_cols : int, default=4
        Panels per row of a new figure.
    features : sequence of int or str, default=None
        The features to draw, by position or by name (``feature_names`` or the DataFrame's
        columns), in place of the choice by variance; ``max_features`` does not apply.
    units : str, default=None
        What the values are, said on both axes of a new figure (e.g. "standardized" for a
        table encoded before the model); None: nothing said.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        One per feature drawn.
    """
    tables = {"X": X, "X_hat": X_hat}
    X, X_hat = check_table(X, "X"), check_table(X_hat, "X_hat")
    if X.shape != X_hat.shape:
        raise ValueError(f"X {X.shape} and X_hat {X_hat.shape} differ in shape.")
    feature_names = _feature_names(feature_names, X.shape[1], tables)
    if features is None:
        shown = _most_varied(X, check_n_cols(max_features, "max_features"))
    else:
        shown = _positions(features, feature_names)
    n, n_cols = len(shown), check_n_cols(n_cols)
    if axes is not None:
        axes = check_axes(axes, n)
    else:
        n_cols = min(n_cols, n)
        n_rows = -(-n // n_cols)
        fig = new_figure((2.8 * n_cols, 2.6 * n_rows))
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for extra in axes.ravel()[n:]:
            extra.set_visible(False)
        said = "" if units is None else f" ({units})"
        fig.supxlabel(f"true value{said}")
        fig.supylabel(f"reconstructed{said}")
    axes = np.ravel(axes)[:n]
    for j, ax in zip(shown, axes):
        x, x_hat = X[:, j], X_hat[:, j]
        ax.scatter(x, x_hat, s=6, alpha=0.5, linewidths=0)
        low, high = min(x.min(), x_hat.min()), max(x.max(), x_hat.max())
        ax.plot([low, high], [low, high], color="0.3", lw=0.8, ls="--")
        variance = np.sum((x - x.mean()) ** 2)
        # a constant feature has no R² (0/0): its title says so instead of "R² nan"
        fit = f"R² {1 - np.sum((x - x_hat) ** 2) / variance:.2f}" if variance > 0 else "constant"
        ax.set_title(f"{shortened(feature_names[j])}  ({fit})", fontsize=9)
        ax.tick_params(labelsize=7)
    if len(axes):
        axes[0].figure.tight_layout()
    return axes


def real_vs_generated(
    X_real: Any,
    X_generated: Any,
    features: tuple[int, int] | None = None,
    feature_names: Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
):
    """Two features of real and generated rows on one scatter, to compare their joint spread.

    Parameters
    ----------
    X_real, X_generated : array-like of shape (n, n_features)
        Finite, with the same columns.
    features : (int, int), default=None
        Column indices of the two features; when None the most correlated pair of the 12
        features of ``X_real`` that vary most (the pair whose joint shape says most about the
        model), columns of more than two values first: two 0/1 columns (of one one-hot group)
        scatter as corners.
    feature_names : sequence of str, default=None
        The names of the columns, for the axes' labels; a DataFrame's own, else ``x0, x1, ...``
        when None.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        The axes' title; none when None.

    Returns
    -------
    ax : matplotlib Axes
        With two scatter collections: real first, generated second.
    """
    tables = {"X_real": X_real, "X_generated": X_generated}
    X_real, X_generated = check_table(X_real, "X_real"), check_table(X_generated, "X_generated")
    d = X_real.shape[1]
    if X_generated.shape[1] != d:
        raise ValueError(
            f"X_real has {d} columns and X_generated {X_generated.shape[1]}: generated rows must "
            "have the real rows' columns."
        )
    if d < 2:
        raise ValueError(f"X_real has {d} column: the scatter needs two features.")
    names = _feature_names(feature_names, d, tables)
    i, j = _two_features(_default_pair(X_real) if features is None else features, d)
    ax = new_axes(ax, (5.2, 4.6))
    # the real rows over the generated ones (drawn second, the generated cloud's dense core
    # hid the real one's), each the lighter the more points it has, so both clouds show
    ax.scatter(
        X_real[:, i], X_real[:, j], s=10, alpha=_alpha(len(X_real)), linewidths=0,
        label="real", zorder=3,
    )  # fmt: skip
    ax.scatter(
        X_generated[:, i], X_generated[:, j], s=10, alpha=_alpha(len(X_generated)),
        linewidths=0, marker="^", color="C3", label="generated", zorder=2,
    )  # fmt: skip
    ax.set(xlabel=shortened(names[i]), ylabel=shortened(names[j]))
    legend = ax.legend(fontsize=8, markerscale=1.5, framealpha=0.9, loc="best")
    legend.set_zorder(4)  # over both clouds
    for handle in legend.legend_handles:  # the markers said at full colour, not faded
        handle.set_alpha(1.0)
    if title:
        ax.set_title(title)
    return ax


def _default_pair(X: np.ndarray) -> list[int]:
    """The two columns ``real_vs_generated`` draws unless told: among the 12 that vary most
    (the first 12 of an image are its constant corner pixels: both clouds were one dot), the
    pair most correlated, columns of more than two values first. Two 0/1 columns, such as two
    of one one-hot group, are the most correlated pair of a table (-1 for a group of two) and
    scatter as corners that say nothing of the model: chosen only where no column has more."""
    # three values or more: one strictly between the column's least and greatest (X is finite,
    # check_table); sorting every column to count them took 3 of 5 s for 60,000 x 784
    measured = ((X != X.min(axis=0)) & (X != X.max(axis=0))).any(axis=0)
    order = np.lexsort((-X.var(axis=0), ~measured))  # measured first, each by its variance
    candidates = np.sort(order[:12])
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.nan_to_num(np.abs(np.corrcoef(X[:, candidates], rowvar=False)))
    corr = np.atleast_2d(corr) - 2 * np.eye(len(candidates))
    kept = measured[candidates]
    if kept.any():  # a pair of two 0/1 (or constant) columns only where no other pair exists
        corr[~kept[:, None] & ~kept[None, :]] = -3.0
    pair = np.unravel_index(int(np.argmax(corr)), corr.shape)
    return sorted(int(candidates[k]) for k in pair)


def _alpha(n_points: int) -> float:
    """A cloud's opacity: 0.6 for a few hundred points, down to 0.15 for thousands, so that
    points drawn over others leave them seen."""
    return float(np.clip(300 / max(n_points, 1), 0.15, 0.6))


def _most_varied(X: np.ndarray, k: int) -> list[int]:
    """The positions of the ``k`` columns of ``X`` of largest variance, in column order
    (every column where there are at most ``k``)."""
    if X.shape[1] <= k:
        return list(range(X.shape[1]))
    return sorted(np.argsort(-X.var(axis=0), kind="stable")[:k].tolist())


def _positions(features: Sequence[int | str], names: list[str]) -> list[int]:
    """``features`` (positions or names among ``names``) as positions, checked: each once, and
    a name only where one column has it."""
    if isinstance(features, (str, int, np.integer)) or not len(features):
        raise ValueError(
            f"features must be a non-empty list of positions or names; got {features!r}."
        )
    positions = []
    for feature in features:
        if isinstance(feature, (int, np.integer)) and not isinstance(feature, bool):
            if not 0 <= feature < len(names):
                raise ValueError(
                    f"feature {feature} is out of range: the table has {len(names)} columns."
                )
            positions.append(int(feature))
        elif names.count(str(feature)) == 1:
            positions.append(names.index(str(feature)))
        else:
            shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
            said = "names several columns: give a position" if str(feature) in names else ""
            raise ValueError(f"{feature!r} {said or f'is no feature; the features: {shown}'}.")
    if len(set(positions)) < len(positions):
        shown = [f if isinstance(f, str) else int(f) for f in features]
        raise ValueError(f"features {shown} draw a column twice; name each once.")
    return positions


def _feature_names(
    feature_names: Sequence[str] | None, d: int, tables: Mapping[str, Any]
) -> list[str]:
    """One name per column: ``feature_names`` (refused unless ``d`` of them), else the columns
    of the DataFrames among ``tables`` (name -> the table as given), else ``x0, x1, ...``. Two
    DataFrames must have the same columns in the same order: panels compare column j of one
    with column j of the other."""
    if feature_names is not None:
        if len(feature_names) != d:
            raise ValueError(
                f"{len(feature_names)} feature_names for {d} columns; pass one per column."
            )
        return [str(name) for name in feature_names]
    named = {k: [str(c) for c in v.columns] for k, v in tables.items() if hasattr(v, "columns")}
    if len(named) == 2:
        (first, columns), (second, others) = named.items()
        if others != columns:
            reordered = sorted(others) == sorted(columns)
            what = f"{first}'s columns in another order" if reordered else "other columns"
            fix = f"pass {second}[{first}.columns]" if reordered else "pass the same columns"
            raise ValueError(
                f"{second} has {what} ({others[:5]}; {first}: {columns[:5]}): each panel "
                f"compares a column of one with the same column of the other; {fix}."
            )
    if named:
        return next(iter(named.values()))
    return [f"x{j}" for j in range(d)]


def _two_features(features: Any, d: int) -> tuple[int, int]:
    """``features`` as two column indices in [0, d), else refused."""
    pair = np.asarray(features)
    if pair.shape != (2,) or pair.dtype.kind not in "iu" or not ((-d <= pair) & (pair < d)).all():
        raise ValueError(
            f"features must be two column indices below {d}, e.g. (0, 1); got {features!r}."
        )
    return int(pair[0]) % d, int(pair[1]) % d
