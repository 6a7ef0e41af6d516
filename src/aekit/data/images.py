"""Images on disk as aekit reads them, the same for :func:`aekit.open_dataset` (lazily,
:class:`aekit.data.readers.ImageFolderReader`) and for the command line's image folder DATA
(whole, :func:`aekit.cli.data.load_image_folder`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")

# A PNG holds at most 16 bits a grey sample; Pillow opens such a file as "I;16" (or "I", 32-bit,
# in older versions), which a conversion to 8-bit "L" clips to 0..255.
_SIXTEEN_BIT_MAX = 65535.0


def read_image(
    file: Path, size: tuple[int, int] | None = None, grayscale: bool = False
) -> np.ndarray:
    """One image as float32 ``(C, H, W)`` in [0, 1]: one channel for a grey image (or any,
    with ``grayscale``), three for a colour one; alpha is dropped. Resized to ``size=(H, W)``
    when given. A file Pillow cannot decode is a ValueError naming it."""
    from PIL import Image

    try:
        with Image.open(file) as image:
            if image.mode == "I" or image.mode.startswith("I;16"):
                # 16-bit grey, read as floats at full precision and scaled by its maximum
                image, top = image.convert("F"), _SIXTEEN_BIT_MAX
            else:
                grey = grayscale or _is_grey(image)
                image, top = image.convert("L" if grey else "RGB"), 255.0
            if size is not None:
                image = image.resize((size[1], size[0]))
            pixels = np.asarray(image, dtype=np.float32) / top
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise ValueError(f"{file} is not a readable image: {err}") from None
    # a float image's resampling may overshoot (an 8-bit one's is clipped to 0..255 by Pillow)
    pixels = np.clip(pixels, 0.0, 1.0, out=pixels)
    return pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)


def _is_grey(image) -> bool:
    """Whether an 8-bit image is grey by its type, as stored, never by its pixels: a grey mode
    (bilevel, grey, grey with alpha), or a palette ("P", "PA") whose every entry is a grey.
    Alpha is no channel here: it is dropped, as a colour image's is."""
    from PIL import Image

    if image.mode in ("P", "PA"):
        palette = np.asarray(image.getpalette("RGB") or [], dtype=np.uint8).reshape(-1, 3)
        return bool((palette == palette[:, :1]).all())
    return Image.getmodebase(image.mode) == "L"
