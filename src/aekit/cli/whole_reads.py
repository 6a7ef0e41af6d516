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


def has_text_columns(spec: str, label_column: str | None) -> bool:
    """Whether a Parquet DATA has a feature column that is not numbers (from its schema alone;
    a --category-column stored as numbers is read whole by :func:`codes_stored_as_numbers`);
    the id and ignored columns (:mod:`aekit.cli.columns`) are no features."""
    from aekit.cli import columns
    from aekit.data.parquet import is_numeric_type

    if (schema := _schema(spec)) is None:
        return False
    others = {label_column, columns.current.id_column, *columns.current.ignore_columns}
    return any(not is_numeric_type(f.type) for f in schema if f.name not in others)


def codes_stored_as_numbers(spec: str) -> bool:
    """Whether a Parquet DATA stores a --category-column as numbers: read a batch at a time,
    its rows are float32, which rounds a code above 2**24 (987654321 became 987654336, a
    category no training row held); read whole, it keeps its own type."""
    from aekit.cli import category_columns

    schema = _schema(spec) if category_columns.current.names else None
    return schema is not None and category_columns.stored_as_numbers(schema)
