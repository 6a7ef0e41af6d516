"""The files the commands write with ``-o``: a 2-D array as a table (``.npy``, ``.csv``,
``.parquet``), a DataFrame as ``.csv`` or ``.parquet``, and images as one PNG grid, each
atomically (a killed command leaves no half-written file)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from aekit.io.atomic import atomic_write


def write_table(path: Path, values: np.ndarray, columns: list[str]) -> None:
    """Write a 2-D array as ``.npy``, ``.csv`` or ``.parquet`` (by suffix), atomically."""
    suffix = path.suffix.lower()
    if suffix == ".npy":
        buffer = io.BytesIO()
        np.save(buffer, values)
        atomic_write(path, lambda tmp: Path(tmp).write_bytes(buffer.getvalue()))
        return
    import pandas as pd

    if suffix not in (".csv", ".parquet"):
        raise ValueError(f"-o {path}: write .npy, .csv or .parquet.")
    write_frame(path, pd.DataFrame(np.asarray(values).reshape(len(values), -1), columns=columns))


def write_frame(path: Path, frame, csv_format: dict | None = None) -> None:
    """A DataFrame as .csv or .parquet (keeping its columns and types), atomically;
    ``csv_format``: a CSV's ``sep``, ``decimal`` and ``encoding`` (default ',', '.', UTF-8)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, **(csv_format or {})))
    elif suffix == ".parquet":
        atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))
    else:
        raise ValueError(f"-o {path}: write a table as .csv or .parquet.")


def write_images(
    path: Path,
    images: np.ndarray,
    n_cols: int = 8,
    title: str | None = None,
    row_labels: list[str] | None = None,
) -> None:
    """A grid of images (n, C, H, W) as one figure file, atomically, with an optional
    ``title`` and ``row_labels`` (one a row of ``n_cols`` images)."""
    from aekit.viz.figures import save_figure
    from aekit.viz.plots import image_grid

    # image_shape: the images' own (C, H, W), so tiny images are never read as channels-last
    grid = image_grid(
        images, min(n_cols, len(images)), row_labels, title=title, image_shape=images.shape[1:]
    )
    save_figure(grid, path)
