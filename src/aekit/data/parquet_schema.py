"""The schema the files of a Parquet folder are read by: one type per column, where pandas'
parts store a number column as integers in some files and floats in others (a part with a
missing value), and the refusals of what no one type holds."""

from __future__ import annotations

from pathlib import Path


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
                raise ValueError(
                    f"column {field.name!r} is {own} in {first} but {found} in {file}: "
                    "the files of a Parquet folder must share one type per column (integers "
                    "and floats are read as one); write them again with one type for it."
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
