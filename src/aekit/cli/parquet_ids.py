"""A Parquet DATA's id column as stored. pandas reads an integer column with missing values as
float64: ids past 2**53 changed (9007199254740993 was written 9007199254740992.0) and every id
was written with '.0' (4.0), in memory and when read a batch at a time alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def id_parts(files: list[Path], column: str) -> list[Any]:
    """The ``column`` of each Parquet file of ``files``, in order (pyarrow arrays), of one type:
    integers where some file stores them so and the others as whole floats (pandas' part with
    a missing id), else the folder's type for it; a file pyarrow cannot read is named (its
    words named none: "Parquet magic bytes not found")."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from aekit.data.parquet_schema import (
        arrow_errors,
        as_one_type,
        folder_schema,
        one_type_refusal,
        read_schema,
    )

    schemas = [read_schema(path) for path in files]
    stored = folder_schema(files, schemas).field(column).type
    parts = []
    for path in files:
        try:
            parts.append(pq.read_table(path, columns=[column]).column(0))
        except arrow_errors() as err:
            raise ValueError(f"cannot read {path} as Parquet: {err}") from None
    try:
        return as_one_type(parts, stored, schemas, column)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:  # 2**53 + 1 beside fractions
        raise ValueError(one_type_refusal(column, files, schemas, err)) from None


def exact_ids(parts: list[Any]) -> np.ndarray | None:
    """The ids of :func:`id_parts` where they are integers: as Python ints and None where one
    is missing, else as integers (a folder of int64 and whole-float parts read in memory gave
    0.0, 1.0, ... as pandas joins them); None otherwise (read as pandas reads them)."""
    import pyarrow.types as types

    if not types.is_integer(parts[0].type):
        return None
    if not any(part.null_count for part in parts):
        return np.concatenate([part.to_numpy() for part in parts])
    return np.array([value for part in parts for value in part.to_pylist()], dtype=object)


def stored_ids(spec: str, column: str) -> np.ndarray | None:
    """:func:`exact_ids` of a Parquet DATA ``spec`` (a file or a folder of them); None for any
    other DATA."""
    from aekit.data.parquet import parquet_files

    path = Path(spec)
    if path.suffix.lower() != ".parquet" and not path.is_dir():
        return None
    files = parquet_files(path)
    return exact_ids(id_parts(files, column)) if files and files[0].is_file() else None


def with_integer_ids(frame: Any, column: str, ids: np.ndarray | None) -> Any:
    """``frame`` with its id ``column`` replaced by ``ids`` where those are integers (a
    folder's ids read as stored: pandas joined int64 and float parts as floats, and
    9007199254740993 was written 9007199254740992.0); as it is otherwise."""
    import pandas as pd

    if ids is None or len(ids) != len(frame):
        return frame
    if ids.dtype.kind in "iu":
        return frame.assign(**{column: ids})
    if ids.dtype == object and all(v is None or isinstance(v, int) for v in ids):
        try:
            return frame.assign(**{column: pd.array(list(ids), dtype="Int64")})
        except (OverflowError, TypeError, ValueError):  # past int64: as pandas read them
            return frame
    return frame
