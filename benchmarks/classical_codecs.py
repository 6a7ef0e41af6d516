"""Two classical lossy codecs for :mod:`compress`, the baselines a learned codec must beat on
its own data, each entropy-coded by lzma (preset 9e) as aekit's rate counts every byte:

* transform coding (the Karhunen-Loeve transform, Goyal 2001, "Theoretical foundations of
  transform coding"): PCA fitted on the training images, every test image's coefficients
  rounded to multiples of a step, the integers lzma-compressed; decoded as the rounded
  coefficients times the components plus the mean. The fitted components, like aekit's network,
  are the model and not counted in the rate.
* quantized pixels: each pixel rounded to one of ``levels`` grey levels, lzma-compressed.
"""

from __future__ import annotations

import lzma
from collections.abc import Callable

import numpy as np
from sklearn.decomposition import PCA

PCA_STEPS = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0]
PIXEL_LEVELS = [2, 3, 4, 6, 8, 12, 17]

Quality = Callable[[np.ndarray, np.ndarray], tuple[float, float]]


def _packed(integers: np.ndarray) -> int:
    """Bytes of lzma (preset 9e) of the integers, as int16 (int8 when they fit)."""
    dtype = np.int8 if np.abs(integers).max(initial=0) < 128 else np.int16
    return len(lzma.compress(integers.astype(dtype).tobytes(), preset=9 | lzma.PRESET_EXTREME))


def _point(n_bytes: int, images: np.ndarray, restored: np.ndarray, quality: Quality) -> dict:
    psnr, ssim = quality(images, restored.reshape(images.shape))
    bpp = 8 * n_bytes / images.size
    return {"bpp": bpp, "bpp_payload": bpp, "psnr": psnr, "ssim": ssim}


def pca_curve(train: np.ndarray, images: np.ndarray, quality: Quality) -> list[dict]:
    """Transform coding at each step of :data:`PCA_STEPS` (in the coefficients' units)."""
    pca = PCA().fit(train.reshape(len(train), -1))
    coefficients = pca.transform(images.reshape(len(images), -1))
    points = []
    for step in PCA_STEPS:
        rounded = np.round(coefficients / step).astype(np.int64)
        restored = pca.inverse_transform(rounded * step)
        points.append({"step": step, **_point(_packed(rounded), images, restored, quality)})
    return points


def pixel_curve(images: np.ndarray, quality: Quality) -> list[dict]:
    """Quantized pixels at each number of grey levels of :data:`PIXEL_LEVELS`."""
    points = []
    for levels in PIXEL_LEVELS:
        rounded = np.round(images * (levels - 1)).astype(np.int64)
        restored = rounded / (levels - 1)
        points.append({"levels": levels, **_point(_packed(rounded), images, restored, quality)})
    return points
