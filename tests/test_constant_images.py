"""Images all of one value are drawn as that value: scaled from their own (empty) range, every
pixel became 0 and a constant 0-255 image drew blank, white on the white grid."""

from __future__ import annotations

import numpy as np
import pytest

from aekit.viz.denoising import denoising_grid
from aekit.viz.plots import image_grid, reconstruction_grid


def drawn_tile(ax, k: int = 0, size: int = 8) -> np.ndarray:
    """The pixels of tile ``k`` of the first row as drawn (1-pixel gaps around each tile)."""
    (image,) = ax.get_images()
    left = 1 + k * (size + 1)
    return np.asarray(image.get_array())[1 : 1 + size, left : left + size]


@pytest.mark.parametrize(("value", "grey"), [(128.0, 128 / 255), (255.0, 1.0), (0.5, 0.5)])
def test_a_constant_image_is_drawn_as_its_grey_on_the_unit_range(value, grey):
    ax = image_grid(np.full((3, 1, 8, 8), value), 3)
    np.testing.assert_allclose(drawn_tile(ax, 2), grey, rtol=1e-6)
    assert ax.get_images()[0].get_clim() == (0.0, 1.0)


def test_a_constant_image_off_any_scale_is_drawn_mid_grey_not_blank():
    ax = image_grid(np.full((2, 1, 8, 8), -1.5), 2)  # standardized: no scale gives its grey
    np.testing.assert_allclose(drawn_tile(ax, 1), 0.5)


def test_images_of_a_range_keep_being_scaled_from_it_a_constant_one_among_them_too():
    ramp = np.linspace(0, 255, 64).reshape(1, 1, 8, 8)
    ax = image_grid(np.concatenate([np.full((1, 1, 8, 8), 51.0), ramp]), 2)
    np.testing.assert_allclose(drawn_tile(ax, 0), 0.2, rtol=1e-6)
    np.testing.assert_allclose(drawn_tile(ax, 1), ramp[0, 0] / 255, rtol=1e-6)


def test_constant_inputs_and_outputs_of_a_model_are_drawn_as_their_grey():
    same = np.full((2, 1, 8, 8), 128.0)
    ax = reconstruction_grid(same, same.copy(), 2)
    np.testing.assert_allclose(drawn_tile(ax, 1), 128 / 255, rtol=1e-6)
    ax = denoising_grid(same, same.copy(), same.copy())
    np.testing.assert_allclose(drawn_tile(ax, 0), 128 / 255, rtol=1e-6)
