"""The command line's words for what the library says of DATA's layout: images of another
size or channel order, channels-last arrays, time-first sequences, pixel values 0..255. The
library's messages name ``X.transpose``, ``image_shape=``, ``sequence_shape=``; a command's user
reads how to save DATA, or the options (``--image-size``, ``--grayscale``, ``--param``); part of
:data:`aekit.cli.advice.ADVICE`."""

from __future__ import annotations

import re
from typing import Any


def _image_options(match: re.Match) -> str:
    """aekit.estimators._inputs' images of another shape, with the options that read DATA's
    images as the model reads them (a RUN's recorded ones are used unasked: these are for a
    bare model file, an index or a RUN from before they were recorded)."""
    channels, height, width, fitted_channels, fitted_height, fitted_width = map(int, match.groups())
    said = (  # without the Python API's transpose, said below in the command line's words
        f"has images of shape ({channels}, {height}, {width}) but the model was fitted on "
        f"({fitted_channels}, {fitted_height}, {fitted_width})."
    )
    if not _data_is_image_folder():  # --image-size and --grayscale read folders only
        if (channels, height, width) == (fitted_height, fitted_width, fitted_channels):
            fix = "save it as (n, C, H, W) (X.transpose(0, 3, 1, 2))"
            return f"{said} DATA looks channels-last: {fix}."
        return said
    options = []
    if (height, width) != (fitted_height, fitted_width):
        options.append(f"--image-size {fitted_height},{fitted_width}")
    if fitted_channels == 1 and channels != 1:
        options.append("--grayscale")
    elif channels == 1 and fitted_channels != 1:  # a colour model given --grayscale
        options.append("--no-grayscale")
    advice = f" Pass {' '.join(options)} to read them as the model does." if options else ""
    return f"{said}{advice}"


def _data_is_image_folder() -> bool:
    """Whether the running command's DATA is a folder of images."""
    from pathlib import Path

    from aekit.cli import outputs
    from aekit.cli.data import is_image_folder

    data = None if outputs.current_call is None else outputs.current_call[2].get("data")
    return isinstance(data, (str, Path)) and is_image_folder(str(data))


# (pattern, replacement) pairs, part of :data:`aekit.cli.advice.ADVICE`
ADVICE: tuple[tuple[str, Any], ...] = (
    (  # aekit.estimators._inputs: time-first sequences (sliding_windows' layout)
        r"; aekit takes \(n, channels, length\): pass X\.transpose\(0, 2, 1\), or "
        r"sequence_shape=\((\d+), (\d+)\) if it really has",
        r"; aekit takes (n, channels, length): save DATA with its last two axes swapped, or pass "
        r"--param 'sequence_shape=[\1,\2]' if it really has",
    ),
    (  # aekit.estimators._data_scale.warn_of_pixel_values
        r"^X( is uint8 \(pixel values 0\.\.255\?\)|'s images hold whole numbers 0\.\.255 "
        r"\(pixel values\?\)), so likelihood='auto' chose a Gaussian on "
        r"standardized values; for images divide X by 255 to get the Bernoulli likelihood of "
        r"\[0, 1\] pixels, (or pass likelihood='gaussian' to|or leave X as it is)",
        lambda found: (
            f"DATA{found[1]}, so the likelihood chosen is a Gaussian on standardized values; for "
            "images save DATA divided by 255 (values in [0, 1]) to get the Bernoulli likelihood "
            "of pixels, "
            + (
                "or leave DATA as it is"
                if "leave" in found[2]
                else "or pass --param likelihood=gaussian to"
            )
        ),
    ),
    (  # every command that applies a model to DATA's images takes --image-size, --grayscale
        r"\bhas images of shape \((\d+), (\d+), (\d+)\) but the model was fitted on "
        r"\((\d+), (\d+), (\d+)\)(?:: pass X\.transpose\(0, 3, 1, 2\) \([^)]*\))?\.",
        _image_options,
    ),
    (  # aekit.estimators._inputs: a fitted sequence model given its sequences' axes swapped
        r"\bhas sequences of shape (\(\d+, \d+\)) but the model was fitted on (\(\d+, \d+\)): "
        r"pass X\.transpose\(0, 2, 1\)\.$",
        r"has sequences of shape \1 but the model was fitted on \2: save DATA with its last two "
        r"axes swapped (np.save(path, X.transpose(0, 2, 1))).",
    ),
    (  # aekit.estimators._inputs: (n, H, W) grey images given to a dense network
        r"^X of shape \(n, (\d+), (\d+)\) is read as sequences (.*) if these are grey images "
        r"\(n, H, W\), pass X\[:, None\] \(n, 1, H, W\), or sequence_shape=\(\d+, \d+\) if",
        r"DATA of shape (n, \1, \2) is read as sequences \3 if these are grey images (n, H, W), "
        r"pass --image-shape 1,\1,\2, or --param 'sequence_shape=[\1,\2]' if",
    ),
    (r"\bpass grayscale=True\b", "pass --grayscale"),  # aekit.data.readers, images on disk
    (r"\bpass image_shape\.", "pass --image-shape C,H,W."),
    (r"\bset image_shape=\(C, H, W\)", "pass --image-shape C,H,W"),
    (  # aekit.estimators._inputs: flat rows' square images, given to a conv network
        r"\b(fit \d+x\d+ (?:grey|colour) images): image_shape=\((\d+), (\d+), (\d+)\)\.",
        r"\1: --image-shape \2,\3,\4.",
    ),
    (r"\bset sequence_shape=\(([^)]*)\)", r"pass --param 'sequence_shape=[\1]'"),
    (r"\bsequence_shape=\(([^)]*)\)", r"--param 'sequence_shape=[\1]'"),
    (  # aekit.estimators._inputs: channels-last images, fixed in the file on the command line
        r"pass X\.transpose\(0, 3, 1, 2\), or image_shape=\((\d+), (\d+), (\d+)\) if it really "
        r"has (.*)\.$",
        r"save DATA in that layout (np.save(path, X.transpose(0, 3, 1, 2))), or pass --param "
        r"'image_shape=[\1,\2,\3]' if it really has \4.",
    ),
    (r"^image_size=\((\d+), (\d+)\)", r"--image-size \1,\2"),  # aekit.data.images
    (
        r"\bgive image_size=\(height, width\) in pixels, e\.g\. \(28, 28\)",
        "e.g. --image-size 28,28",
    ),
)
