"""Numbers read with a thousands separator that their text does not put between groups of three
digits. pandas drops the separator wherever it stands: with ``thousands='.'`` a ``9.7`` written
with a decimal point (a file that mixes decimal styles, as spreadsheet exports do) is read as 97,
without a word. The opposite case, numbers grouped by a separator not given, is read as text and
named by :mod:`aekit.data.number_formats`; this one is only seen in the file's own text, so the
first rows of each number column are read again as text (a large CSV's first chunk's worth)."""

from __future__ import annotations

import re
from os import PathLike

import numpy as np
import pandas as pd

# The rows whose text is checked: a read of the first rows alone, cheap beside the whole file
CHECKED_ROWS = 65536


def refuse_misplaced_thousands(
    path: str | PathLike[str],
    table: pd.DataFrame,
    sep: str,
    encoding: str,
    header: bool,
    decimal: str,
    thousands: str | None,
) -> None:
    """ValueError naming the first number column of ``table`` (read from ``path`` with
    ``thousands``) whose text holds the separator elsewhere than between groups of three digits
    ('9.7', '10.25' with ``thousands='.'``), a cell of it and the fix; nothing without
    ``thousands``. Only the first :data:`CHECKED_ROWS` rows are read again."""
    if not thousands:
        return
    numbers = [i for i, kind in enumerate(table.dtypes) if kind.kind in "iuf"]
    if not numbers:
        return
    try:
        text = pd.read_csv(
            path,
            sep=sep,
            encoding=encoding,
            header=0 if header else None,
            dtype=str,
            keep_default_na=False,
            index_col=False,
            usecols=numbers,
            nrows=min(len(table), CHECKED_ROWS),
        )
    except (ValueError, OSError, UnicodeError):  # read once already: the checks there spoke
        return
    mark, point = re.escape(thousands), re.escape(decimal)
    grouped = rf"[+-]?\d{{1,3}}({mark}\d{{3}})+({point}\d*)?([eE][+-]?\d+)?"
    for position, (_, column) in zip(numbers, text.items(), strict=True):
        cells = column.str.strip()
        wrong = cells.str.contains(thousands, regex=False) & ~cells.str.fullmatch(grouped)
        if wrong.any():
            row = int(np.argmax(wrong.to_numpy()))
            name, read = str(table.columns[position]), table.iloc[row, position]
            raise ValueError(
                f"{path}: column {name!r} holds {cells.iloc[row]!r} (row {row}), read as "
                f"{read:g} with the thousands separator {thousands!r}, which pandas drops "
                "wherever it stands and which here separates no group of three digits: the "
                f"file mixes decimal styles. Clean the column (its numbers written as "
                f"1{thousands}234{decimal}5, {thousands!r} between groups of three digits "
                f"alone), or read it as text (csv={{'text_columns': [{name!r}]}}) and convert "
                "it yourself."
            )
