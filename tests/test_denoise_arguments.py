"""``aekit.denoising``'s functions name their own parameters and refuse what has no answer:
``corrupt``'s level out of range is ``level=`` (the estimators' name ``noise_level`` was said to
its caller), and ``psnr_of_mse`` refuses a negative or NaN MSE (NaN with numpy's
RuntimeWarning before), as ``psnr`` refuses such data."""

import warnings

import numpy as np
import pytest

import aekit
from aekit.denoising import corrupt, psnr_of_mse


def test_corrupt_names_its_level_and_the_estimators_their_noise_level():
    X = np.full((4, 3), 0.5)
    with pytest.raises(ValueError, match=r"^level=1\.5 is out of range for noise='masking'"):
        corrupt(X, "masking", 1.5)
    with pytest.raises(ValueError, match=r"^level=-0\.1 is out of range for noise='gaussian'"):
        corrupt(X, "gaussian", -0.1)
    model = aekit.DenoisingAutoencoder(noise="masking", noise_level=1.5, max_iter=1)
    with pytest.raises(ValueError, match=r"^noise_level=1\.5 is out of range"):
        model.fit(X)


@pytest.mark.parametrize("mse", [-1.0, np.nan, [0.01, -0.5]])
def test_psnr_of_mse_refuses_a_negative_or_nan_mse(mse):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning first
        with pytest.raises(ValueError, match="a mean squared error is a number of at least 0"):
            psnr_of_mse(mse)


def test_psnr_of_mse_of_good_errors():
    assert psnr_of_mse(0.0) == np.inf
    assert psnr_of_mse(np.inf) == -np.inf  # a sum past float64's range: the worst, not an error
    assert np.allclose(psnr_of_mse([0.01, 0.1]), [20.0, 10.0])
    assert np.allclose(psnr_of_mse(4.0, data_range=255), 10 * np.log10(255**2 / 4))
