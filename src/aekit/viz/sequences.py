"""Sequences (heartbeats, windows of a signal) over their reconstructions: one panel per
sequence, each channel's values against its step, the reconstruction dashed on top. A scatter
of the first features against their reconstructions (:func:`aekit.viz.feature_reconstructions`)
showed 8 steps of a 140-step beat, each on its own; the shape is what a reader checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.viz.figures import new_figure
from aekit.viz.inputs import check_n_cols
from aekit.viz.score_inputs import check_axes, check_table

MAX_NAMED_CHANNELS = 4  # more channels: the legend names the line styles alone


def sequence_rows(rows: Any, sequence_shape: tuple[int, int], name: str) -> np.ndarray:
    """``rows`` as flat float64 rows of ``channels * length`` finite values, refused naming
    ``name`` where their (n, channels, length) shape or their width differs from
    ``sequence_shape``."""
    channels, length = (int(v) for v in sequence_shape)
    shape = tuple(np.shape(rows)[1:])  # (n, channels, length) says its own shape
    if len(shape) == 2 and shape != (channels, length):
        raise ValueError(
            f"sequence_shape={tuple(sequence_shape)} differs from {name}'s sequences of "
            f"shape {shape}: pass sequence_shape={shape}."
        )
    flat = check_table(np.asarray(rows, dtype=np.float64).reshape(len(rows), -1), name)
    if flat.shape[1] != channels * length:
        raise ValueError(
            f"sequence_shape={tuple(sequence_shape)} holds {channels * length} values; {name}'s "
            f"rows hold {flat.shape[1]}."
        )
    return flat


def sequence_reconstructions(
    X: Any,
    X_hat: Any,
    sequence_shape: tuple[int, int],
    max_sequences: int = 6,
    axes=None,
    n_cols: int = 3,
    titles: Any = None,
    names: tuple[str, str] = ("input", "reconstruction"),
):
    """Each of the first ``max_sequences`` rows drawn as a sequence, over its reconstruction.

    Parameters
    ----------
    X, X_hat : array-like of shape (n_samples, channels * length) or (n_samples, channels, length)
        Sequences and their reconstructions, finite.
    sequence_shape : tuple (channels, length)
        How a flat row reads as a sequence (a model's ``sequence_shape_``).
    max_sequences : int, default=6
        Draw the first ``max_sequences`` rows only.
    axes : array of matplotlib Axes, default=None
        At least as many as rows drawn; a new figure (``n_cols`` panels wide) when None.
    n_cols : int, default=3
        Panels per row of a new figure (ignored when ``axes`` are given).
    titles : sequence of str, default=None
        A title per row drawn; ``row 0, row 1, ...`` when None.
    names : tuple of two str, default=("input", "reconstruction")
        What the solid and the dashed lines are, in the legend (("training row", "sample")
        for a generative model's samples beside training rows).

    Returns
    -------
    axes : ndarray of matplotlib Axes
        One per sequence drawn.
    """
    channels, length = (int(v) for v in sequence_shape)
    X, X_hat = (
        sequence_rows(rows, sequence_shape, name) for name, rows in (("X", X), ("X_hat", X_hat))
    )
    if X.shape != X_hat.shape:
        raise ValueError(f"X {X.shape} and X_hat {X_hat.shape} differ in shape.")
    n = min(check_n_cols(max_sequences, "max_sequences"), len(X))
    if axes is not None:
        axes = check_axes(axes, n)
        n_cols = n
    else:
        n_cols = min(check_n_cols(n_cols), n)
        n_rows = -(-n // n_cols)
        figure = new_figure((3.6 * n_cols, 2.4 * n_rows))
        figure.set_layout_engine("constrained")  # room for the legend outside the panels
        axes = figure.subplots(n_rows, n_cols, squeeze=False, sharex=True, sharey=True).ravel()
        for ax in axes[n:]:
            ax.set_visible(False)
    # channels of other scales standardized by the drawn inputs' (a channel of thousands drew
    # the others flat on the shared axis), as series_figure does
    from aekit.viz.series import channel_standardization

    drawn = X[:n].reshape(n, channels, length).transpose(0, 2, 1).reshape(-1, channels)
    shift = channel_standardization(drawn)
    centre, scale = (np.zeros(channels), np.ones(channels)) if shift is None else shift
    steps = np.arange(length)
    for i, ax in enumerate(axes[:n]):
        given, rebuilt = (
            (rows[i].reshape(channels, length) - centre[:, None]) / scale[:, None]
            for rows in (X, X_hat)
        )
        for c in range(channels):
            colour = f"C{c % 10}"
            name = f" x{c}" if channels > 1 else ""
            ax.plot(steps, given[c], color=colour, linewidth=1.0, label=f"{names[0]}{name}")
            ax.plot(steps, rebuilt[c], color=colour, linewidth=1.0, linestyle="--",
                    label=f"{names[1]}{name}")  # fmt: skip
        ax.set_title(f"row {i}" if titles is None else str(titles[i]), fontsize=9)
    if shift is not None:
        axes[0].set_ylabel("each channel standardized", fontsize=8)
    for ax in axes[max(0, n - n_cols) : n]:  # the bottom panels: the others' titles sit there
        ax.set_xlabel("step", fontsize=8)
        ax.tick_params(axis="x", labelbottom=True)  # sharex hid them above a hidden panel
    if channels <= MAX_NAMED_CHANNELS:
        handles, _ = axes[0].get_legend_handles_labels()
    else:  # two entries a channel grew past the panels (24 for 12 channels)
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], color="black", linewidth=1.0, label=f"{names[0]} ({channels} channels)"),
            Line2D([], [], color="black", linewidth=1.0, linestyle="--", label=names[1]),
        ]
    _legend_outside(axes[:n], handles)
    return np.asarray(axes[:n])


def _legend_outside(axes: Any, handles: list) -> None:
    """One legend under the panels, where it covers no curve: inside row 0's panel it hid
    that row's lines wherever they filled it. A figure without constrained layout (a user's
    ``axes``) gets it below the lowest panel's tick labels, measured once drawn."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    figure = axes[0].figure
    style = {"handles": handles, "ncol": min(len(handles), 4), "fontsize": 7, "frameon": False}
    if isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine):
        figure.legend(loc="outside lower center", **style)
        return
    figure.draw_without_rendering()  # places the tick labels, to measure them
    bottom = min(ax.get_tightbbox().y0 for ax in axes)
    below = figure.transFigure.inverted().transform((0.0, bottom))[1]
    figure.legend(loc="upper center", bbox_to_anchor=(0.5, below), **style)
