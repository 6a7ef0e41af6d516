"""Tables written a batch at a time, complete or not at all.

:func:`write_batches` writes an iterable of chunks (one row per input row; a
``.npy`` keeps their shape, a table flattens each row into its columns) to ``.parquet``
(one row group per chunk), ``.npy`` (the header first, from the row count, then each chunk
appended) or ``.csv``, under a temporary name beside the target,
renamed onto it only when the last chunk is in (:func:`aekit.io.atomic.atomic_write`): an error
or a kill midway leaves no half-written output. Memory holds one chunk.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from aekit.io.atomic import atomic_write

SUFFIXES = (".parquet", ".npy", ".csv")


def write_batches(
    path: str | Path,
    chunks: Iterable[np.ndarray],
    n_rows: int,
    columns: list[str],
    csv_format: dict | None = None,
) -> int:
    """Write ``chunks`` (arrays of shape ``(k, ...)``, ``n_rows`` rows in all) to ``path`` by
    its suffix; ``columns`` name a table's columns (images are flattened into them);
    ``csv_format``: a CSV's ``sep``, ``decimal`` and ``encoding`` (default ',', '.', UTF-8).
    Returns the number of rows written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot write {path}: the output must end in {', '.join(SUFFIXES)}; choose one."
        )
    written = [0]

    def write(tmp: str) -> None:
        csv = functools.partial(_csv, csv_format=csv_format or {})
        writer = {".parquet": _parquet, ".npy": _npy, ".csv": csv}[suffix]
        written[0] = writer(tmp, chunks, n_rows, columns)
        if written[0] != n_rows:
            raise RuntimeError(f"{written[0]} rows came out for {n_rows} rows in; not written.")

    atomic_write(path, write)
    return written[0]


def _frame(chunk: np.ndarray, columns: list[str]):
    import pandas as pd

    return pd.DataFrame(chunk.reshape(len(chunk), -1), columns=columns)


def _parquet(tmp: str, chunks, n_rows: int, columns) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer, schema, count = None, None, 0
    try:
        for chunk in chunks:
            table = pa.Table.from_pandas(
                _frame(chunk, columns), schema=schema, preserve_index=False
            )
            if writer is None:  # the first chunk's types hold for the rest
                schema = table.schema
                writer = pq.ParquetWriter(tmp, schema)
            writer.write_table(table)
            count += len(chunk)
        if writer is None:  # no rows: an empty table with the columns
            pq.write_table(pa.table({c: pa.array([], pa.float32()) for c in columns}), tmp)
    finally:
        if writer is not None:
            writer.close()
    return count


def _npy(tmp: str, chunks, n_rows: int, columns) -> int:
    # The header first (the row count is known), then each chunk appended with plain writes:
    # a memory-mapped output would hold every written page in this process's memory.
    count = 0
    with open(tmp, "wb") as handle:
        for chunk in chunks:
            if chunk.dtype == object:  # numbers beside numbers of another type (a score and
                chunk = _as_numbers(chunk)  # an integer label) or text, which .npy cannot hold
            if count == 0:
                header = {
                    "descr": np.lib.format.dtype_to_descr(chunk.dtype),
                    "fortran_order": False,
                    "shape": (n_rows, *chunk.shape[1:]),
                }
                np.lib.format.write_array_header_2_0(handle, header)
            handle.write(np.ascontiguousarray(chunk).tobytes())
            count += len(chunk)
        if count == 0:
            np.save(handle, np.zeros((0, len(columns)), np.float32))
    return count


def _as_numbers(chunk: np.ndarray) -> np.ndarray:
    """An object chunk as float64 when every cell is a number (None a NaN); text refused."""
    try:
        return chunk.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError("this output holds text columns; write it as .parquet or .csv.") from None


def _csv(tmp: str, chunks, n_rows: int, columns, csv_format: dict) -> int:
    count = 0
    sep, decimal = csv_format.get("sep", ","), csv_format.get("decimal", ".")
    with open(tmp, "w", newline="", encoding=csv_format.get("encoding", "utf-8")) as handle:
        for chunk in chunks:
            frame = _frame(chunk, columns)
            frame.to_csv(handle, index=False, header=count == 0, sep=sep, decimal=decimal)
            count += len(chunk)
        if count == 0:
            handle.write(sep.join(columns) + "\n")
    return count
