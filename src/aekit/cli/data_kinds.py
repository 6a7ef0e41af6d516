"""What kind of DATA a path is, from the path alone: read a batch at a time (a .npy, a .parquet,
a folder of Parquet files) or a folder of images. A module of its own, below
:mod:`aekit.cli.data` and :mod:`aekit.cli.image_paths`, which both ask."""

from __future__ import annotations

from pathlib import Path


def on_disk(spec: str) -> bool:
    """Whether DATA can be read a batch at a time: a .npy or .parquet file, or a folder of
    Parquet files."""
    path = Path(spec)
    if path.is_dir():
        return any(path.glob("**/*.parquet"))
    return path.is_file() and path.suffix.lower() in {".npy", ".parquet"}


def is_image_folder(spec: str) -> bool:
    """Whether DATA is a folder of images (a folder of Parquet files is a table)."""
    return Path(spec).is_dir() and not on_disk(spec)
