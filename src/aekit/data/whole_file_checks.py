"""The checks of a CSV that need every row of it, made alike on a table read into memory
(:func:`aekit.data.table_checks.read_csv`) and on a large file converted a chunk at a time
(:func:`aekit.data.csv_parquet.csv_to_parquet`, fed each chunk as pandas read it): a header row
repeated among the data rows, columns without a name (dropped when empty in every row, refused
when they hold a value), and text among the numbers of a column (a typo, or a missing-value
marker such as '-' or '?'). Rows are the file's data rows counted from 0, whichever chunk holds
them; what a chunk shows is kept (counts and first cells, never rows), and the verdict is given
once every row was seen, so that both reads say the same words.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.column_checks import (
    MISSING_MARKERS,
    MOSTLY_NUMBERS,
    na_values_advice,
    shown,
)
from aekit.warning_lines import caller_level

# pandas names a column without a name in the header row "Unnamed: <its position from 0>"
UNNAMED = "Unnamed: "


def unnamed_columns(names: Iterable[Any]) -> list[str]:
    """The columns of a header row that have no name, as pandas names them."""
    return [str(n) for n in names if str(n).startswith(UNNAMED)]


def settle_unnamed_columns(path: Path, unnamed: list[str], holding: set[str]) -> list[str]:
    """The ``unnamed`` columns that hold no value (the empty fields of separators at the ends
    of a spreadsheet export's lines, 'a,b,c,,'), warned of, for the caller to drop;
    ``ValueError`` for those ``holding`` a value, naming their positions."""
    empty = [n for n in unnamed if n not in holding]
    if empty:
        # such a column holds nothing to lose, and refused it stopped every such file
        warnings.warn(
            f"{path}: dropped {len(empty)} column(s) without a name or a value (the empty "
            "fields of separators at the ends of its lines, as spreadsheets export them).",
            stacklevel=caller_level(),
        )
    named = [int(n.split(": ")[1]) + 1 for n in unnamed if n in holding]
    if named:
        raise ValueError(
            f"{path}: {len(named)} column(s) have no name in the header row (column "
            f"{', '.join(map(str, named[:5]))}{', ...' if len(named) > 5 else ''}, counted "
            f"from 1) but hold values; name them in the header row.{_index_hint(named)}"
        )
    return empty


def _index_hint(positions: list[int]) -> str:
    """For an unnamed first column: the index pandas writes (``df.to_csv(path)`` writes it
    without a name, dates and all) and the two ways to write it that read."""
    if positions[:1] != [1]:
        return ""
    return (
        " Is it the index df.to_csv(path) writes? Write it named, "
        "df.rename_axis('id').to_csv(path) (--id-column id reads it as ids), or leave it out, "
        "df.to_csv(path, index=False)."
    )


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def repeated_header_rows(table: pd.DataFrame, skip: Iterable[Any] = ()) -> np.ndarray:
    """The positions of the rows of ``table`` that repeat its header row (files joined with
    ``cat``, a spreadsheet's export of several sheets): each of their cells, text in a column
    of numbers, made every such column text, so each number became its own category. The
    columns ``skip`` (unnamed ones) are left out."""
    skipped = set(skip)
    names = [c for c in table.columns if c not in skipped]
    if len(names) < 2 or not all(_is_text(table[c]) for c in names):
        return np.empty(0, dtype=np.int64)  # a column of numbers cannot hold its own name
    repeats = np.ones(len(table), dtype=bool)
    for name in names:
        repeats &= (table[name].astype(str).str.strip() == str(name).strip()).to_numpy()
    return np.flatnonzero(repeats)


def repeated_header_message(path: Path, first: int, count: int) -> str:
    """The refusal of ``count`` data rows that repeat the header row, the first at ``first``."""
    more = f" (and {count - 1} more)" if count > 1 else ""
    return (
        f"{path}: data row {first}{more} (0-based, after the header) repeats the header row, "
        "as files joined together do; delete it, so that its columns read as numbers."
    )


def text_among_numbers_refusal(
    column: Any, cell: Any, row: int, markers: Iterable[str] | None, count: int
) -> str:
    """The refusal of a column of numbers that holds text in ``count`` rows, ``cell`` in data
    ``row`` the first: ``markers``, the distinct text cells when each is a missing-value marker
    (read as missing with pandas' ``na_values``, then imputed or encoded; the command line says
    ``--na-values``, :mod:`aekit.cli.cell_advice`), else None (a typo to fix)."""
    if not markers:  # a word aekit does not know as a marker may still be one ('oops')
        return (
            f"column {column!r} holds numbers but also text ({cell!r} in data row {row}, 0-based); "
            f"fix those cells; or, {na_values_advice([str(cell)])} {THEN_FILL}; or, if the column "
            "holds codes rather than numbers, read every cell as text (pandas.read_csv(path, "
            f"dtype={{{str(column)!r}: str}}), saved as Parquet for the command line)."
        )
    markers = sorted(markers)
    listed = " and ".join(shown(m) for m in markers)
    rows = f"{count} row{'s' if count > 1 else ''}"
    return (
        f"column {column!r} holds {listed} among numbers in {rows} "
        f"(the first: data row {row}, 0-based): "
        f"{na_values_advice(markers)} {THEN_FILL}; else fix those cells."
    )


# what to do with the markers once read as missing (the command line names its commands)
THEN_FILL = "(then impute those cells, or encode them as missing values)"


@dataclass
class _TextCells:
    """The text cells found so far in a column whose first rows hold numbers."""

    row: int  # the file's data row of the first
    cell: Any
    count: int = 0
    markers: set[str] = field(default_factory=set)
    other_text: bool = False  # a cell that is no missing-value marker (a typo)

    def add(self, cells: pd.Series) -> None:
        self.count += len(cells)
        if self.other_text:
            return  # a typo: which markers there are no longer matters
        text = cells.astype(str)
        marker = text.str.strip().str.lower().isin(MISSING_MARKERS)
        self.markers.update(text[marker].unique())
        self.other_text = not marker.all()


@dataclass
class WholeFileChecks:
    """What the chunks of a CSV showed of the whole-file checks, and their verdict
    (:meth:`finish`) once every chunk was added: the same refusals and warnings, in the same
    order and words, as the table read whole into memory gets."""

    path: Path
    unnamed: list[str]  # the header's columns without a name
    numbers: list[str]  # the columns whose first rows hold numbers
    holding: set[str] = field(default_factory=set)  # unnamed columns with a value so far
    header_rows: list[int] = field(default_factory=list)  # [first, count]
    observed: dict[str, int] = field(default_factory=dict)  # numbers per number column
    text: dict[str, _TextCells] = field(default_factory=dict)

    def add(self, chunk: pd.DataFrame, start: int) -> None:
        """Note what ``chunk``, the file's data rows from ``start`` as pandas read them (all
        columns, named), holds."""
        self.holding.update(n for n in self.unnamed if chunk[n].notna().any())
        repeats = repeated_header_rows(chunk, skip=self.unnamed)
        if len(repeats):
            first = self.header_rows[0] if self.header_rows else start + int(repeats[0])
            count = (self.header_rows[1] if self.header_rows else 0) + len(repeats)
            self.header_rows = [first, count]

    def add_numbers(self, name: str, cells: pd.Series, numbers: pd.Series, start: int) -> bool:
        """Note the text cells of number column ``name`` in a chunk from data row ``start``
        (``cells`` as read, ``numbers`` as converted, NaN where not a number); whether it has
        any."""
        self.observed[name] = self.observed.get(name, 0) + int(numbers.notna().sum())
        unfit = (cells.notna() & numbers.isna()).to_numpy()
        if not unfit.any():
            return False
        at = int(np.flatnonzero(unfit)[0])
        found = self.text.setdefault(name, _TextCells(start + at, cells.iloc[at]))
        found.add(cells[unfit])
        return True

    def refusing(self) -> bool:
        """Whether what was seen so far will be refused (the rest is read to say all of it)."""
        return bool(self.header_rows or self.holding or self.text)

    def finish(self) -> list[str]:
        """Warn and refuse as a whole read of the file does, in its order; the unnamed columns
        to drop (empty in every row)."""
        empty = settle_unnamed_columns(self.path, self.unnamed, self.holding)
        if self.header_rows:
            raise ValueError(repeated_header_message(self.path, *self.header_rows))
        for name in self.numbers:
            if name in self.text:
                raise ValueError(self._text_refusal(name, self.text[name]))
        return empty

    def _text_refusal(self, name: str, found: _TextCells) -> str:
        numbers = self.observed.get(name, 0)
        if numbers / (numbers + found.count) >= MOSTLY_NUMBERS:
            markers = None if found.other_text else found.markers
            return text_among_numbers_refusal(name, found.cell, found.row, markers, found.count)
        # mostly text, whose first rows were numbers: read whole, it would be a text column
        return (
            f"{self.path}: column {name!r} holds numbers in its first rows but mostly text "
            f"further down ({found.cell!r} in row {found.row} the first); make every cell "
            "numbers (leave a missing value blank) or every cell text."
        )
