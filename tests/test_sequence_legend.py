"""The sequence figure's legend covers no curve: inside row 0's panel it hid that row's lines
wherever they filled the panel ('best' inside one full panel still lay over them)."""

from __future__ import annotations

import numpy as np
import pytest

from aekit.viz.figures import new_figure
from aekit.viz.sequences import sequence_reconstructions


def filling_sequences(n: int = 6) -> np.ndarray:
    """Two-channel sequences whose lines cross the whole height of their panels."""
    t = np.linspace(0, 4 * np.pi, 140)
    rng = np.random.default_rng(0)
    first = np.stack([np.sin(t * rng.uniform(1, 3)) + 0.3 * np.sin(7 * t) for _ in range(n)])
    return np.stack([first, np.cos(2 * first)], axis=1)


@pytest.mark.parametrize("own_axes", [False, True])
def test_the_legend_lies_below_every_panel_over_no_curve(own_axes):
    X = filling_sequences()
    axes = new_figure((8, 3)).subplots(1, 2) if own_axes else None
    drawn = sequence_reconstructions(X, X * 0.9, (2, 140), max_sequences=2 if own_axes else 6,
                                     axes=axes)  # fmt: skip
    figure = drawn[0].figure
    assert [ax.get_legend() for ax in drawn] == [None] * len(drawn)
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "input x0", "reconstruction x0", "input x1", "reconstruction x1"
    ]  # fmt: skip
    figure.draw_without_rendering()
    box = legend.get_window_extent()
    for ax in drawn:  # under each panel's tick labels and axis label, so over none of its lines
        assert box.y1 <= ax.get_tightbbox().y0 + 1e-6
        for line in ax.get_lines():
            points = ax.transData.transform(line.get_xydata())
            assert box.count_contains(points) == 0
