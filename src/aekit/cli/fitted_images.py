"""The shape of the images a detector run was trained on. ``aekit detect`` scores images as
rows of pixels, so its model knows their width alone, and images of another size were refused
as "X has 400 features, but AnomalyDetector is expecting 256": the RUN records the shape
(config.toml's ``[data] images``) and DATA's images are checked against it when read."""

from __future__ import annotations

from typing import Any

RECORDED_KEY = "images"  # config.toml's [data] key: "C,H,W"


def image_shape_of(X: Any) -> tuple[int, ...] | None:
    """The (C, H, W) of X's images (an array of four axes, or a dataset read as images), or
    None for rows."""
    reader = getattr(X, "reader", None)
    shape = tuple(
        getattr(reader, "row_shape", ()) if reader is not None else getattr(X, "shape", ())[1:]
    )
    return shape if len(shape) == 3 else None


def recorded_shape(X: Any) -> str | None:
    """What ``aekit detect`` records of DATA's images: ``"C,H,W"``, or None for rows."""
    shape = image_shape_of(X)
    return None if shape is None else ",".join(map(str, shape))


def check_fitted_images(X: Any, fitted: str | None) -> None:
    """Refuse images of another shape than the ``fitted`` ones (``"C,H,W"``, the RUN's) in the
    words of an image model's own refusal, which the command line rewrites with the options
    that read a folder's images at the fitted size (--image-size, --grayscale)."""
    shape = image_shape_of(X)
    if fitted is None or shape is None:
        return
    expected = tuple(int(v) for v in fitted.split(","))
    if shape != expected:
        raise ValueError(f"X has images of shape {shape} but the model was fitted on {expected}.")
