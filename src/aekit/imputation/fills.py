"""Fills put into a table's own columns: in each column's type, and, where the column of this
table cannot hold them (a column empty this time, read as floats; a float32 column), in a
column that can."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from aekit.warning_lines import caller_level


def in_column_type(values: np.ndarray, dtype: Any) -> np.ndarray:
    """Fills as the column holds its cells: rounded in an integer column (a nullable one, as
    pyarrow reads an integer column with nulls; a float fill in it was pandas' "cannot safely
    cast"), True where at least 0.5 in a bool column (a Parquet boolean the on-disk reader
    gives as 0/1; its fills were 0.77, which pandas refused), in the column's own float type
    (float32 stays float32), as they are otherwise."""
    numeric = values.dtype.kind in "biuf"
    if pd.api.types.is_bool_dtype(dtype) and numeric:
        return values.astype(np.float64) >= 0.5
    if pd.api.types.is_integer_dtype(dtype) and numeric:
        return np.rint(values.astype(np.float64)).astype(np.int64)
    if pd.api.types.is_float_dtype(dtype) and values.dtype.kind in "iuf":  # Float64: float64
        return values.astype(getattr(dtype, "numpy_dtype", dtype))
    return values


def put_fills(column: pd.Series, rows: np.ndarray, fills: Any) -> pd.Series:
    """``column`` with ``fills`` at the positions ``rows``: a column with no cell of its own
    (left empty this time, which pandas reads as floats) as the fills (in fit's type: text,
    True/False, integers); otherwise in its own type where it can hold them, else in an object
    column."""
    if len(rows) == len(column):  # a column left empty this time: typed as fit's (the fills')
        typed = fills if isinstance(fills, pd.Series) else pd.Series(fills)
        return typed.set_axis(column.index).rename(column.name)
    fills = np.asarray(fills)
    column = column.copy()
    dtype = column.dtype
    if (
        pd.api.types.is_object_dtype(dtype)
        and pd.api.types.infer_dtype(column.dropna()) == "boolean"
    ):
        dtype = np.dtype(bool)  # a Parquet boolean with nulls, as the file's batches hold it
    if pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(column) == "decimal":
        fills = as_decimals(fills, column.dropna())  # a Parquet decimal: its writer takes no float
    fills = in_column_type(fills, dtype)
    try:
        column.iloc[rows] = fills
        return column
    except (TypeError, ValueError):  # pandas 3 refuses values its column's type cannot hold
        pass
    column = column.astype(object)
    column.iloc[rows] = fills
    return column


def as_decimals(fills: np.ndarray, observed: pd.Series) -> np.ndarray:
    """Fills as :class:`decimal.Decimal` at the finest scale of the column's ``observed``
    cells (amounts of 2 decimals filled as amounts of 2 decimals), as pandas reads a Parquet
    decimal column: a float among them failed the write ("int or Decimal object expected")."""
    from decimal import Context, Decimal, localcontext

    exponent = min(value.as_tuple().exponent for value in observed)
    quantum = Decimal(1).scaleb(exponent)
    # Arrow's decimals hold up to 76 digits (Spark's default decimal(38, 18): 38), past the 28
    # of Python's default context, which refused 2e10 at 18 places (InvalidOperation)
    with localcontext(Context(prec=80)):
        return np.array([Decimal(repr(float(v))).quantize(quantum) for v in fills], dtype=object)


# A column observed in fewer than this share of the training rows is warned of: its fills rest
# on the few rows that have it (one observed value filled 199 gaps with it, unsaid).
SPARSE_SHARE = 0.2


def warn_of_sparse_columns(names: list, counts: np.ndarray, n_rows: int) -> None:
    """Warn, in one line, of the columns (``names``, each observed in ``counts`` of the
    ``n_rows`` training rows) observed in fewer than SPARSE_SHARE of them."""
    sparse = [
        f"{name!r} ({int(count)} of {n_rows})"
        for name, count in zip(names, counts)
        if count < SPARSE_SHARE * n_rows
    ]
    if sparse:
        warnings.warn(
            f"column(s) {', '.join(sparse)} have a value in fewer than {SPARSE_SHARE:.0%} of "
            "the rows: their fills rest on those few rows (one observed value fills every "
            "gap with itself); leave such a column out if it is not worth guessing.",
            UserWarning,
            stacklevel=caller_level(),
        )
