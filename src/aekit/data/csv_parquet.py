"""A CSV file of any size converted to Parquet a chunk at a time, read as aekit reads a CSV in
memory (:func:`aekit.data.table_checks.read_csv`: the same separator, decimal mark, encoding
and header rules, and its checks on the first rows), so that a table larger than memory can be
opened a row group at a time (:func:`aekit.data.lazy.open_dataset`).

Each column keeps the kind its first rows give it: numbers (stored as float64, since a column of
whole numbers may hold a decimal or a blank further down), bools, or text. A later cell that does
not fit its column's kind is refused, naming the column and the row: pyarrow's own reader took
each column's type from its first block and failed later on "invalid value '1.5'". The checks
that need every row (a repeated header row, unnamed columns, text among numbers:
:mod:`aekit.data.whole_file_checks`) see every chunk, and refuse or warn as the file read whole
does, in its words, once the last chunk was read; nothing is written then.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from aekit.data.column_checks import text_among_numbers
from aekit.data.exact_floats import exact_floats, pandas_version
from aekit.data.file_kinds import csv_separator
from aekit.data.table_checks import parser_error_message, read_csv
from aekit.data.whole_file_checks import WholeFileChecks, unnamed_columns
from aekit.warning_lines import caller_level

# Rows per chunk read and per Parquet row group of a copy the command line makes
CHUNK_ROWS = 65536

NUMBER, BOOL, TEXT = "number", "bool", "text"
# The copy's key-value metadata: the number columns (stored as float64) that a whole-file read
# types as integers, {name: dtype}; see :func:`integer_columns`.
INTEGERS_KEY = "aekit.csv_integers"


@dataclass
class _Whole:
    """What a number column held over the chunks read so far."""

    integer: bool = True  # every chunk read as integers by pandas: no blank, no decimal
    whole: bool = True  # every value given is a whole number (within float64's exact range)
    gaps: bool = False

    def add(self, read: pd.Series, numbers: pd.Series) -> None:
        observed = numbers.dropna().to_numpy()
        self.integer &= read.dtype.kind in "iu"
        self.whole &= bool(np.all(observed == np.round(observed)))
        self.whole &= bool(np.all(np.abs(observed) < 2**53))
        self.gaps |= len(observed) < len(numbers)

    def dtype(self) -> str | None:
        """The column's type as reading the whole CSV in memory gives it, where that is an
        integer: int64 (pandas' own: integers without a blank), Int64 (whole numbers with gaps,
        which ``aekit impute`` reads as nullable integers and fills with whole numbers)."""
        if self.integer:
            return "int64"
        return "Int64" if self.gaps and self.whole else None


def integer_columns(parquet: str | os.PathLike) -> dict[str, str]:
    """``{column: dtype}`` of the number columns that :func:`csv_to_parquet` stored as float64
    and a read of the whole CSV types as integers (``int64``; ``Int64``: whole numbers with
    gaps); empty for any other Parquet file. An id column is written as integers again, as
    from the CSV read in memory, and ``aekit impute`` fills such columns with whole numbers."""
    import pyarrow.parquet as pq

    metadata = pq.read_metadata(parquet).metadata or {}
    found = metadata.get(INTEGERS_KEY.encode())
    return json.loads(found) if found else {}


def csv_to_parquet(
    csv: str | os.PathLike,
    parquet: str | os.PathLike,
    rows: int = CHUNK_ROWS,
    csv_options: dict | None = None,
    not_features: Iterable[str] = (),
    text_columns: Iterable[str] = (),
) -> Path:
    """Convert a CSV file of any size to Parquet, ``rows`` rows at a time.

    Parameters
    ----------
    csv, parquet : path-like
        The text table (``.csv``, ``.tsv``, ``.txt``, ``.dat``, ``.data``; also compressed,
        ``table.txt.gz``) and the Parquet file to write; the latter is written under a
        temporary name and renamed when complete.
    rows : int, default=65536
        Rows per chunk read and per Parquet row group (the unit an on-disk dataset reads).
    csv_options : dict, optional
        How to read the CSV (``sep``, ``decimal``, ``thousands``, ``encoding``, ``header``,
        ``na_values``), as :func:`aekit.data.datasets.load_array` takes them; without ``sep``,
        a ``.txt``'s is sniffed from its first lines, once for every chunk.
    not_features : iterable of str, default=()
        Columns no model reads (an id, a label, ignored columns). Text further down such a
        column, below first rows of numbers or True/False, is no typo: the column is then
        stored as text, every cell as the file writes it ('007', 'A-17'), as a read of the
        whole file in memory gives it; the file is read again from its start to do so.
    text_columns : iterable of str, default=()
        Columns stored as text from the first row, every cell as the file writes it (an id
        column: '007' stays '007', as :func:`aekit.data.table_checks.read_csv` reads it).

    Returns
    -------
    Path
        The Parquet file.

    Raises
    ------
    ValueError
        What reading the CSV in memory would refuse (its checks of every row made a chunk at a
        time, the others on its first ``rows`` rows), text among the numbers of a column
        (named as :func:`aekit.cli.tables.check_no_typos` names it), a cell that does not fit
        a column of True/False further down, or a file that cannot be parsed or written.
    """
    from aekit.io.atomic import atomic_write

    csv, parquet, options = Path(csv), Path(parquet), dict(csv_options or {})
    # the separator sniffed (a .txt) once, so that the first rows and the chunks read alike
    encoding, decimal = options.get("encoding", "utf-8"), options.get("decimal", ".")
    options["sep"] = csv_separator(csv, options.get("sep"), encoding, decimal)
    text = tuple(text_columns)
    head = read_csv(csv, nrows=rows, text_columns=text, **options)  # an in-memory read's checks
    unnamed = unnamed_columns(head.columns) if options.get("header", True) else []
    kinds = {
        name: TEXT if name in text else _kind(head[name])
        for name in head.columns
        if name not in unnamed
    }
    columns = _Columns([*head.columns], unnamed, kinds, frozenset(not_features))
    while True:
        try:
            atomic_write(parquet, partial(_write_copy, csv, options, rows, columns))
            return parquet
        except _TextFurtherDown as found:  # read whole, that column is text: start again
            columns = columns.as_text(found.name)
        except OSError as err:
            raise ValueError(f"cannot convert {csv} to Parquet {parquet}: {err}") from None


def warn_unchecked_chunk_starts(csv: Path) -> None:
    """Before pandas 3.1, read_csv's chunks compare no line that starts a chunk with the width
    of the table: one with extra fields loses them silently (pandas GH#40587), where a read of
    the whole file, and pandas 3.1 in chunks, refuse it naming the line."""
    if pandas_version() < (3, 1):
        warnings.warn(
            f"{csv.name} is read a chunk at a time, and pandas {pd.__version__} does not check "
            "the width of a line that starts a chunk: one with extra fields there would lose "
            "them silently (pandas issue 40587, fixed in pandas 3.1). Upgrade pandas to 3.1 or "
            "later to have every line checked.",
            stacklevel=caller_level(),
        )


@dataclass(frozen=True)
class _Columns:
    """The columns of a CSV as its first rows give them."""

    names: list[str]  # as read, the unnamed ones too
    unnamed: list[str]
    kinds: dict[str, str]  # each named column's kind
    not_features: frozenset[str]  # text further down these is no typo: they become text

    def numbers(self) -> list[str]:
        return [name for name, kind in self.kinds.items() if kind == NUMBER]

    def checked_numbers(self) -> list[str]:
        """The number columns whose text further down is refused (a model reads them)."""
        return [name for name in self.numbers() if name not in self.not_features]

    def as_text(self, name: str) -> _Columns:
        return replace(self, kinds={**self.kinds, name: TEXT})


class _TextFurtherDown(Exception):
    """Column ``name``, of ``not_features``, holds text below first rows of numbers or
    True/False: the conversion starts again with it read as text."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _write_copy(csv: Path, options: dict, rows: int, columns: _Columns, tmp: str) -> None:
    """Write the Parquet copy of ``csv`` to ``tmp``, a chunk of ``rows`` rows at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    checks = WholeFileChecks(csv, columns.unnamed, columns.checked_numbers())
    types = {NUMBER: pa.float64(), BOOL: pa.bool_(), TEXT: pa.string()}
    schema = pa.schema([(str(name), types[kind]) for name, kind in columns.kinds.items()])
    wholes = {name: _Whole() for name in columns.numbers()}
    with pq.ParquetWriter(tmp, schema) as writer:
        for start, chunk in _chunks(csv, options, rows, columns.names, columns.kinds):
            checks.add(chunk, start)
            named = chunk.drop(columns=columns.unnamed) if columns.unnamed else chunk
            chunk = _as_kinds(named, columns, checks, start, wholes)
            if not checks.refusing():  # else only the checks read on, to count all
                table = pa.Table.from_pandas(chunk, schema=schema, preserve_index=False)
                writer.write_table(table, row_group_size=rows)
        try:
            checks.finish()
        except ValueError as err:  # the advice for pandas' read_csv, in this function's words
            raise ValueError(_in_own_words(str(err))) from None
        integers = {name: seen.dtype() for name, seen in wholes.items() if seen.dtype()}
        writer.add_key_value_metadata({INTEGERS_KEY: json.dumps(integers)})


def _in_own_words(message: str) -> str:
    """A refusal's ``pd.read_csv(..., na_values=[...])`` said as csv_to_parquet's own
    ``csv_options={'na_values': [...]}``, which reads the markers as missing values here."""
    return re.sub(
        r"read the file with pd\.read_csv\(\.\.\., na_values=(\[[^\]]*\])\)",
        r"pass csv_options={'na_values': \1}",
        message,
    )


# A first rows' text column this much numbers holds typos (or missing-value markers), not codes
# ('007', 'x', '12' stay text): its cells are checked as a number column's in later chunks are
NEARLY_ALL_NUMBERS = 0.9


def _nearly_all_numbers(column: pd.Series) -> bool:
    found = text_among_numbers(column)
    if found is None:
        return False
    observed = int(column.notna().sum())
    return (observed - found[2]) >= NEARLY_ALL_NUMBERS * observed


def _kind(column: pd.Series) -> str:
    """A first rows' column's kind; numbers with a typo among them are numbers, their text
    cells checked as a number column's in later chunks are."""
    if pd.api.types.is_bool_dtype(column):
        return BOOL
    numbers = pd.api.types.is_numeric_dtype(column) or _nearly_all_numbers(column)
    return NUMBER if numbers else TEXT


def _chunks(
    csv: Path, options: dict, rows: int, names: list[str], kinds: dict[str, str]
) -> Iterator[tuple[int, pd.DataFrame]]:
    """``(start, chunk)``: the file's rows, ``rows`` at a time from data row ``start``, with the
    columns (``names``) its first rows have, as pandas reads them.

    Text columns are read as text (a code column '007' stays '007'); the other columns as pandas
    infers them, for :func:`_as_kinds` to check against their kind."""
    header = options.get("header", True)
    # a header file's columns by their names (check_header may have dropped a written pandas
    # index, 'Unnamed: 0'); a file without one by position, named x0, x1, ... as read_csv does
    keys = names if header else list(range(len(names)))
    text = {key: str for key, name in zip(keys, names, strict=True) if kinds.get(name) == TEXT}
    reader = pd.read_csv(
        csv,
        sep=options["sep"],
        encoding=options.get("encoding", "utf-8"),
        decimal=options.get("decimal", "."),
        thousands=options.get("thousands"),
        na_values=options.get("na_values") or None,
        header=0 if header else None,
        index_col=False,
        dtype=text,
        chunksize=rows,
        **exact_floats(options["sep"]),
    )
    first_line = 2 if header else 1  # the file's line of the first data row
    with reader:
        start = first_rows = 0
        while True:
            try:
                with warnings.catch_warnings():  # "mixed types ... low_memory=False": the
                    # checks name the text cells of a number column themselves
                    warnings.simplefilter("ignore", pd.errors.DtypeWarning)
                    chunk = next(reader)
            except StopIteration:
                return
            except pd.errors.ParserError as err:
                raise ValueError(parser_error_message(csv, err)) from None
            except (UnicodeDecodeError, ValueError) as err:
                raise ValueError(
                    f"cannot read {csv} after line {first_line + start - 1}: {str(err).strip()}"
                ) from None
            if start and start == first_rows and len(chunk):  # the second chunk, read at last
                warn_unchecked_chunk_starts(csv)
            chunk = chunk[keys]
            chunk.columns = names
            yield start, chunk
            first_rows = first_rows or len(chunk)
            start += len(chunk)


def _as_kinds(
    chunk: pd.DataFrame,
    columns: _Columns,
    checks: WholeFileChecks,
    start: int,
    wholes: dict[str, _Whole],
) -> pd.DataFrame:
    """The chunk with every number column as float64 and every bool column as nullable bools.
    Text in a number column is noted by ``checks`` (refused once the whole file was read, as
    in memory); ``ValueError`` for a cell a bool column cannot hold; :class:`_TextFurtherDown`
    for either in a column of ``columns.not_features``. ``start``: the file's data row of the
    chunk's first row; ``wholes``: what each number column held so far, updated."""
    for name, kind in columns.kinds.items():
        if kind == TEXT:
            continue
        column = chunk[name]
        if kind == NUMBER:
            converted = pd.to_numeric(column, errors="coerce").astype(np.float64)
            if name in columns.not_features:
                _restart_if_text(name, column, converted)
                wholes[name].add(column, converted)
            elif not checks.add_numbers(name, column, converted, start):
                wholes[name].add(column, converted)
            chunk[name] = converted
            continue
        # pandas reads True/False (any case) as bools; a blank among them makes objects
        converted = column.astype(object).where(column.isin([True, False]))
        unfit = column.notna() & converted.isna()
        if unfit.any() and name in columns.not_features:
            raise _TextFurtherDown(name)
        if unfit.any() and not checks.refusing():
            at = int(np.flatnonzero(unfit.to_numpy())[0])
            raise ValueError(
                f"{checks.path}: column {name!r} holds {column.iloc[at]!r} in row {start + at}, "
                "where its first rows hold True/False; correct that cell (leave it blank if "
                "the value is missing) and convert the file again."
            )
        chunk[name] = converted.astype("boolean")
    return chunk


def _restart_if_text(name: str, cells: pd.Series, numbers: pd.Series) -> None:
    """:class:`_TextFurtherDown` where a cell of column ``name`` is no number."""
    if (cells.notna() & numbers.isna()).any():
        raise _TextFurtherDown(name)
