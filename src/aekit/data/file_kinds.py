"""What a data file's name says it holds. A text table may be compressed as pandas reads it
(``table.csv.gz``, ``.bz2``, ``.xz``, ``.zip``, ``.zst``): its suffix is then the table's,
``.csv``, so it is read as a table and never taken, for its gzip magic number, for an MNIST IDX
file (``train-images-idx3-ubyte.gz`` has no table suffix before its ``.gz``)."""

from __future__ import annotations

import os
from pathlib import Path

# the compressions pandas.read_csv infers from a file name (compression="infer")
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zip", ".zst")
TEXT_TABLES = (".csv", ".tsv")  # a .tsv is a CSV separated by tabs
TABLE_SUFFIXES = (*TEXT_TABLES, ".parquet")
ARRAY_SUFFIXES = (".npy", ".npz")


def data_suffix(path: str | os.PathLike[str]) -> str:
    """The lower-case suffix that says what ``path`` holds: ``.csv`` for ``a.csv`` and for
    ``a.csv.gz`` (any of :data:`COMPRESSIONS` after a text table's suffix), else the last
    suffix (``.gz`` for an IDX file ``...-idx3-ubyte.gz``)."""
    suffixes = [s.lower() for s in Path(path).suffixes[-2:]]
    if len(suffixes) == 2 and suffixes[1] in COMPRESSIONS and suffixes[0] in TEXT_TABLES:
        return suffixes[0]
    return Path(path).suffix.lower()


def csv_separator(path: str | os.PathLike[str], sep: str) -> str:
    """The separator to read a text table with: a tab for a ``.tsv`` file unless another one
    than the default ``,`` was asked for."""
    return "\t" if sep == "," and data_suffix(path) == ".tsv" else sep
