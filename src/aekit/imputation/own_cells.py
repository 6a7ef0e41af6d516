"""A Parquet table on disk with only its gaps filled: the file's own cells beside the fills.

The reader gives float32 rows of the feature columns, so a table written from them would lose
each observed number's float64 digits (and, for ``aekit impute``, the id and ignored columns,
which are not features). Instead the files are read again beside the filled rows, a batch at a
time in the reader's row order (:func:`aekit.data.parquet.parquet_files`), and only the missing
cells of the feature columns take the imputer's values: every other cell, column and type is the
file's own, and memory stays one batch. Used by :meth:`AutoencoderImputer.transform` with
``out=`` (the feature columns) and by ``aekit impute`` (every column).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aekit.imputation.fills import put_fills


def file_batches(spec: str, schema: Any) -> Iterator[pd.DataFrame]:
    """Every column of the Parquet DATA ``spec``, a batch at a time, in the reader's order,
    in the types of ``schema`` (:func:`aekit.data.parquet_schema.stored_schema`: a column of
    int64 and float files in one type)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from aekit.data.parquet import parquet_files
    from aekit.data.parquet_schema import in_schema

    files = parquet_files(Path(spec))
    integers = _csv_integers(files[0])
    for file in files:
        for batch in pq.ParquetFile(file).iter_batches():
            part = in_schema(pa.Table.from_batches([batch]), schema)
            yield part.to_pandas(types_mapper=nullable_integers).astype(integers)


def _csv_integers(file: Path) -> dict[str, str]:
    """The number columns of a large CSV's Parquet copy (stored as float64) that the CSV read
    in memory types as integers, as pandas' nullable integers: their fills are whole numbers
    and they are written as integers, as ``aekit impute`` writes the CSV read in memory."""
    from aekit.data.csv_parquet import integer_columns

    return {name: "Int64" for name in integer_columns(file)}


def nullable_integers(arrow_type: Any) -> Any:
    """An Arrow integer type as pandas' nullable integer dtype (``Int64``, ...), else None
    (pandas' own choice): an integer column with nulls, as pyarrow, Spark or polars write it
    (without pandas' metadata), is otherwise read as float64, and its fills were then neither
    rounded nor writable as the file's integers."""
    import pyarrow as pa

    if pa.types.is_integer(arrow_type):
        return pd.api.types.pandas_dtype(
            str(arrow_type).replace("int", "Int").replace("uInt", "UInt")
        )
    return None


def with_own_cells(
    spec: str,
    filled: Iterable[pd.DataFrame],
    only_filled_columns: bool = False,
    schema: Any = None,
) -> Iterator[pd.DataFrame]:
    """DATA's rows, a batch per frame of ``filled`` (the imputer's output for the same rows, in
    order, its columns DATA's feature columns), each missing feature cell taken from it; with
    ``only_filled_columns``, the feature columns alone."""
    schema = _stored_schema(spec) if schema is None else schema
    batches, pending = file_batches(spec, schema), pd.DataFrame()
    for frame in filled:
        while len(pending) < len(frame):
            batch = next(batches, None)
            if batch is None:  # the reader and pyarrow disagree on the rows: write nothing
                raise RuntimeError(f"{spec}: fewer rows on disk than the imputer filled.")
            pending = pd.concat([pending, batch], ignore_index=True)
        own, pending = pending.iloc[: len(frame)], pending.iloc[len(frame) :]
        own = (own[list(frame.columns)] if only_filled_columns else own).copy()
        for name in frame.columns:
            gaps = own[name].isna().to_numpy()
            if gaps.any():  # (a column with gaps is float, nullable integer, or object)
                fills = frame[name].to_numpy()[gaps]
                own[name] = put_fills(own[name], np.flatnonzero(gaps), fills)
        yield own
    if len(pending) or next(batches, None) is not None:
        raise RuntimeError(f"{spec}: more rows on disk than the imputer filled.")


def write_filled(
    output: Path,
    spec: str,
    filled: Iterable[pd.DataFrame],
    n_rows: int,
    only_filled_columns: bool = False,
    csv_format: dict | None = None,
) -> None:
    """Write :func:`with_own_cells` to ``output`` (.csv or .parquet) a batch at a time,
    atomically; a Parquet output in DATA's own column types, a CSV in ``csv_format``."""
    from aekit.data.writers import write_batches

    schema = _stored_schema(spec)  # read once: the batches' types and the output's
    rows = with_own_cells(spec, filled, only_filled_columns, schema)
    if Path(output).suffix.lower() == ".parquet":
        _write_parquet(Path(output), spec, rows, schema)
        return
    first = next(rows)
    names = [str(c) for c in first.columns]
    chunks = (frame.to_numpy(dtype=object) for frame in itertools.chain([first], rows))
    write_batches(output, chunks, n_rows, names, csv_format)


def parquet_source(X: Any) -> Path | None:
    """The Parquet file or folder a dataset reads (None for anything else)."""
    from aekit.data.lazy import Dataset
    from aekit.data.parquet import ParquetReader

    if isinstance(X, Dataset) and isinstance(X.reader, ParquetReader) and X.path is not None:
        return Path(X.path)
    return None


def _stored_schema(spec: str) -> Any:
    """The types DATA's files are read and written in (:func:`aekit.data.parquet_schema.
    stored_schema`)."""
    from aekit.data.parquet import parquet_files
    from aekit.data.parquet_schema import stored_schema

    return stored_schema(parquet_files(Path(spec)))


def _write_parquet(output: Path, spec: str, frames: Iterator[pd.DataFrame], own: Any) -> None:
    """``frames`` to ``output`` with the types of DATA's own schema ``own`` (the columns
    written)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from aekit.data.parquet import parquet_files
    from aekit.io.atomic import atomic_write

    first = next(frames)
    integers = _csv_integers(parquet_files(Path(spec))[0])
    schema = pa.schema(
        [
            own.field(str(name)).with_type(pa.int64()) if name in integers else own.field(name)
            for name in map(str, first.columns)
        ]
    )

    def write(tmp: str) -> None:
        with pq.ParquetWriter(tmp, schema) as writer:
            for frame in itertools.chain([first], frames):
                writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))

    atomic_write(output, write)


def write_dataset_filled(
    imputer: Any,
    X: Any,
    spec: str,
    output: Path,
    only_filled_columns: bool = False,
    csv_format: dict | None = None,
) -> None:
    """Fill the dataset ``X`` (read from the Parquet ``spec``) a chunk at a time with the fitted
    ``imputer`` and write :func:`with_own_cells` of it to ``output``."""
    from aekit.estimators.streaming import iter_outputs

    if len(X) == 0:  # (a bare StopIteration came out of the writer)
        raise ValueError(f"{spec} has no rows: nothing to fill.")
    frames = (
        pd.DataFrame(part, columns=X.columns) for part in iter_outputs(imputer, X, "transform")
    )
    write_filled(output, spec, frames, len(X), only_filled_columns, csv_format)
