"""``DenoisingAutoencoder.input_range()``: the range denoise clips X to, in X's units and shaped
like a row of X, so that the fix its warning names (``np.clip(X, *model.input_range())``) is
one a user can apply (it named ``low`` and ``high``, which no attribute held)."""

import warnings

import numpy as np
import pytest

import aekit

SCALES = np.array([1.0, 10.0, 100.0, 1.0])


@pytest.fixture(scope="module")
def rows():
    X = np.random.default_rng(0).normal(size=(200, 4)) * SCALES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return X, aekit.DenoisingAutoencoder(max_iter=2, random_state=0).fit(X)


def test_the_range_is_each_features_training_extremes_in_its_own_units(rows):
    X, model = rows
    low, high = model.input_range()
    np.testing.assert_allclose(low, X.min(axis=0), rtol=1e-5)
    np.testing.assert_allclose(high, X.max(axis=0), rtol=1e-5)


def test_clipping_to_it_is_what_denoise_does_without_the_warning(rows):
    X, model = rows
    noisy = X + np.random.default_rng(1).normal(size=X.shape) * 3 * SCALES
    with pytest.warns(UserWarning, match=r"np\.clip\(X, \*model\.input_range\(\)\)"):
        clipped_by_denoise = model.denoise(noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning once X is in range
        clipped_first = model.denoise(np.clip(noisy, *model.input_range()))
    np.testing.assert_allclose(clipped_first, clipped_by_denoise, rtol=1e-6)


def test_an_image_models_range_is_shaped_like_an_image():
    images = np.random.default_rng(0).normal(size=(40, 1, 6, 6)) * 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = aekit.DenoisingAutoencoder(max_iter=1, random_state=0).fit(images)
    low, high = model.input_range()
    assert low.shape == high.shape == (1, 6, 6)
    np.testing.assert_allclose(low, images.min(axis=0), rtol=1e-5)
