"""The rows of an image folder DATA named by their files: per-row outputs (.csv, .parquet) of a
folder's images start with a ``file`` column, as a table's start with its ``--id-column``
(:func:`aekit.cli.columns.with_ids`); rows are in the folder's sorted order, which no user has
at hand to pair them back."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from aekit.cli.data_kinds import is_image_folder

COLUMN = "file"


def image_paths(spec: str) -> np.ndarray | None:
    """Each image's path under DATA ``spec``, in the order its images are read; None when
    ``spec`` is no folder of images."""
    from aekit.data.images import image_files

    if not is_image_folder(spec):
        return None
    folder = Path(spec)
    with warnings.catch_warnings():  # said once already, when the images were read
        warnings.simplefilter("ignore")
        files = image_files(folder)
    return np.array([f.relative_to(folder).as_posix() for f in files], dtype=object)
