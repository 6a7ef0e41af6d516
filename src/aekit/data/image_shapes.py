"""The image shape that flat rows of a given width most likely hold: square grey or colour
images (64 values: 8x8 grey; 784: MNIST's 28x28; 3072: CIFAR's 32x32 colour), for the advice
of a message that asks for an image shape."""

from __future__ import annotations

import math

SMALLEST_SIDE = 4  # 4 values as a 2x2 "image" is no advice worth giving


def square_image_shape(n_values: int) -> tuple[int, int, int] | None:
    """``(C, H, W)`` of square grey (C=1) or colour (C=3) images of ``n_values`` values (grey
    first), or None when neither is square or the side would be under ``SMALLEST_SIDE``."""
    for channels in (1, 3):
        side = math.isqrt(n_values // channels)
        if channels * side * side == n_values and side >= SMALLEST_SIDE:
            return (channels, side, side)
    return None
