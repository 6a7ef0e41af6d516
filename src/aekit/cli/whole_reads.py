"""Which DATA on disk a command reads whole rather than a batch at a time
(:func:`aekit.cli.data.open_data`), from a Parquet DATA's schema alone: one with text columns,
when fitting (its one-hot categories are learned from all of its rows), and one that stores a
``--category-column`` as numbers (read a batch at a time, its rows are float32)."""

from __future__ import annotations

from pathlib import Path


def _schema(spec: str):
    """A Parquet DATA's schema (a folder's files share one, which reading them checks); None
    for any other DATA."""
    path = Path(spec)
    if path.suffix.lower() != ".parquet" and not path.is_dir():
        return None
    from aekit.data.parquet_schema import read_schema

    return read_schema(path if path.is_file() else min(path.glob("**/*.parquet")))


def read_whole(spec: str, label_column: str | None, fitting: bool) -> bool:
    """Whether a Parquet DATA is read whole, from its schema (read once): when ``fitting``, if
    it has a feature column that is not numbers (the id and ignored columns of
    :mod:`aekit.cli.columns` are no features); always, if it stores a --category-column as
    numbers (read a batch at a time, its rows are float32, which rounds a code above 2**24:
    987654321 became 987654336, a category no training row held; read whole, it keeps its
    own type)."""
    from aekit.cli import category_columns, columns
    from aekit.data.parquet import is_numeric_type

    if (schema := _schema(spec)) is None:
        return False
    if category_columns.current.names and category_columns.stored_as_numbers(schema):
        return True
    others = {label_column, columns.current.id_column, *columns.current.ignore_columns}
    return fitting and any(not is_numeric_type(f.type) for f in schema if f.name not in others)
