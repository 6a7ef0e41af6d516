"""Images on disk as aekit reads them, the same for :func:`aekit.open_dataset` (lazily,
:class:`aekit.data.readers.ImageFolderReader`) and for the command line's image folder DATA
(whole, :func:`aekit.cli.data.load_image_folder`)."""

from __future__ import annotations

import operator
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aekit.warning_lines import caller_level

if TYPE_CHECKING:
    from PIL.Image import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")

# A PNG holds at most 16 bits a grey sample; Pillow opens such a file as "I;16" (or "I", 32-bit,
# in older versions), which a conversion to 8-bit "L" clips to 0..255.
_SIXTEEN_BIT_MAX = 65535.0
MAX_PIXELS = 89_478_485  # PIL.Image.MAX_IMAGE_PIXELS: larger is a "decompression bomb" to it


def checked_size(image_size: Any) -> tuple[int, int] | None:
    """``image_size`` as ``(height, width)`` in pixels (None: no resizing). A single number is
    refused rather than guessed: a square, or the shorter side as torchvision's Resize reads it?"""
    if image_size is None:
        return None
    advice = "give image_size=(height, width) in pixels, e.g. (28, 28)"
    try:
        height, width = (operator.index(v) for v in image_size)
    except (TypeError, ValueError):  # a number, a string, floats, or not two of them
        raise ValueError(f"image_size={image_size!r}: {advice}.") from None
    if height < 1 or width < 1:
        raise ValueError(f"image_size={image_size!r}: height and width must be positive; {advice}.")
    if height * width > MAX_PIXELS:  # a typo of 40000,40000 asked for 6 GiB an image
        raise ValueError(
            f"image_size={image_size!r} is {height * width:,} pixels an image, above "
            f"{MAX_PIXELS:,} (Pillow's own limit for a decoded image); {advice}."
        )
    return height, width


def image_files(folder: Path) -> list[Path]:
    """Every PNG/JPEG under ``folder``, sorted. Hidden ones are no data: a file, or one in a
    folder, whose name starts with '.' (Jupyter's ``.ipynb_checkpoints`` copies, ``.Trash``)."""
    found = sorted(p for p in folder.rglob("*") if p.is_file())
    visible = [f for f in found if not any(p.startswith(".") for p in f.relative_to(folder).parts)]
    shown = [f for f in visible if f.suffix.lower() in IMAGE_SUFFIXES]
    if not shown:
        hidden = sum(f.suffix.lower() in IMAGE_SUFFIXES for f in found)
        said = f" ({hidden} hidden ones, named '.*', are skipped)" if hidden else ""
        raise ValueError(f"{folder} holds no Parquet files and no PNG or JPEG images{said}.")
    _warn_other_images(folder, [f for f in visible if f.suffix.lower() in OTHER_IMAGES])
    _warn_other_files(folder, [f for f in visible if f.suffix.lower() not in READ_OR_TOLD])
    return shown


# images of formats the reader takes no part of: skipped, said (a class could vanish unsaid)
OTHER_IMAGES = (".bmp", ".gif", ".tif", ".tiff", ".webp")


# what image_files reads, or warns of as images it does not
READ_OR_TOLD = (*IMAGE_SUFFIXES, *OTHER_IMAGES)


def _warn_other_files(folder: Path, others: list[Path]) -> None:
    """Files that are no images (notes, a labels table) are skipped, and said: a user who put
    them there may have meant them to be read."""
    if others:
        shown = ", ".join(str(f.relative_to(folder)) for f in others[:3])
        more = ", ..." if len(others) > 3 else ""
        files = f"{len(others)} files that are" if len(others) > 1 else "a file that is"
        warnings.warn(
            f"{folder} holds {files} no image ({shown}{more}), skipped: only PNG and JPEG "
            "images are read, their labels from the sub-folders they lie in.",
            stacklevel=caller_level(),
        )


def _warn_other_images(folder: Path, others: list[Path]) -> None:
    if others:
        kinds = sorted({f.suffix.lower() for f in others})
        warnings.warn(
            f"{folder} holds {len(others)} image{'s' * (len(others) > 1)} of other formats "
            f"({', '.join(kinds)}; the first: {others[0].relative_to(folder)}), skipped: only "
            "PNG and JPEG images are read. Convert them (e.g. with Pillow) to read them too.",
            stacklevel=caller_level(),
        )


def folder_labels(folder: Path, files: list[Path]) -> np.ndarray | None:
    """Each image's label: the name of the first-level sub-folder of ``folder`` it lies under,
    however deep (``0/1/x.png`` is class '0'); None when every image lies at the top level.
    Images both at the top level and in sub-folders are refused: the top ones have no class."""
    classes = [f.relative_to(folder).parts[0] if f.parent != folder else None for f in files]
    at_top = classes.count(None)
    if at_top == len(files):
        return None
    if at_top:
        names = sorted({c for c in classes if c is not None})
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        raise ValueError(
            f"{folder} holds {at_top} image{'s' * (at_top > 1)} at its top level and class "
            f"sub-folders ({shown}): put every image in a class folder, or none."
        )
    _warn_of_splits(folder, {c for c in classes if c is not None})
    return np.array(classes)


# first-level folders that name a dataset's splits, not classes (MVTec AD, Kaggle, ImageNet)
_TRAIN_SPLITS = {"train", "training"}
_OTHER_SPLITS = {"test", "testing", "val", "valid", "validation"}


def _warn_of_splits(folder: Path, classes: set[str]) -> None:
    """A dataset's root (``train/`` beside ``test/`` or ``val/``), read as classes named train
    and test, unsaid: a model trained on it learns from its test images. Warned of, not refused:
    scoring or encoding every split at once is a use, and classes may be named so."""
    lower = {c.lower(): c for c in classes}
    train = sorted(lower.keys() & _TRAIN_SPLITS)
    others = sorted(lower.keys() & _OTHER_SPLITS)
    if not train or not others:
        return
    names = " and ".join(repr(lower[c]) for c in (*train, *others))
    warnings.warn(
        f"{folder} holds the folders {names}, a dataset's splits, read as classes of those "
        f"names (a model trained on it learns from its {lower[others[0]]} images); to train "
        f"on the training images alone, give {folder / lower[train[0]]}.",
        UserWarning,
        stacklevel=caller_level(),
    )


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
        raise ValueError(
            f"{file} is not a readable image ({err}): replace it with a readable copy, or "
            "move it out of the folder."
        ) from None
    # a float image's resampling may overshoot (an 8-bit one's is clipped to 0..255 by Pillow)
    pixels = np.clip(pixels, 0.0, 1.0, out=pixels)
    return pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)


def _is_grey(image: Image) -> bool:
    """Whether an 8-bit image is grey by its type, as stored, never by its pixels: a grey mode
    (bilevel, grey, grey with alpha), or a palette ("P", "PA") whose every entry is a grey.
    Alpha is no channel here: it is dropped, as a colour image's is."""
    from PIL.Image import getmodebase

    if image.mode in ("P", "PA"):
        palette = np.asarray(image.getpalette("RGB") or [], dtype=np.uint8).reshape(-1, 3)
        return bool((palette == palette[:, :1]).all())
    return getmodebase(image.mode) == "L"
