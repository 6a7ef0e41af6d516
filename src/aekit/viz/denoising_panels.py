"""Denoising figures of rows and sequences (``aekit.viz.denoising_lines``, the counterpart of
:func:`aekit.viz.denoising_grid`'s images): each example's noisy input, its denoised version and
(when known) the clean row overlaid as lines in one small panel, values against feature index
or time step. A table's row or a signal is no picture to tile as images are (the image figure,
:func:`aekit.viz.denoising.denoising_grid`, refused them); drawn on one pair of axes, the three
show how far the noise took each value and how much of that the model took back."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.viz.figures import new_figure
from aekit.viz.inputs import check_n_cols
from aekit.viz.score_inputs import check_axes
from aekit.viz.sequences import sequence_rows

N_LINES = 6  # examples drawn: two rows of three panels (eight made each panel too small to read)
MAX_CHANNELS = 3  # a sequence's channels drawn, a panel row each; more are said in the title
_MARKED = 30  # up to this many values a line also marks each value (a table's few features)
_NAMED = 24  # column names a panel's axis holds readably (7 pt, on end); more: every k-th

# noisy behind and faint, denoised on top, clean dashed so that both stay visible where they meet
_STYLE = {
    "noisy": {"color": "0.6", "linewidth": 0.8},
    "denoised": {"color": "C0", "linewidth": 1.5},
    "clean": {"color": "black", "linewidth": 1.0, "linestyle": "--"},
}


def denoising_lines(
    noisy: Any,
    denoised: Any,
    clean: Any | None = None,
    sequence_shape: tuple[int, int] | None = None,
    max_rows: int = N_LINES,
    n_cols: int = 3,
    feature_names: Any = None,
    titles: Any = None,
    title: str | None = None,
    units: str | None = None,
    axes=None,
):
    """The first ``max_rows`` noisy rows, their denoised versions and (when given) the clean
    rows as lines, one panel per row (a panel row per channel of a sequence).

    Parameters
    ----------
    noisy, denoised : array-like of shape (n, features), (n, C * length) or (n, C, length)
        The corrupted rows and the model's outputs for them, in the same order, finite.
    clean : array-like of the same shape, default=None
        The rows before corruption, drawn dashed as a third line when given.
    sequence_shape : tuple (channels, length), default=None
        The rows are sequences (a model's ``sequence_shape_``): values against their step, a
        panel row per channel. None: sequences when the rows are (n, channels, length), else
        a table's rows, values against their feature.
    max_rows, n_cols : int, default=6, 3
        Rows drawn, and panels across.
    feature_names : sequence of str, default=None
        A table's column names, on the x axis (every k-th of more than 24, to stay readable).
    titles : sequence of str, default=None
        A title per row drawn; ``row 0, row 1, ...`` when None.
    title : str, default=None
        The figure's title.
    units : str, default=None
        What the values are (e.g. "as encoded: ..."), said under the title.
    axes : array of matplotlib Axes, default=None
        Where to draw: at least one per row drawn and channel shown (up to 3 channels), row
        by row, channel by channel within a row (``n_cols`` is then ignored); a new figure when
        None.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        The panels drawn, row by row (channel by channel within a row).
    """
    n = min(check_n_cols(max_rows, "max_rows"), len(noisy))
    if n == 0:
        raise ValueError("noisy holds no rows to draw.")
    if sequence_shape is None and np.ndim(noisy) == 3:  # (n, channels, length): sequences
        sequence_shape = np.shape(noisy)[1:]
    lines = {"noisy": noisy, "denoised": denoised, **({} if clean is None else {"clean": clean})}
    lines = {k: np.asarray(v)[:n] for k, v in lines.items()}
    widths = {k: v[:1].size for k, v in lines.items()}
    if len(set(widths.values())) != 1 or min(len(v) for v in lines.values()) < n:
        raise ValueError(f"the rows differ in length or number: {widths}.")
    # each checked as sequence_reconstructions checks its rows (shape, width, finite values)
    shape = sequence_shape or (1, widths["noisy"])
    lines = {k: sequence_rows(v, shape, k) for k, v in lines.items()}
    channels, length = (int(v) for v in shape)
    shown = min(channels, MAX_CHANNELS)
    if axes is not None:  # the caller's panels, row by row, channel by channel within a row
        panels = check_axes(axes, n * shown)
        figure = panels[0].figure

        def place(i: int, c: int):
            return panels[i * shown + c]

        bottoms = [panels[i * shown + shown - 1] for i in range(n)]
    else:
        cols = min(check_n_cols(n_cols), n)
        blocks = -(-n // cols)
        figure = new_figure((3.6 * cols, (2.2 if shown == 1 else 1.6) * blocks * shown + 0.6))
        figure.set_layout_engine("constrained")  # room for each row's title between the panels
        grid = figure.subplots(blocks * shown, cols, squeeze=False, sharex=True)
        for ax in grid.ravel():
            ax.set_visible(False)

        def place(i: int, c: int):
            return grid[(i // cols) * shown + c, i % cols]

        # the lowest panel of each column (sharex hid the tick labels of every panel above the
        # grid's bottom row, which a column one row short leaves empty)
        bottoms = [grid[((n - 1 - col) // cols) * shown + shown - 1, col] for col in range(cols)]
    x, drawn = np.arange(length), []
    marker = {"marker": "o", "markersize": 2.5} if length <= _MARKED else {}
    for i in range(n):
        for c in range(shown):
            ax = place(i, c)
            ax.set_visible(True)
            for name, rows in lines.items():
                ax.plot(x, rows[i].reshape(channels, length)[c], label=name,
                        **_STYLE[name], **marker)  # fmt: skip
            ax.tick_params(labelsize=7)
            if c == 0:
                ax.set_title(f"row {i}" if titles is None else str(titles[i]), fontsize=9)
            if shown > 1 and (axes is not None or i % cols == 0):
                ax.set_ylabel(f"channel {c}", fontsize=8)
            drawn.append(ax)
    _label_x(bottoms, length, sequence_shape is None, feature_names)
    heading = [title] if title else []
    if channels > shown:
        heading.append(f"the first {shown} of {channels} channels")
    if units:
        heading.append(f"values {units}")
    if heading:
        figure.suptitle("\n".join(heading))
    if axes is not None:  # the caller's layout: no room kept under the panels
        drawn[0].legend(fontsize=7, frameon=False)
    else:  # one legend under the panels: inside the first it hid that row's lines
        figure.legend(*drawn[0].get_legend_handles_labels(), loc="outside lower center",
                      ncol=len(lines), fontsize=8, frameon=False)  # fmt: skip
    return np.asarray(drawn)


def _label_x(bottoms: list, length: int, table: bool, names: Any) -> None:
    """The x axis named under each of the ``bottoms`` panels (a column's lowest)."""
    for ax in bottoms:
        ax.xaxis.set_tick_params(labelbottom=True)
        ax.set_xlabel("feature" if table else "step", fontsize=8)
        if table and names is not None and len(names) == length:  # the table's columns
            ticks = np.arange(0, length, -(-length // _NAMED))  # every one, or every k-th
            named = [str(names[k]) for k in ticks]
            ax.set_xticks(ticks)
            ax.set_xticklabels(named, rotation=0 if max(map(len, named)) <= 3 else 90, fontsize=7)


def model_noise(estimator: Any, clean: np.ndarray, random_state: int = 0) -> np.ndarray:
    """``clean`` rows (flat) under the noise ``estimator`` trained with, drawn where it drew it:
    in its space (a Gaussian model's standardized features, each within its training range), so
    a feature of values near 0.01 gets noise on its own scale, not on the mean feature's.
    :func:`aekit.denoising.corrupt` takes one range for every value, right for images alone."""
    import torch

    corruption = estimator.model_.corruption
    low, high = (b.detach().cpu().reshape(-1).double() for b in (corruption.low, corruption.high))
    noise = type(corruption)(corruption.noise, corruption.level, low, high, corruption.schedule)
    mean, scale = estimator.data_mean_, estimator.data_scale_
    x = clean if mean is None else (clean - mean) / scale
    generator = torch.Generator().manual_seed(random_state)
    with torch.no_grad():
        noisy = noise(torch.from_numpy(np.asarray(x, dtype=np.float64)), generator).numpy()
    return noisy if mean is None else noisy * scale + mean


def run_figure(data: Any):
    """The run figure of a DenoisingAutoencoder fitted on rows or sequences: training rows
    under the model's own noise, denoised, and clean (:func:`aekit.viz.denoising.run_figure`
    calls this for a model without images)."""
    estimator = data.estimator
    if getattr(estimator.model_, "corruption", None) is None:
        return None  # no noise of its own to show
    pick = np.arange(min(N_LINES, len(data.flat)))
    clean = data.flat[pick]
    noisy = model_noise(estimator, clean)
    sequences = getattr(estimator, "sequence_shape_", None)
    given = noisy if estimator.input_ndim_ != 3 else noisy.reshape(len(pick), *sequences)
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:  # a model fitted on a DataFrame warns of an array without its names
        import pandas as pd

        given = pd.DataFrame(given, columns=names)
    denoised = np.asarray(estimator.denoise(given)).reshape(len(pick), -1)
    what = "rows" if sequences is None else "sequences"
    title = (f"{data.name}: training {what} noisy ({estimator.noise}, {estimator.noise_level:g}),"
             " denoised, clean")  # fmt: skip
    titles = [f"row {data.index[i]}" for i in pick]  # the training data's row, as elsewhere
    axes = denoising_lines(noisy, denoised, clean, sequence_shape=sequences, titles=titles,
                           feature_names=data.features, title=title, units=data.units)  # fmt: skip
    return axes[0].figure
