"""The command line's checks of DATA against ``--image-shape`` (or a RUN's recorded shape):
rows of another size, and arrays that the reshape to it would scramble."""

from __future__ import annotations

import re
from typing import Any, Protocol

import numpy as np


class ShapeOptions(Protocol):
    """What these checks read of :class:`aekit.cli.data.DataOptions`."""

    label_column: str | None
    shape_recorded: bool

    def shape_option(self) -> str: ...


def shape_mismatch(options: ShapeOptions, shape: tuple, found: tuple, columns: Any) -> str:
    """Rows that are not ``shape`` (--image-shape) in size; one column too many, of a table
    whose label column was not named, is most likely that label (a Kaggle CSV: label, then
    784 pixels): its first or last column, whichever is named like one (else the first)."""
    size = int(np.prod(shape))
    said = f"{options.shape_option()} needs rows of {size} values; DATA has shape {found}."
    if not columns or options.label_column is not None or found[1:] != (size + 1,):
        return said
    named = [c for c in (columns[0], columns[-1]) if _LABEL_NAME.search(str(c))]
    column = (named or columns)[0]
    return f"{said} If its column {column!r} is the label, pass --label-column {column}."


_LABEL_NAME = re.compile(r"label|class|target|digit|^y$", re.IGNORECASE)


def check_image_layout(options: ShapeOptions, shape: tuple, array_shape: tuple) -> None:
    """Refuse an array of images (or rows of shape) other than ``shape`` (--image-shape) that
    the reshape to it would scramble: (n, H, W, C) images, or (n, a, b, c) of other axes (flat
    rows, and (n, H, W) images of one channel, are reshaped). Every read of DATA asks here:
    read from disk a batch at a time, channels-last images were scored scrambled, unsaid."""
    inner, ndim, size = tuple(array_shape[1:]), len(array_shape), int(np.prod(shape))
    typed = not options.shape_recorded  # a recorded shape cannot be left out
    if inner == tuple(shape) or (ndim == 3 and shape[0] == 1 and inner == tuple(shape[1:])):
        return
    if ndim == 4 and inner == (*shape[1:], shape[0]):
        raise ValueError(
            f"{options.shape_option()}: DATA's images have shape {inner}, channels-last "
            "(height, width, channels); aekit takes (n, C, H, W): save DATA in that layout "
            "(np.save(path, X.transpose(0, 3, 1, 2)))"
            + (" and leave --image-shape out." if typed else ".")
        )
    if ndim in (3, 4) and int(np.prod(inner)) == size:
        own = ",".join(map(str, (1,) * (ndim == 3) + inner))
        last = inner[-1] in (1, 3, 4) and ndim == 4  # channels-last, maybe
        fix = (
            f"leave it out, or give {own} if those are (C, H, W) images"
            if typed
            else f"save DATA as flat rows of {size} values or as images of that shape"
        )
        raise ValueError(
            f"{options.shape_option()}: DATA holds rows of shape {inner} already (array shape "
            f"{tuple(array_shape)}), which --image-shape would reorder; {fix}"
            + (", or save (H, W, C) images as X.transpose(0, 3, 1, 2)." if last else ".")
        )
