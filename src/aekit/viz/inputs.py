"""What the figure functions accept, checked before anything is drawn: images in a layout they
can tell apart, pixels on a scale they can show, codes without NaN, one label per code, and a
positive column count. Each refusal is a ``ValueError`` naming the argument and the fix, since a
figure drawn from misread input looks plausible and is wrong (averaged over the height, clipped
to black, coloured by the wrong rows).

Only numpy is imported here (pandas, for its missing-value test, only when labels are objects).
Scores, thresholds, anomaly labels and tables are checked in :mod:`aekit.viz.score_inputs`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_images",
    "check_codes",
    "check_finite_pixels",
    "check_n_cols",
    "on_range_of",
    "to_unit_range",
]

# Channel counts matplotlib can show: grey, RGB, RGBA.
SHOWABLE_CHANNELS = (1, 3, 4)


def check_n_cols(n_cols: Any, name: str = "n_cols") -> int:
    """``n_cols`` as an int, refused unless it is a whole number of at least 1."""
    if isinstance(n_cols, bool) or not isinstance(n_cols, numbers.Integral) or n_cols < 1:
        raise ValueError(f"{name} must be a whole number of at least 1; got {n_cols!r}.")
    return int(n_cols)


def _channels_first(images: np.ndarray, image_shape: Sequence[int] | None, name: str) -> np.ndarray:
    """A 4-D array as (n, C, H, W), the layout aekit's image models use. (n, H, W, C) is
    recognised by a last axis of 1, 3 or 4 channels where the second axis is not one, or by an
    ``image_shape`` (C, H, W) that the array's last three axes hold as (H, W, C)."""
    if image_shape is not None:
        c, h, w = (int(v) for v in image_shape)
        if images.shape[1:] == (c, h, w):
            return images
        if images.shape[1:] == (h, w, c):
            return images.transpose(0, 3, 1, 2)
        raise ValueError(
            f"{name} of shape {images.shape} hold neither (C, H, W) = {(c, h, w)} nor "
            f"(H, W, C) = {(h, w, c)} images; pass the image_shape they have."
        )
    first = images.shape[1] in SHOWABLE_CHANNELS
    last = images.shape[-1] in SHOWABLE_CHANNELS
    if first and not last:
        return images
    if last and not first:
        return images.transpose(0, 3, 1, 2)
    if first and last:
        raise ValueError(
            f"{name} of shape {images.shape}: the channels could be the second axis or the last; "
            "say which with image_shape=(C, H, W)."
        )
    if images.shape[1] < images.shape[-1]:  # many channels first: shown as their mean
        return images
    raise ValueError(
        f"{name} of shape {images.shape}: neither the second axis nor the last is 1, 3 or 4 "
        "channels and the second is not the smaller, so the channel axis is unclear; say "
        f"which with image_shape: {tuple(images.shape[1:])} if the second axis is the channels "
        "(more than 4 are shown as their mean)."
    )


def as_images(
    images: Any, image_shape: Sequence[int] | None = None, name: str = "images"
) -> np.ndarray:
    """Images as (n, C, H, W) float32, ready for :func:`aekit.viz.plots.image_grid`.

    Parameters
    ----------
    images : array-like of shape (n, C, H, W), (n, H, W, C), (n, H, W) or (n, n_pixels)
        Flat rows are square one-channel images when their width is a square (64 -> 8 x 8),
        else need ``image_shape``. (n, H, W, C) is recognised by C in 1, 3 or 4 where the second
        axis is not; a shape that fits both layouts is refused unless ``image_shape`` says which.
    image_shape : (C, H, W), default=None
        The shape of one image: of flat rows, or of 4-D images in either layout.
    name : str, default="images"
        The argument's name in error messages.

    Returns
    -------
    images : ndarray of shape (n, C, H, W)
        More channels than 1, 3 or 4 become their mean (matplotlib cannot show them).
    """
    images = as_numbers(images, name, np.float32, "pixels")
    if images.size == 0:
        raise ValueError(f"{name} is empty (shape {images.shape}): nothing to draw.")
    if images.ndim == 2:
        if image_shape is None:
            side = int(round(np.sqrt(images.shape[1])))
            if side * side != images.shape[1]:
                raise ValueError(
                    f"{name}: rows of {images.shape[1]} values are not square images; "
                    "pass image_shape=(C, H, W)."
                )
            image_shape = (1, side, side)
        if int(np.prod(image_shape)) != images.shape[1]:
            raise ValueError(
                f"{name}: rows of {images.shape[1]} values do not hold images of "
                f"image_shape={tuple(image_shape)}."
            )
        images = images.reshape(len(images), *image_shape)
    images = images[:, None] if images.ndim == 3 else images
    if images.ndim != 4:
        raise ValueError(
            f"{name} must be (n, C, H, W), (n, H, W, C), (n, H, W) or flat rows; got shape "
            f"{images.shape}."
        )
    images = _channels_first(images, image_shape, name)
    if images.shape[1] not in SHOWABLE_CHANNELS:
        images = images.mean(axis=1, keepdims=True)
    return images


def check_finite_pixels(images: np.ndarray, name: str = "images") -> None:
    """Refuse NaN or infinite pixels, naming the set that holds them."""
    finite = np.isfinite(images)
    if not finite.all():
        raise ValueError(
            f"{name} hold {int(np.sum(~finite))} NaN or infinite pixels (a diverged model?); "
            "draw finite images."
        )


def to_unit_range(images: np.ndarray, name: str = "images") -> np.ndarray:
    """Pixels on [0, 1] for drawing: as they are when they lie on it, else the whole set scaled
    from its own minimum and maximum (0-255 pixels, standardized data, a reconstruction that
    overshoots), one scale for every tile so that tiles stay comparable. Clipping instead would
    draw 0-255 images as solid blocks. Images all of one value off [0, 1] are drawn at
    :func:`constant_level`. Non-finite pixels are refused."""
    check_finite_pixels(images, name)
    low, high = float(images.min()), float(images.max())
    if low >= 0.0 and high <= 1.0:
        return images
    if high == low:
        return np.full_like(images, constant_level(low))
    return (images - low) / (high - low)


def constant_level(value: float) -> float:
    """Where on [0, 1] images all of one ``value`` off [0, 1] are drawn. They have no range to
    be scaled from: scaled by a stand-in one, every pixel became 0 and the tiles drew blank
    (white). A value on 0-255 is drawn as that 8-bit grey (value / 255: a 0-255 set holding 0
    and 255 is drawn on that scale too); any other (standardized data) has no scale that says
    its grey, and is drawn mid grey: seen, not blank."""
    return value / 255.0 if 0.0 <= value <= 255.0 else 0.5


def on_range_of(reference: np.ndarray, *sets: np.ndarray) -> list[np.ndarray]:
    """``reference`` and ``sets`` of images drawn on ``reference``'s scale (the inputs beside
    their reconstructions, the clean images beside the denoised): its range, or [0, 1] where it
    lies on it, maps to [0, 1], and what falls outside is clipped (constant inputs off [0, 1]
    take the range of every set; all of one value, they are drawn at
    :func:`constant_level`). Scaled by their own extremes, a 0-255 model's outputs
    overshooting to [-721, 852] drew every tile grey on grey. The callers refuse non-finite
    pixels first, naming the set (:func:`check_finite_pixels`)."""
    low, high = float(reference.min()), float(reference.max())
    if low >= 0.0 and high <= 1.0:
        low, high = 0.0, 1.0
    elif high == low:
        low = min(low, *(float(images.min()) for images in sets))
        high = max(high, *(float(images.max()) for images in sets))
    if high == low:  # every set all of one value off [0, 1]
        return [np.full_like(images, constant_level(low)) for images in (reference, *sets)]
    return [np.clip((images - low) / (high - low), 0.0, 1.0) for images in (reference, *sets)]


def first_rows(rows: np.ndarray, n: int = 5) -> str:
    """The first ``n`` of ``rows`` for a message: ``3, 8, 12, ...``."""
    return ", ".join(map(str, rows[:n])) + (", ..." if len(rows) > n else "")


def as_numbers(values: Any, name: str, dtype: Any, what: str) -> np.ndarray:
    """``values`` as an array of ``dtype``, or a ValueError naming the argument and what it
    should hold (numpy's "could not convert string to float: 'abc'" named neither). None and a
    model (given in place of its outputs) are named as such: numpy makes NaN of None, and
    called a model "holding text"."""
    if values is None:
        raise ValueError(f"{name} is None; pass an array of {what}.")
    if hasattr(values, "fit") and hasattr(values, "get_params"):  # a scikit-learn estimator
        raise ValueError(
            f"{name} is a model ({type(values).__name__}); pass an array of {what}, not the "
            "model (its outputs are arrays: model.transform(X), model.reconstruct(X))."
        )
    try:
        return np.asarray(values, dtype=dtype)
    except (TypeError, ValueError):
        shown = repr(values) if isinstance(values, str) else f"{type(values).__name__} holding text"
        raise ValueError(f"{name} must hold numbers ({what}); got {shown[:60]}.") from None


def check_codes(Z: Any) -> np.ndarray:
    """Codes as (n, d) float64, refused when empty or holding NaN or infinite values."""
    Z = as_numbers(Z, "Z", np.float64, "codes, e.g. model.transform(X)")
    if Z.size == 0:
        raise ValueError(f"Z is empty (shape {Z.shape}): nothing to draw; pass (n, latent_dim).")
    Z = Z.reshape(len(Z), -1) if Z.ndim else Z.reshape(1, 1)
    check_finite_rows(
        Z, "Z has NaN or infinite codes", "e.g. from a model that diverged; drop them first: "
        "keep = np.isfinite(Z).all(axis=1); latent_scatter(Z[keep], labels[keep])."
    )  # fmt: skip
    return Z


def check_finite_rows(X: np.ndarray, problem: str, advice: str) -> None:
    """Refuse a 2-D ``X`` with NaN or infinite values, naming the first rows that hold them."""
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise ValueError(
            f"{problem} in {len(rows)} of {len(X)} rows ({first_rows(rows)}), {advice}"
        )
