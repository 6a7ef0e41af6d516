"""A Parquet file, or a folder of them, as a :class:`aekit.data.readers.RowReader`.

Only the footers are read when it opens (row counts, schema): ``len()``, the columns and their
types cost no data. Rows are read one row group at a time with pyarrow, and the last few row
groups read are kept (``cache_groups``), so a batch of rows from the same few row groups - what
the trainer's Parquet shuffle asks for, see :mod:`aekit.core.rows` - reads each group once.
Memory is therefore about ``cache_groups`` row groups: write files with row groups of some
10,000-100,000 rows (``pyarrow.parquet.write_table(..., row_group_size=...)``).

Damage is named where it is: a row group that cannot be decoded by file and row group, a
folder whose files disagree on a column by that column.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from pathlib import Path

import numpy as np

from aekit.data.float32 import check_column_fits_float32, wider_than_float32
from aekit.data.name_lists import some_names
from aekit.data.parquet_schema import (
    arrow_errors,
    as_one_type,
    folder_schema,
    one_type_refusal,
)
from aekit.data.readers import RowReader
from aekit.warning_lines import caller_level

_NUMERIC = "biuf"


def parquet_files(path: Path) -> list[Path]:
    """The files a Parquet DATA reads, in the order its rows come: the file itself, or a
    folder's ``.parquet`` files at any depth, sorted by path."""
    return sorted(path.glob("**/*.parquet")) if path.is_dir() else [path]


def warn_unread(path: Path, files: list[Path]) -> None:
    """A Parquet folder's files of other data kinds, and its hive partitions (``lab=a/``, whose
    column is in the folder names, not the files), are warned of once the reader opens it:
    their rows or column went missing unsaid."""
    if not path.is_dir():
        return
    others = sorted(f for f in path.glob("**/*") if f.is_file() and f.suffix.lower() in _OTHER_DATA)
    if others:
        warnings.warn(
            f"{path} holds {len(others)} "
            f"{'data files that are' if len(others) > 1 else 'data file that is'} not Parquet "
            f"(the first: {others[0].relative_to(path)}), not read: a Parquet folder reads its "
            ".parquet files alone. Convert them, or move them out of the folder.",
            stacklevel=caller_level(),
        )
    partitioned = sorted(
        {part for f in files for part in f.relative_to(path).parts[:-1] if "=" in part}
    )
    if partitioned:
        warnings.warn(
            f"{path} is partitioned ({partitioned[0]}/, ...): the partition column "
            f"{partitioned[0].split('=')[0]!r} lies in the folder names, which are not read as "
            "a column. Write the folder without partition_cols to keep it.",
            stacklevel=caller_level(),
        )


_OTHER_DATA = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".npy", ".npz", ".feather", ".arrow")


class ParquetReader(RowReader):
    """Rows of the numeric ``columns`` (default: every column but ``label_column``)."""

    def __init__(
        self,
        path: Path,
        columns: list[str] | None = None,
        label_column: str | None = None,
        cache_groups: int = 4,
    ):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path, self.label_column = path, label_column
        files = parquet_files(path)
        if not files:
            raise ValueError(f"{path} holds no .parquet files.")
        warn_unread(path, files)
        self.files, self.handles, counts = files, [], []
        self.stamps = [_stamp(file) for file in files]  # to tell a file changed since opened
        for file in files:
            try:
                handle = pq.ParquetFile(file)
            except arrow_errors() as err:
                raise ValueError(f"cannot read {file} as Parquet: {err}") from None
            self.handles.append(handle)
            meta = handle.metadata
            counts.append([meta.row_group(i).num_rows for i in range(meta.num_row_groups)])
        schema = folder_schema(files, [handle.schema_arrow for handle in self.handles])
        self.schema = schema  # each file's columns are read as this says (its number types)
        names = list(schema.names)
        refuse_repeated_names(path, names)
        if label_column is not None and label_column not in names:
            raise ValueError(
                f"label_column={label_column!r} is not a column of {path}; the columns are "
                f"{some_names(names, [label_column])}."
            )
        if columns is None:
            columns = [n for n in names if n != label_column]
        missing = [c for c in columns if c not in names]
        if missing:
            raise ValueError(
                f"columns {missing} are not in {path}; its columns are "
                f"{some_names(names, missing)}."
            )
        types = {n: schema.field(n).type for n in columns}
        bad = [n for n, t in types.items() if not is_numeric_type(t) and not is_text_type(t)]
        if bad:
            raise ValueError(
                f"{path} has columns {bad[:10]} of a type aekit cannot read "
                f"({types[bad[0]]}: numbers, bools and text are read); leave them out "
                "(--ignore-column NAME on the command line, columns=[...] in Python)."
            )
        if not columns:
            raise ValueError(f"{path} has no feature columns left besides {label_column!r}.")
        self.columns, self.named_columns = list(columns), True
        # the storage types named as numpy and pandas name them ("float32", not Arrow's "float")
        empty = pa.schema([schema.field(n) for n in columns]).empty_table().to_pandas()
        self.dtypes = {n: str(t) for n, t in zip(columns, empty.dtypes)}
        self.bools = [n for n, t in types.items() if is_numeric_type(t) and str(t) == "bool"]
        # A text column's rows are codes into its distinct values, read in one pass over that
        # column alone when the table opens; decode() gives the text back.
        text = [n for n, t in types.items() if is_text_type(t)]
        self.text_values = _distinct_values(files, self.handles, text) if text else {}
        self._texts: dict[str, np.ndarray] = {}
        self.row_shape = (len(self.columns),)
        # One entry per (file, row group), in reading order; groups[g] is its first row.
        self.parts = [(f, g) for f, groups in enumerate(counts) for g in range(len(groups))]
        sizes = np.array([n for groups in counts for n in groups], dtype=np.int64)
        self.groups = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.n_rows = int(sizes.sum())
        self.cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self.cache_groups = max(1, int(cache_groups))

    def __len__(self) -> int:
        return self.n_rows

    def empty_columns(self) -> list[str]:
        """The columns null in every row, from the row groups' statistics in the footers (a
        column without them is taken to hold values; NaN that pandas wrote is null)."""
        nulls = dict.fromkeys(self.columns, 0)
        for handle in self.handles:
            meta = handle.metadata
            for group in (meta.row_group(g) for g in range(meta.num_row_groups)):
                for chunk in (group.column(c) for c in range(group.num_columns)):
                    stats = chunk.statistics if chunk.is_stats_set else None
                    if chunk.path_in_schema in nulls and stats is not None and stats.has_null_count:
                        nulls[chunk.path_in_schema] += stats.null_count
        return [name for name, count in nulls.items() if count == self.n_rows]

    def describe_group(self, g: int) -> str:
        f, group = self.parts[g]
        first = int(self.groups[g])
        return f"{self.files[f]} row group {group} (rows {first} onwards)"

    def native_sample(self) -> tuple[np.ndarray, list | None] | None:
        """The first 4,096 rows of the numeric columns wider than float32 (float64, 32- and
        64-bit integers), as float64, for the float32 check of ``fit``."""
        wide = [
            n
            for n in self.columns
            if n not in self.text_values and wider_than_float32(np.dtype(self.dtypes[n]))
        ]
        if not wide:
            return None
        try:  # the first rows alone: a row group may hold millions
            batch = next(self.handles[0].iter_batches(batch_size=4096, columns=wide))
        except (StopIteration, *arrow_errors()):
            return None  # the streaming pass names the damage
        sample = [c.to_numpy(zero_copy_only=False).astype(np.float64) for c in batch.columns]
        return np.column_stack(sample), wide

    def group(self, g: int) -> np.ndarray:
        """Row group ``g`` (counted over all files) as float32 ``(rows, features)``."""
        if g in self.cache:
            self.cache.move_to_end(g)
            return self.cache[g]
        f, group = self.parts[g]
        self._check_unchanged(f)  # once a group, before its bytes are read
        table = self._read(g, self.handles[f].read_row_group, group, self.columns)
        rows = np.empty((table.num_rows, len(self.columns)), np.float32)
        # the group's first row within its file, for a cell named by its row
        first = int(self.groups[g] - self.groups[self.parts.index((f, 0))])
        for j, (name, column) in enumerate(zip(self.columns, table.columns)):
            # one column at a time (nulls become NaN), checked before float32 rounds it
            values = self._read(g, self._numbers, name, column)
            check_column_fits_float32(values, self.files[f], name, first)
            rows[:, j] = values
        self.cache[g] = rows
        while len(self.cache) > self.cache_groups:
            self.cache.popitem(last=False)
        return rows

    def _numbers(self, name: str, column) -> np.ndarray:
        """A column of a row group as numbers: a text column's codes, the place of each text
        among its distinct values."""
        import pyarrow.compute as pc

        if name in self.text_values:
            column = pc.index_in(column.cast("large_string"), self.text_values[name])
        return column.to_numpy(zero_copy_only=False)

    def _check_unchanged(self, f: int) -> None:
        """File ``f`` as it was opened: one written again since (its new bytes read at the old
        offsets were called corrupt, or mixed old and new rows unsaid) or replaced (a file
        moved over it, which the open handle would still read) is refused as such."""
        if _stamp(self.files[f]) != self.stamps[f]:
            raise ValueError(
                f"{self.files[f]} changed since it was opened (written again, replaced or "
                "removed): open it again (aekit.open_dataset), and leave a file being read "
                "unchanged until the command or fit ends."
            )

    def _read(self, g: int, read, *args):
        """``read(*args)``, its pyarrow error said as row group ``g``'s damage."""
        try:
            return read(*args)
        except arrow_errors() as err:
            raise ValueError(
                f"{self.describe_group(g)} cannot be read (corrupt or truncated?): "
                + " ".join("".join(c for c in str(err) if c.isprintable() or c.isspace()).split())
            ) from None

    def _group_of(self, ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.groups, ids, side="right") - 1

    def _rows(self, start: int, stop: int) -> np.ndarray:
        return self._take(np.arange(start, stop, dtype=np.int64))

    def _take(self, ids: np.ndarray) -> np.ndarray:
        out = np.empty((len(ids), len(self.columns)), np.float32)
        owner = self._group_of(ids)
        for g in np.unique(owner):
            at = np.flatnonzero(owner == g)
            out[at] = self.group(int(g))[ids[at] - self.groups[g]]
        return out

    def _text_of(self, name: str) -> np.ndarray:
        """A text column's distinct values as a NumPy array (kept: every chunk decodes)."""
        if name not in self._texts:
            self._texts[name] = np.asarray(self.text_values[name].to_pylist(), dtype=object)
        return self._texts[name]

    @property
    def text_columns(self) -> list[str]:
        return list(self.text_values)

    def nan_allowed(self):
        """A missing text is a NaN code, no damage: the detector's encoder decides about it
        (``handle_missing``) as about the same rows in memory."""
        if self.allow_nan or not self.text_values:
            return self.allow_nan
        return np.array([name in self.text_values for name in self.columns])

    def decode(self, frame):
        """A frame of rows as pandas reads the table: bool columns as bools (objects with None
        where missing) and text columns as text (their codes looked up), so the rows encode
        as the same rows read into memory do."""
        import pandas as pd

        for name in self.bools:
            values = frame[name].to_numpy()
            missing = np.isnan(values)
            if missing.any():
                column = np.where(missing, None, values == 1).astype(object)
                frame[name] = pd.Series(column, index=frame.index, dtype=object)
            else:
                frame[name] = values == 1
        # pandas' own text dtype ("str" from pandas 3, object before): astype("str") under
        # pandas 2 wrote a missing text as the category 'nan', and fit took it silently
        text_dtype = pd.Series(["text"]).dtype
        for name in self.text_values:
            codes = frame[name].to_numpy()
            text = np.full(len(codes), np.nan, dtype=object)
            present = ~np.isnan(codes)
            text[present] = self._text_of(name)[codes[present].astype(int)]
            frame[name] = pd.Series(text, index=frame.index, dtype=object).astype(text_dtype)
        return frame

    def read_labels(self) -> np.ndarray:
        """The label column of every row, without reading the feature columns."""
        import pyarrow as pa

        stored = self.schema.field(self.label_column).type  # int64 in one file, double in another
        for f in range(len(self.files)):
            self._check_unchanged(f)
        try:
            parts = [h.read(columns=[self.label_column]).column(0) for h in self.handles]
        except arrow_errors() as err:
            raise ValueError(
                f"cannot read column {self.label_column!r} of {self.path}: {err}"
            ) from None
        schemas = [handle.schema_arrow for handle in self.handles]
        try:  # int64 in one file and whole floats in another: integers, as a file of ints gives
            parts = as_one_type(parts, stored, schemas, self.label_column)
        except arrow_errors() as err:  # 2**53 + 1 beside fractions: no one type holds both
            said = one_type_refusal(self.label_column, self.files, schemas, err)
            raise ValueError(said) from None
        return pa.chunked_array([c for p in parts for c in p.chunks]).to_numpy(zero_copy_only=False)


def is_numeric_type(arrow_type) -> bool:
    """Whether a Parquet (Arrow) column type holds numbers aekit reads as features."""
    import pyarrow as pa

    return bool(
        pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_boolean(arrow_type)
    )


def is_text_type(arrow_type) -> bool:
    """Whether a Parquet (Arrow) column type holds text, read as categories: strings, or a
    dictionary of strings (what pandas writes for a ``category`` column)."""
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        return is_text_type(arrow_type.value_type)
    return bool(pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type))


def _stamp(file: Path) -> tuple[int, int, int]:
    """A file's inode, size and modification time, which a rewrite or a replacement changes
    ((-1, -1, -1): gone)."""
    try:
        status = Path(file).stat()
    except OSError:
        return -1, -1, -1
    return status.st_ino, status.st_size, status.st_mtime_ns


def _distinct_values(files: list[Path], handles: list, columns: list[str]) -> dict:
    """Each text column's distinct values over every file (an Arrow array, sorted), reading
    those columns alone."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found: dict[str, set] = {name: set() for name in columns}
    for file, handle in zip(files, handles):
        for group in range(handle.metadata.num_row_groups):
            try:
                table = handle.read_row_group(group, columns=columns)
            except arrow_errors() as err:
                raise ValueError(
                    f"{file} row group {group} cannot be read (corrupt or truncated?): {err}"
                ) from None
            for name, column in zip(columns, table.columns):
                found[name].update(v for v in pc.unique(column).to_pylist() if v is not None)
    return {
        name: pa.array(sorted(values), type=pa.large_string()) for name, values in found.items()
    }


def refuse_repeated_names(path: Path, names: list[str]) -> None:
    """Refuse a schema with two columns of one name (pyarrow writes them; a column is then
    read by a name that picks neither: "Column a does not exist in schema")."""
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(
            f"{path} has the column(s) {twice} more than once (duplicated); write the file "
            "again with a name of its own for each column."
        )
