"""``aekit.viz.denoising_lines``: the sequence (and table) counterpart of ``denoising_grid``,
public beside it. It was reachable only from its private module, took the rows of
(n, channels, length) sequences without their shape as a table's features, and drew NaN as
gaps without a word."""

from __future__ import annotations

import numpy as np
import pytest

import aekit.viz


def sines(n: int = 4, channels: int = 2, length: int = 40) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, length)
    return np.sin(t * np.arange(1, channels + 1)[:, None])[None].repeat(n, axis=0)


def test_sequences_shaped_n_channels_length_are_drawn_a_panel_row_per_channel():
    clean = sines()
    noisy = clean + np.random.default_rng(0).normal(0, 0.3, clean.shape)
    axes = aekit.viz.denoising_lines(noisy, clean * 0.9, clean)  # no sequence_shape needed
    assert len(axes) == 4 * 2  # a panel per sequence and channel, not one per row
    assert axes[1].get_ylabel() == "channel 1"
    assert len(axes[0].lines) == 3 and len(axes[0].lines[0].get_xdata()) == 40  # its steps
    np.testing.assert_allclose(axes[1].lines[2].get_ydata(), clean[0, 1])  # clean, channel 1
    labels = axes[0].figure.legends[0].get_texts()
    assert [t.get_text() for t in labels] == ["noisy", "denoised", "clean"]


def test_it_draws_into_given_axes_and_checks_its_rows_as_sequence_reconstructions_does():
    from aekit.viz.figures import new_figure

    clean = sines(n=2, channels=1)
    panels = new_figure((6, 2)).subplots(1, 2).ravel()
    axes = aekit.viz.denoising_lines(clean + 0.1, clean, clean, axes=panels)
    assert list(axes) == list(panels) and axes[0].get_xlabel() == "step"
    with pytest.raises(ValueError, match="this figure draws 2 panels"):
        aekit.viz.denoising_lines(clean, clean, axes=panels[:1])
    with pytest.raises(ValueError, match=r"sequence_shape=\(2, 20\) differs from noisy's"):
        aekit.viz.denoising_lines(clean, clean, sequence_shape=(2, 20))
    holed = clean.copy()
    holed[1, 0, 5] = np.nan
    with pytest.raises(ValueError, match="denoised has NaN or infinite values"):
        aekit.viz.denoising_lines(clean, holed)
