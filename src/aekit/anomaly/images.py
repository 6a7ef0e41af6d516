"""A detector of images: it scores them as rows of pixels, so where it knows their shape (its
members' ``image_shape``, or the one ``aekit detect`` recorded of DATA) a pixel is named by its
place in the image, ``ch0_row6_col1``, not by its column (``x49``), and the members'
reconstructions can be drawn beside the images they reconstruct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def pixel_names(image_shape: Sequence[int]) -> list[str]:
    """One name per pixel of a flattened ``(C, H, W)`` image, in the row's (C-order) order:
    ``ch{c}_row{r}_col{x}``, the image's ``[c, r, x]``."""
    c, h, w = (int(v) for v in image_shape)
    return [f"ch{k}_row{r}_col{x}" for k in range(c) for r in range(h) for x in range(w)]


def detector_image_shape(detector: Any) -> tuple[int, int, int] | None:
    """The ``(C, H, W)`` of the images a fitted detector's members take (a conv member's
    ``image_shape``), or None where they take rows."""
    shapes = {getattr(m, "image_shape_", None) for m in getattr(detector, "estimators_", ())}
    shape = shapes.pop() if len(shapes) == 1 else None
    return None if shape is None else tuple(int(v) for v in shape)


def named_by_place(contributions: pd.DataFrame, image_shape: Sequence[int] | None) -> pd.DataFrame:
    """``contributions`` (:meth:`AnomalyDetector.explain` of a DataFrame, the remainder last)
    with each pixel's column named by its place (:func:`pixel_names`) where ``image_shape``
    holds as many pixels as there are feature columns; else as they are."""
    n_features = contributions.shape[1] - 1
    if image_shape is None or int(np.prod(image_shape)) != n_features:
        return contributions
    names = [*pixel_names(image_shape), contributions.columns[-1]]
    return contributions.set_axis(names, axis=1)


def member_reconstructions(detector: Any, X: Any) -> np.ndarray:
    """The detector's members' reconstructions of the rows X, averaged, on X's scale.

    Parameters
    ----------
    detector : AnomalyDetector
        Fitted.
    X : array-like of shape (n_samples, n_features)
        Rows with fit's columns (images as rows of pixels), numbers alone.

    Returns
    -------
    X_hat : ndarray of shape (n_samples, n_features)
        What the members make of each row, de-standardized as the detector's encoding was
        fitted, for drawing beside the rows (:func:`aekit.viz.top_anomalies`).
    """
    encoded = detector._encode_input(X)
    mean = np.mean([member.reconstruct(encoded) for member in detector.estimators_], axis=0)
    decoded = detector.encoder_.inverse_transform(mean.reshape(len(encoded), -1))
    return decoded.to_numpy(dtype=np.float64)
