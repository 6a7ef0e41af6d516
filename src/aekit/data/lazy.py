"""Datasets on disk that are never loaded whole: :func:`open_dataset` and :class:`Dataset`.

Every estimator and command accepts a :class:`Dataset` where it accepts an array: ``fit`` makes
one streaming pass for the data's statistics (:mod:`aekit.data.row_stats`) and then reads each
batch from disk; inference reads and writes batch by batch. Large ``np.memmap`` arrays (and
``np.load(path, mmap_mode="r")``) are treated the same way (:func:`lazy_reader`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from aekit.data.csv_parquet import csv_to_parquet
from aekit.data.file_kinds import TEXT_TABLES, conversion_advice, data_suffix
from aekit.data.images import IMAGE_SUFFIXES
from aekit.data.name_lists import some_names
from aekit.data.readers import ArrayReader, ImageFolderReader, RowReader, is_memory_mapped, open_npy
from aekit.io.paths import user_path

__all__ = [
    "CSV_LIMIT_BYTES",
    "Dataset",
    "csv_to_parquet",
    "lazy_reader",
    "open_dataset",
    "rows_at",
]

# A CSV up to this size is read into memory; a larger one is refused with the way to convert it.
CSV_LIMIT_BYTES = 256 * 2**20
# A memory-mapped array at least this large is read batch by batch; a smaller one is copied, as
# any array is (cheaper than a second path for data that fit in memory many times over).
MEMMAP_LAZY_BYTES = 64 * 2**20


class Dataset:
    """A table or array on disk, read a batch at a time.

    Attributes
    ----------
    path : Path
    columns : list of str
        The feature columns (``x0, x1, ...`` for arrays and images).
    dtypes : dict of str to str
        Each feature column's type as stored in the file, named as numpy and pandas name the
        type (``float32``, ``int64``, ``bool``; ``str`` and ``category`` for text). It is the
        column's storage type: ``pd.read_parquet`` may give another (``Int64`` for a pandas
        nullable integer column, ``object`` for bools with missing values).
    shape : tuple of int
        ``(n_rows, n_features)``, or ``(n_rows, C, H, W)`` for images.
    label_column : str or None
    labels : ndarray or None
        One label per row (read from the label column only, on first use), or None.

    Notes
    -----
    ``len(dataset)``, ``columns``, ``dtypes`` and ``shape`` come from file headers (Parquet
    footers, the ``.npy`` header, a directory listing) without reading any data.
    """

    def __init__(self, reader: RowReader, label_column: str | None = None, labels=None):
        self.reader, self.label_column, self._labels = reader, label_column, labels
        self.path = reader.path

    def __len__(self) -> int:
        return len(self.reader)

    def __repr__(self) -> str:
        return f"Dataset({str(self.path)!r}, rows={len(self)}, features={self.reader.n_features})"

    @property
    def columns(self) -> list[str]:
        return list(self.reader.columns)

    @property
    def dtypes(self) -> dict[str, str]:
        return dict(self.reader.dtypes)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.reader.shape

    @property
    def labels(self) -> np.ndarray | None:
        if self._labels is None and self.label_column is not None:
            self._labels = self.reader.read_labels()  # type: ignore[attr-defined]
        return self._labels

    def read(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start:stop`` as float32, shaped ``(k, *shape[1:])``."""
        rows = self.reader.read(start, len(self) if stop is None else stop)
        return rows.reshape(len(rows), *self.reader.row_shape)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """Every row in memory (``np.asarray(dataset)``): how code that needs all rows at once
        (e.g. a detector's nearest neighbours) takes a dataset."""
        refuse_text(self)
        rows = self.read()
        return rows if dtype is None else rows.astype(dtype, copy=False)

    def frame(self, rows: np.ndarray):
        """Rows as an estimator takes them: a DataFrame with the table's column names, or an
        array shaped ``(k, *shape[1:])``."""
        if self.reader.named_columns:
            import pandas as pd

            frame = pd.DataFrame(rows.reshape(len(rows), -1), columns=self.columns)
            return self.reader.decode(frame)
        return rows.reshape(len(rows), *self.reader.row_shape)

    def sample(self, n: int, random_state: int = 0):
        """``(X, y)`` of ``n`` random rows (in file order), e.g. for figures."""
        rng = np.random.default_rng(random_state)
        ids = np.sort(rng.choice(len(self), size=min(n, len(self)), replace=False))
        labels = self.labels
        return self.frame(self.reader.gather(ids)), None if labels is None else labels[ids]

    def iter_batches(self, rows: int = 65536):
        """``(X, y)`` chunks in order, each at most ``rows`` long: X as :meth:`frame` gives
        it, y None without labels."""
        labels = self.labels
        for start in range(0, len(self), rows):
            y = None if labels is None else labels[start : start + rows]
            yield self.frame(self.reader.read(start, start + rows)), y


def open_dataset(
    path: str | os.PathLike,
    label_column: str | None = None,
    columns: list[str] | None = None,
    *,
    image_size: tuple[int, int] | None = None,
    grayscale: bool = False,
    cache_groups: int = 4,
    csv: dict | None = None,
) -> Dataset:
    """Open a data file or folder lazily.

    Parameters
    ----------
    path : str or path-like
        A ``.npy`` file (memory-mapped), a ``.parquet`` file or a folder of them (read one row
        group at a time; the files must share a schema), a ``.csv`` or ``.tsv`` file (also
        compressed, ``.csv.gz``; up to ``CSV_LIMIT_BYTES``, read into memory; convert a larger
        one with :func:`csv_to_parquet`), or a folder of PNG/JPEG images (labels from the
        names of its sub-folders, however deep the images lie in them; hidden files and folders,
        ``.name``, skipped).
    label_column : str, optional
        Tables only: the column holding labels, left out of the features.
    columns : list of str, optional
        Tables only: the feature columns (default: every numeric column but the label; the
        label column, if listed, is still left out of them).
    image_size, grayscale : optional
        Image folders only: resize every image to ``(height, width)`` pixels (a tuple: one
        number is refused); read them as one channel.
    cache_groups : int, default=4
        Parquet only: row groups kept in memory; also the trainer's shuffle window (see
        :mod:`aekit.core.rows`).
    csv : dict, optional
        CSV only: how to read it (``sep``, ``decimal``, ``thousands``, ``encoding``, ``header``,
        ``na_values``), as
        :func:`aekit.data.datasets.load_array` takes them.

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        For a damaged file (naming the file and the row group or byte offset), Parquet files
        whose schemas differ (naming the column), non-numeric feature columns, an unknown
        suffix, a single image (pass its folder), an ``image_size`` that is not two positive
        whole numbers, ``image_size`` or ``grayscale`` for a source that is not a folder of
        images (``label_column`` and ``columns`` for one that is not a table, alike) or a CSV
        above the size limit.
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = user_path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    suffix = path.suffix.lower()
    table = label_column is not None or columns is not None
    if columns is not None and label_column is not None:  # listing it names what is read
        columns = [c for c in columns if c != label_column]
    if suffix in IMAGE_SUFFIXES and path.is_file():  # before its options: the folder is the fix
        raise ValueError(
            f"{path} is one image; open_dataset reads a folder of images: pass its folder, "
            f"open_dataset({str(path.parent)!r})."
        )
    # like label_column on images, image options on a table or an array would pass unused
    parquet_folder = path.is_dir() and any(path.glob("**/*.parquet"))
    if (image_size is not None or grayscale) and (parquet_folder or not path.is_dir()):
        raise ValueError(
            f"image_size and grayscale apply to folders of images, not to {path}: leave them out."
        )
    if path.is_dir():
        if parquet_folder:
            return _parquet(path, label_column, columns, cache_groups)
        if table:
            raise ValueError(f"label_column and columns apply to tables; {path} holds images.")
        reader = ImageFolderReader(path, image_size, grayscale)
        return Dataset(reader, labels=reader.labels)
    if suffix == ".parquet":
        return _parquet(path, label_column, columns, cache_groups)
    if suffix == ".npy":
        if table:
            raise ValueError(f"label_column and columns apply to tables, not to {path}.")
        return Dataset(open_npy(path))
    if data_suffix(path) in TEXT_TABLES:  # also compressed: table.csv.gz
        return _csv(path, label_column, columns, csv or {})
    raise ValueError(
        f"cannot open {path} lazily: use a .npy, .parquet or text table (.csv, .tsv, .txt, "
        ".dat, .data) file, a folder of Parquet files or a folder of images."
        + conversion_advice(path)
    )


def _parquet(path, label_column, columns, cache_groups) -> Dataset:
    from aekit.data.parquet import ParquetReader

    return Dataset(ParquetReader(path, columns, label_column, cache_groups), label_column)


def _csv(path: Path, label_column, columns, csv: dict) -> Dataset:
    from aekit.data.file_kinds import text_bytes

    size = text_bytes(path, CSV_LIMIT_BYTES)
    if size > CSV_LIMIT_BYTES:
        given = f", csv_options={csv!r}" if csv else ""
        if label_column is not None:  # no feature: text further down it is kept, not refused
            given += f", not_features=[{label_column!r}]"
        raise ValueError(
            f"{path} holds over {CSV_LIMIT_BYTES // 2**20} MiB of text, the most that a "
            "CSV is read into memory; convert it once to Parquet, which is read a row group at "
            f"a time: aekit.datasets.csv_to_parquet({str(path)!r}, 'data.parquet'{given})."
        )
    from aekit.data.non_numeric import non_numeric_columns
    from aekit.data.table_checks import read_csv
    from aekit.data.validation import as_numeric_array

    try:
        table = read_csv(path, **csv)  # its ValueErrors name the file and the fix
    except (ValueError, TypeError):
        raise
    except Exception as err:  # anything else pandas raises: say which file
        raise ValueError(f"cannot read {path} as CSV: {err}") from None
    y = None
    if label_column is not None:
        if label_column not in table.columns:
            raise ValueError(
                f"label_column={label_column!r} is not a column of {path}; the columns are "
                f"{some_names(list(table.columns), [label_column])}."
            )
        y = table.pop(label_column).to_numpy()
    if columns is not None:
        table = table[list(columns)]
    text = non_numeric_columns(table)
    if text:  # a Parquet dataset keeps text columns; this reader hands out numbers
        raise ValueError(
            f"{path} has text columns ({', '.join(text[:10])}), which a CSV dataset cannot "
            "hold: pick the numeric ones with columns=[...] (label_column= for a label), or "
            "convert the file with aekit.datasets.csv_to_parquet(path, 'x.parquet') and open "
            "that: a Parquet dataset keeps text columns for the AnomalyDetector and "
            "TabularEncoder."
        )
    reader = ArrayReader(as_numeric_array(table, name=str(path), allow_nan=True), path)
    reader.columns, reader.named_columns = [str(c) for c in table.columns], True
    reader.dtypes = {str(c): str(t) for c, t in table.dtypes.items()}
    return Dataset(reader, label_column, y)


def lazy_reader(X: Any, text: bool = False) -> tuple[RowReader, Any] | None:
    """``(reader, labels)`` when ``X`` is to be read batch by batch: a :class:`Dataset`, or a
    memory-mapped array of at least ``MEMMAP_LAZY_BYTES``; None for anything else. A dataset
    with text columns is refused unless ``text`` (a reader of its rows as numbers would read
    the text's codes; :meth:`Dataset.frame` decodes them)."""
    if isinstance(X, Dataset):
        if not text:
            refuse_text(X)
        return X.reader, X.labels
    if isinstance(X, np.ndarray) and X.nbytes >= MEMMAP_LAZY_BYTES and is_memory_mapped(X):
        return ArrayReader(X, Path(X.filename) if getattr(X, "filename", None) else None), None
    return None


def rows_at(X: Any, ids: np.ndarray, text: bool = False) -> Any:
    """Rows ``ids`` of X as an estimator takes them, reading only those rows from disk: a
    dataset's as :meth:`Dataset.frame` gives them, a large memmap's as an array, a DataFrame's
    with its index and columns, anything else indexed as an array. ``text``: a dataset's text
    columns are decoded (as :func:`lazy_reader` takes it), not refused."""
    found = lazy_reader(X, text)
    if found is not None:
        reader = found[0]
        rows = reader.gather(np.asarray(ids, dtype=np.int64))
        return (
            X.frame(rows) if isinstance(X, Dataset) else rows.reshape(len(rows), *reader.row_shape)
        )
    if hasattr(X, "iloc"):
        return X.iloc[ids]
    return np.asarray(X)[ids]


def refuse_text(dataset: Dataset) -> None:
    """A ValueError naming a dataset's text columns, for the estimators that take numbers."""
    text = dataset.reader.text_columns
    if text:
        raise ValueError(
            f"{dataset.path} has text columns {text[:10]}; only AnomalyDetector encodes them "
            "read from disk (AutoencoderImputer fills them in a DataFrame read whole: "
            "pd.read_parquet(path)). Leave them out (--ignore-column NAME on the command line, "
            "columns=[...] in Python), or encode them (aekit.TabularEncoder) and write the "
            "table again."
        )
