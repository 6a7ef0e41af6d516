"""``corrupt`` draws its noise for one range [low, high]: data outside it are refused, naming
the scale to use."""

import numpy as np
import pytest

from aekit.denoising import corrupt


def test_corrupt_refuses_data_outside_its_range():
    # images of 0..255 against the default [0, 1]: every ink pixel clipped to 1, salt of 1
    # invisible, unsaid (an image data scientist's review)
    X8 = np.tile(np.arange(0, 256, 15, dtype=np.uint8), (3, 1))
    with pytest.raises(ValueError) as caught:
        corrupt(X8, "gaussian", 0.2, random_state=0)
    assert str(caught.value) == (
        "X spans 0 to 255, outside [low, high] = [0, 1], the range the noise is drawn for: "
        "scale X into it (X / 255 for images of 0..255, or high=255), or pass its own range as "
        "low and high."
    )
    noisy = corrupt(X8, "salt_pepper", 0.5, random_state=0, high=255)  # the advice, as given
    assert set(np.unique(noisy)) - set(np.unique(X8).astype(np.float32)) <= {0.0, 255.0}
    unit = (X8 / 255).astype(np.float32)  # in range: refused nothing, hit nothing at level 0
    np.testing.assert_array_equal(corrupt(unit, "masking", 0.0, random_state=0), unit)
    with pytest.raises(ValueError) as caught:  # no pixels: no word of 255 (review)
        corrupt(np.linspace(-3, 3, 12).reshape(3, 4), low=-1, high=1)
    assert str(caught.value).endswith("outside [low, high] = [-1, 1], the range the noise is "
                                      "drawn for: scale X into it, or pass its own range as low "
                                      "and high.")  # fmt: skip
    with pytest.raises(ValueError, match=r"^X holds values that are not finite"):
        corrupt(np.array([[0.5, np.nan]]))
