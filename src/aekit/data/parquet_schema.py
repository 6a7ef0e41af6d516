"""The schema the files of a Parquet folder are read by: one type per column, where pandas'
parts store a number column as integers in some files and floats in others (a part with a
missing value), and the refusals of what no one type holds."""

from __future__ import annotations

from pathlib import Path


def arrow_errors() -> tuple[type[BaseException], ...]:
    import pyarrow as pa

    return (OSError, ValueError, pa.ArrowException)


def read_schema(path: Path):
    """The Parquet file's schema, or an error naming the file: pyarrow's own words named none
    ("Parquet magic bytes not found in footer")."""
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path)
    except arrow_errors() as err:
        raise ValueError(f"cannot read {path} as Parquet: {err}") from None


def warn_of_a_stored_index(path: Path, schema=None) -> None:
    """Warn that a Parquet file holds a pandas index aekit does not read (pandas writes a named
    index, or a DatetimeIndex, as a column of its own): its rows are read in order and an
    output was keyed by nothing, a filled table written without it (a new user's timestamps
    were lost). An unnamed integer index (rows kept by a filter) is no key, and is not said.
    ``schema``: the file's, where the caller has read it already."""
    import shlex
    import warnings

    import pyarrow as pa

    try:
        schema = schema or read_schema(path)
    except ValueError:
        return  # said by the reader itself
    stored = (schema.pandas_metadata or {}).get("index_columns", [])
    kept = [
        name
        for name in stored
        if isinstance(name, str) and name in schema.names
        and not (name.startswith("__index_level_") and pa.types.is_integer(schema.field(name).type))
    ]  # fmt: skip
    if kept:
        shown = ", ".join(repr(n) for n in kept)
        warnings.warn(
            f"{path} holds a pandas index ({shown}) stored beside its columns, which aekit does "
            "not read: rows are read in order, and outputs are not keyed by it. To keep it, "
            "write it as a column (df.reset_index().to_parquet(path)) and name it as the id "
            f"column (--id-column {shlex.quote(kept[0])}).",
            UserWarning,
            stacklevel=3,
        )


def unreadable_file_message(path: Path, err: BaseException) -> str:
    """What a Parquet file read whole failed on: the first row group that cannot be read,
    named as a file read a row group at a time names it (pyarrow's own words named none:
    "Couldn't deserialize thrift ... Deserializing page header failed")."""
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
        first = 0
        for group in range(handle.metadata.num_row_groups):
            try:
                handle.read_row_group(group)
            except arrow_errors() as damage:
                return (
                    f"{path} row group {group} (rows {first} onwards) cannot be read (corrupt "
                    f"or truncated?): {damage}"
                )
            first += handle.metadata.row_group(group).num_rows
    except arrow_errors():
        pass  # not even its footer reads: said as pyarrow says it
    return f"cannot read {path} as Parquet: {err}"


def folder_schema(files: list[Path], schemas: list):
    """The schema the files of a Parquet folder are read by: the first file's, where a number
    column is stored as integers in some files and floats in others (pandas writes float64 for
    a part with a missing value, int64 for the others) as the type that holds both (pyarrow's
    permissive promotion: int64 and double give double). Every file must have the same
    columns; other types that differ are refused, naming the fix."""
    import pyarrow as pa

    first, schema = files[0], schemas[0]
    for file, other in zip(files[1:], schemas[1:]):
        for field in schema:
            if field.name not in other.names:
                raise ValueError(
                    f"column {field.name!r} is in {first} but not in {file}: the files of a "
                    "Parquet folder must share one schema."
                )
            found = other.field(field.name).type
            if found == field.type:
                continue
            both = _promoted(field.type, found)
            if both is None:
                own = schemas[0].field(field.name).type  # the first file's, not a merged type
                why = (
                    "uint64 is not read beside a signed or float type, which hold no uint64 "
                    "past 2**63; write it as int64 if its values allow"
                    if "uint64" in (str(field.type), str(found))
                    else "the files of a Parquet folder must share one type per column "
                    "(integers and floats are read as one); write them again with one type for it"
                )
                raise ValueError(
                    f"column {field.name!r} is {own} in {first} but {found} in {file}: {why}."
                )
            schema = schema.set(schema.get_field_index(field.name), field.with_type(both))
        extra = [n for n in other.names if n not in schema.names]
        if extra:
            raise ValueError(
                f"column {extra[0]!r} is in {file} but not in {first}: the files of a Parquet "
                "folder must share one schema."
            )
    return pa.schema(list(schema), metadata=schemas[0].metadata)


def one_type_refusal(column: str, files: list[Path], schemas: list, err: Exception) -> str:
    """The refusal of a column whose values, in the types its files store it as, no one type
    holds (an integer past 2**53 in one file, fractions in another)."""
    kinds = sorted({str(schema.field(column).type) for schema in schemas})
    return (
        f"column {column!r} is stored as {' and '.join(kinds)} in the files of {files[0].parent}, "
        f"and no one type holds all of its values ({err}); write the files again with one type "
        "for it."
    )


def _promoted(one, other):
    """The Arrow type holding numbers of the types ``one`` and ``other`` (integers or floats,
    not bools), or None; None for uint64 beside any other type (signed integers or floats):
    pyarrow merges them as int64 or double, which hold no uint64 past 2**63 (or 2**53)."""
    import pyarrow as pa

    def number(t) -> bool:
        return pa.types.is_integer(t) or pa.types.is_floating(t)

    if not (number(one) and number(other)):
        return None
    for big, beside in ((one, other), (other, one)):
        if pa.types.is_uint64(big) and not pa.types.is_unsigned_integer(beside):
            return None
    try:
        merged = pa.unify_schemas(
            [pa.schema([("x", one)]), pa.schema([("x", other)])], promote_options="permissive"
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return merged.field("x").type


def as_one_type(parts: list, stored, schemas: list, column: str) -> list:
    """A column read file by file (pyarrow arrays) in one type: integers where some file
    stores it so and the others as whole floats (pandas' part with a missing value: labels
    written 0.0 beside 0, ids 20.0 beside 19), else ``stored``, the folder's type for it.
    Raises pyarrow's error where no one type holds the values (2**53 + 1 beside fractions)."""
    import pyarrow as pa

    if any(pa.types.is_integer(schema.field(column).type) for schema in schemas):
        try:  # a safe cast: a fraction refuses it, and the column stays floats
            return [part.cast(pa.int64()) for part in parts]
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return [part.cast(stored) for part in parts]


def stored_schema(files: list[Path]):
    """:func:`folder_schema` of ``files``, with a column stored as integers in some files and
    as whole floats in others (pandas' part with a missing value) as int64: what ``aekit
    impute`` reads and writes them as (an id 9007199254740993 came back 9007199254740992.0)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = [read_schema(file) for file in files]
    schema = folder_schema(files, schemas)
    for field in schema:
        stored = [s.field(field.name).type for s in schemas]
        if pa.types.is_floating(field.type) and any(map(pa.types.is_integer, stored)):
            parts = [pq.read_table(file, columns=[field.name]).column(0) for file in files]
            if as_one_type(parts, field.type, schemas, field.name)[0].type == pa.int64():
                schema = schema.set(schema.get_field_index(field.name), field.with_type(pa.int64()))
    return schema


def in_schema(table, schema):
    """``table`` (a file's part) with each column of another type than ``schema`` gives it
    cast to that type (safe: only whole floats become integers); its metadata kept."""
    for i, name in enumerate(table.schema.names):
        wanted = schema.field(name).type
        if table.schema.field(i).type != wanted:
            table = table.set_column(i, schema.field(name), table.column(i).cast(wanted))
    return table
