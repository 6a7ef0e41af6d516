"""Row readers: data on disk read a few rows at a time, never whole.

A reader knows its length, its columns and the shape of one row, and hands out float32 rows as
``(k, n_features)`` arrays: :meth:`RowReader.read` for a range, :meth:`RowReader.gather` for any
row ids in any order. Readers are numpy-only (no torch); :class:`aekit.core.rows.LazyRows` turns
one into the batches the trainer indexes.

* :class:`ArrayReader` - a ``.npy`` file memory-mapped (:func:`open_npy`), or any ``np.memmap``.
* :class:`aekit.data.parquet.ParquetReader` - a Parquet file or folder, one row group at a time.
* :class:`ImageFolderReader` - a folder of PNG/JPEG images, decoded when a row is asked for.
"""

from __future__ import annotations

import contextlib
import mmap
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from aekit.data.images import checked_size, folder_labels, image_files, read_image
from aekit.data.non_finite import describe_non_finite, fix_for, refuse_empty_columns_alone


class RowReader:
    """The interface of a row source (see the module docstring). ``groups`` are the first row
    of each block that is cheap to read whole (a Parquet row group), or None when any row is as
    cheap as any other (a memmap): the shuffle of :mod:`aekit.core.rows` keeps to blocks."""

    path: Path | None = None
    columns: list[str]
    dtypes: dict[str, str]
    row_shape: tuple[int, ...]  # one row: (n_features,) or (C, H, W)
    groups: np.ndarray | None = None
    allow_nan: bool = False  # NaN marks missing entries (imputation); infinity is still an error
    named_columns: bool = False  # a table's own column names, not x0, x1, ...
    # how messages name the source where not by its path: the command line's Parquet copy of a
    # large CSV as that CSV read in memory is named (X, which it says as DATA)
    shown_as: str | None = None

    text_columns: list[str] = []  # columns whose rows are codes of text (a Parquet reader's)
    # read for a fit (True, set by the estimator) or a fitted model (False): at a fit a column
    # with no value is told to be left out, which a fitted model's rows cannot be; None: unknown
    fitting: bool | None = None

    def __len__(self) -> int:
        raise NotImplementedError

    def nan_allowed(self) -> Any:
        """Where a read row may hold NaN: ``allow_nan``, or one flag per column."""
        return self.allow_nan

    @contextlib.contextmanager
    def nan_read_through(self, allow: bool = True) -> Iterator[None]:
        """Within: NaN is read as a missing value when ``allow`` (for a reader of a model that
        takes NaN, or checks it itself); the reader's own setting again after."""
        before = self.allow_nan
        self.allow_nan = before or allow
        try:
            yield
        finally:
            self.allow_nan = before

    def decode(self, frame: Any) -> Any:
        """A DataFrame of read rows with each column as a table in memory holds it."""
        return frame

    @property
    def n_features(self) -> int:
        return int(np.prod(self.row_shape))

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self), *self.row_shape)

    def _rows(self, start: int, stop: int) -> np.ndarray:
        raise NotImplementedError

    def _take(self, ids: np.ndarray) -> np.ndarray:
        return np.concatenate([self._rows(int(i), int(i) + 1) for i in ids])

    def read(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` as checked float32 ``(k, n_features)``."""
        stop = min(stop, len(self))
        rows = self._rows(start, stop)
        whole = start == 0 and stop == len(self)  # every row read: said as of X in memory
        self._check(rows, np.arange(start, stop), read=not whole)
        return rows

    def gather(self, ids: np.ndarray) -> np.ndarray:
        """Rows ``ids`` (any order, repeats allowed) as checked float32 ``(k, n_features)``."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) and (ids.min() < 0 or ids.max() >= len(self)):
            raise IndexError(f"row ids must lie in [0, {len(self)}) for {self.describe()}.")
        rows = self._take(ids)
        self._check(rows, ids)
        return rows

    def _check(self, rows: np.ndarray, ids: np.ndarray, read: bool = True) -> None:
        """:func:`check_rows` of rows read, ``ids``; ``read``: some of the source's rows."""
        empty = self.empty_columns if read else None
        where = self.describe()
        allowed = self.nan_allowed()
        if self.names is None and len(self.row_shape) > 1 and np.ndim(allowed) == 0:
            rows = rows.reshape(len(rows), *self.row_shape)  # a cell named by its place in a row
        check_rows(rows, ids, where, allowed, self.names, read, empty, self.fitting, len(self))

    def empty_columns(self) -> list[str]:
        """The columns with no value in any row of the whole source, where known without
        reading it (a Parquet reader's footers); asked only when a read refuses missing values."""
        return []

    @property
    def names(self) -> list[str] | None:
        """A table's own column names, which messages give; None for arrays and images."""
        return self.columns if self.named_columns else None

    def chunks(self, rows: int = 65536):
        """``(start, rows)`` over the whole source, in order."""
        for start in range(0, len(self), rows):
            yield start, self.read(start, start + rows)

    def describe(self) -> str:
        if self.shown_as is not None:
            return self.shown_as
        return str(self.path) if self.path is not None else "X"

    def native_sample(self) -> tuple[np.ndarray, list | None] | None:
        """Up to a few thousand rows in the source's own number type, and their column names
        (None: by position), for the float32 check of ``fit`` (:func:`aekit.data.float32.
        float32_rounding`, which reads a sample of them: the rows handed out are float32,
        already rounded); None where the source holds nothing wider than float32 (images, a
        CSV read as float32)."""
        return None


def check_rows(
    rows: np.ndarray,
    ids: np.ndarray,
    where: str,
    allow_nan: Any = False,
    names: list[str] | None = None,
    read: bool = True,
    empty_columns: Callable[[], list[str]] | None = None,
    fitting: bool | None = None,
    total: int | None = None,
) -> None:
    """NaN or infinity in a batch is an error naming the source's row ids (found mid-stream,
    so the message says where in the file, not where in the batch) and, given a table's
    ``names``, its columns by name. ``allow_nan``: for every column, or one flag per column.
    ``read``: the batch is some of the source's rows (not all of them), whose columns with no
    value in any row ``empty_columns`` tells. ``fitting``: rows read for a fit, where columns
    with no value, and nothing else missing, are told to be left out, alone; False: a fitted
    model's rows, not told to; None: unknown. ``total``: the source's rows, said beside the
    rows read ("of the 233016 rows read" of a 300,000-row file puzzled)."""
    with np.errstate(over="ignore"):  # the fast path of aekit.data.non_finite.check_finite
        if np.isfinite(rows.sum()):
            return
    bad = np.isinf(rows) | (np.isnan(rows) & ~np.asarray(allow_nan, dtype=bool))
    if not bad.any():
        return
    # the rows read so far: the file's later rows, not read yet, may hold more
    nan = np.isnan(rows)
    refused_nan = (nan & bad).reshape(len(rows), -1).any(axis=0)
    empty = [] if empty_columns is None or names is None else empty_columns()
    empty = [name for name in empty if refused_nan[names.index(name)]]
    infinite = bool(np.isinf(rows).any())
    if fitting and not infinite:  # columns with no value, and nothing else: said alone
        # some of the rows: the columns empty in the whole source; all of them: in these
        refuse_empty_columns_alone(bad, names, empty if read else None)
    told = describe_non_finite(
        where,
        bad,
        nan,
        row_ids=ids,
        columns=names,
        read=read,
        empty_columns=empty,
        columns_needed=fitting is False,  # a fitted model's rows cannot leave a column out
        total=total,
    )
    raise ValueError(f"{told}. {fix_for(bool((nan & bad).any()), infinite, on_disk=True)}")


def is_memory_mapped(X: Any) -> bool:
    """Whether ``X`` is a numpy array whose data lie in a memory-mapped file."""
    return isinstance(X, np.memmap) or _mapping_of(X) is not None


def _mapping_of(X: Any) -> mmap.mmap | None:
    """The ``mmap`` under a (view of a) memory-mapped array, or None."""
    base = getattr(X, "base", None)
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None)
    return base


class ArrayReader(RowReader):
    """Rows of a (memory-mapped) numpy array of 2 (n, features), 3 (n, C, L: sequences) or 4
    (n, C, H, W) axes; each read converts just its rows to float32.

    A memory-mapped array's rows are read from its file with ``pread`` into this reader's own
    buffers, not through the mapping: the pages of a mapping that a process touches count in its
    resident memory (and a page fault maps some 300 KiB around a row read at random), so an
    epoch through the mapping would end holding much of the file. Read with ``pread``, rows come
    from the kernel's page cache all the same, and memory holds one batch.
    """

    def __init__(self, array: np.ndarray, path: Path | None = None):
        from aekit.data.npy import refuse_structured

        refuse_structured(array, path or "X")
        if array.ndim not in (2, 3, 4):
            raise ValueError(
                f"{path or 'X'} must have 2 axes (n_samples, n_features), 3 (n, C, L) or 4 "
                f"(n, C, H, W); got shape {array.shape}."
            )
        if array.dtype.kind == "c":
            raise ValueError(
                f"{path or 'X'} holds complex numbers ({array.dtype}), which aekit does not "
                "support; pass their real part or magnitude (np.real(X) or np.abs(X))."
            )
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{path or 'X'} holds {array.dtype} values; aekit reads numbers only.")
        if array.shape[0] == 0 or array[:1].size == 0:
            raise ValueError(f"{path or 'X'} is empty (shape {array.shape}).")
        self.array, self.path = array, path
        self.row_shape = tuple(int(v) for v in array.shape[1:])
        self.columns = [f"x{i}" for i in range(self.n_features)]
        self.dtypes = dict.fromkeys(self.columns, array.dtype.name)
        self.layout = _file_layout(array)  # (file name, byte of row 0, row stride) or None
        self.fd = None if self.layout is None else os.open(self.layout[0], os.O_RDONLY)

    def __del__(self) -> None:
        if getattr(self, "fd", None) is not None:
            os.close(self.fd)

    def native_sample(self) -> tuple[np.ndarray, list | None] | None:
        return self.array, None  # float32_rounding reads its own sample of the rows

    def __len__(self) -> int:
        return len(self.array)

    def _rows(self, start: int, stop: int) -> np.ndarray:
        if self.fd is None:
            part = self.array[start:stop]
            return np.array(part.reshape(len(part), -1), dtype=np.float32)  # a copy, not a view
        return self._take(np.arange(start, stop))

    def _take(self, ids: np.ndarray) -> np.ndarray:
        if self.fd is None:
            part = self.array[ids]
            return np.ascontiguousarray(part.reshape(len(part), -1), dtype=np.float32)
        name, first, stride = self.layout
        dtype, width = self.array.dtype, self.n_features
        out = np.empty((len(ids), width), dtype)
        row_bytes = width * dtype.itemsize
        contiguous = stride == row_bytes and len(ids) > 1 and np.all(np.diff(ids) == 1)
        spans = [(0, len(ids))] if contiguous else ((k, k + 1) for k in range(len(ids)))
        view = memoryview(out).cast("B")
        for a, b in spans:
            at = first + int(ids[a]) * stride
            got = os.preadv(self.fd, [view[a * row_bytes : b * row_bytes]], at)
            if got != (b - a) * row_bytes:
                raise ValueError(
                    f"{self.path or name} is truncated: row {int(ids[a])} (byte offset {at}) "
                    f"lies past its end. Write the file again."
                )
        return out if dtype == np.float32 else out.astype(np.float32)


def _file_layout(array: np.ndarray) -> tuple[str, int, int] | None:
    """Where a memory-mapped array's rows lie in its file: (file name, byte offset of row 0,
    bytes from one row to the next), or None when its rows are not each contiguous there."""
    root, base = None, array
    while base is not None and not isinstance(base, mmap.mmap):
        if isinstance(base, np.memmap):
            root = base
        base = getattr(base, "base", None)
    if base is None or root is None or not getattr(root, "filename", None):
        return None
    row = array[:1]
    if not (row.flags.c_contiguous or array.ndim == 1) or not array.dtype.isnative:
        return None
    if array.strides[0] <= 0:
        return None
    mapped_from = root.offset - root.offset % mmap.ALLOCATIONGRANULARITY
    start = array.__array_interface__["data"][0] - np.frombuffer(base, np.uint8).ctypes.data
    return root.filename, mapped_from + start, array.strides[0]


def open_npy(path: Path) -> ArrayReader:
    """A ``.npy`` file memory-mapped after checking its header against its size, so a truncated
    file is refused with the offset where its data fall short, before any batch is read."""
    try:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = header(handle)
            offset = handle.tell()
    except (ValueError, OSError, SyntaxError, EOFError) as err:
        raise ValueError(f"{path} is not a readable .npy file (damaged header?): {err}") from None
    if dtype.hasobject:
        raise ValueError(
            f"{path} holds an object array; aekit reads numeric arrays only and never unpickles."
        )
    expected = offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = path.stat().st_size
    if size < expected:
        row_bytes = int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize or 1
        raise ValueError(
            f"{path} is truncated: its header promises shape {shape} ({expected} bytes) but the "
            f"file has {size}; the data end at byte offset {size} (row "
            f"{(size - offset) // row_bytes}). Write the file again."
        )
    array = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape,
                      order="F" if fortran else "C")  # fmt: skip
    return ArrayReader(array, path)


class ImageFolderReader(RowReader):
    """Every PNG/JPEG under a folder, one row each, decoded when read, in [0, 1]; labels from
    the names of its sub-folders (:mod:`aekit.data.images`). All images must share a size, or
    ``image_size=(H, W)`` resizes them."""

    def __init__(
        self, folder: Path, image_size: tuple[int, int] | None = None, grayscale: bool = False
    ):
        self.path = folder
        self.image_size, self.grayscale = checked_size(image_size), grayscale
        self.files = image_files(folder)
        self.labels = folder_labels(folder, self.files)  # a mixed layout refused before decoding
        first = self._image(0)
        self.row_shape = tuple(int(v) for v in first.shape)
        self.columns = [f"x{i}" for i in range(self.n_features)]
        self.dtypes = dict.fromkeys(self.columns, "float32")

    def __len__(self) -> int:
        return len(self.files)

    def _image(self, i: int) -> np.ndarray:
        file = self.files[i]
        pixels = read_image(file, self.image_size, self.grayscale)
        first = getattr(self, "row_shape", None)
        if first is not None and first[0] != pixels.shape[0]:  # as aekit.cli.data refuses it
            kinds = {1: "gray", 3: "colour"}
            raise ValueError(
                f"{self.path} mixes gray and colour images ({file} is "
                f"{kinds[pixels.shape[0]]}, the first image {kinds[first[0]]}); pass "
                "grayscale=True to read them all as gray."
            )
        if first is not None and pixels.shape != first:
            raise ValueError(
                f"{file} has shape {pixels.shape}, the first image {first}; pass "
                "image_size=(H, W) to resize them all."
            )
        return pixels

    def _rows(self, start: int, stop: int) -> np.ndarray:
        return self._take(np.arange(start, stop))

    def _take(self, ids: np.ndarray) -> np.ndarray:
        out = np.empty((len(ids), self.n_features), np.float32)
        for k, i in enumerate(ids):
            out[k] = self._image(int(i)).ravel()
        return out
