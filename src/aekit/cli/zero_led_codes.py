"""Codes a CSV writes with leading zeros ('04202235' a customer number, '0037' a store): pandas
reads them as the numbers 4202235 and 37, which a training command then standardizes and models
as quantities, without a word whatever the column's name. Only the file's text keeps the zeros,
so the first rows of DATA's columns of whole numbers are read again as text."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Rows of DATA's text read to judge its columns, as many as a table on disk's first rows
SAMPLED_ROWS = 2000


def zero_led_cells(data: str, names: list[str]) -> dict[str, tuple[int, str, pd.Series]]:
    """``{name: (row, cell, numbers)}`` for each column of ``names`` (columns of whole numbers
    of the text table ``data``, read with the running command's --sep, --encoding, --no-header
    and --na-values) whose observed cells in the first :data:`SAMPLED_ROWS` rows are all
    digits, some starting with 0 ('0037', not '0'): ``cell`` the first such, in data row
    ``row``, ``numbers`` the cells as the numbers pandas makes of them. Empty for DATA of
    another kind, or text pandas cannot read so (its reader said why)."""
    from aekit.cli import csv_options
    from aekit.data.file_kinds import TEXT_TABLES, csv_separator, data_suffix

    if data_suffix(data) not in TEXT_TABLES or not names:
        return {}
    marks = csv_options.current
    positions = sorted(int(n[1:]) for n in names if re.fullmatch(r"x\d+", n))
    try:
        sep = csv_separator(data, marks.sep, marks.encoding, marks.decimal)
        if not _may_hold_zero_led_cells(data, sep, marks.encoding):
            return {}
        text = pd.read_csv(
            data,
            sep=sep,
            encoding=marks.encoding,
            header=0 if marks.header else None,
            dtype=str,
            na_values=list(marks.na_values) or None,
            index_col=False,
            usecols=names if marks.header else positions,
            nrows=SAMPLED_ROWS,
        )
    except (ValueError, OSError, UnicodeError):
        return {}
    if not marks.header:
        text.columns = [f"x{i}" for i in positions]
    found = {}
    for name in _digit_columns_led_by_zero(text):
        cells = text[name].dropna().str.strip()
        if len(cells) and cells.str.fullmatch(r"\d+").all():
            led = cells.str.fullmatch(r"0\d+").to_numpy()
            if led.any():
                first = int(led.argmax())
                row, cell = int(cells.index[first]), str(cells.iloc[first])
                found[str(name)] = (row, cell, pd.to_numeric(cells))
    return found


def _may_hold_zero_led_cells(data: str, sep: str, encoding: str) -> bool:
    """Whether the lines of DATA's first :data:`SAMPLED_ROWS` rows (and header) may hold a
    cell led by a zero: a 0 and a digit at a line's start or after a separator, a space or a
    byte-order mark. A table of counts ('0', '10', '107') holds none, and pandas need not read
    it again as text (4 s for 20,000 columns). A quoted cell may span lines, so that the lines
    hold fewer rows than pandas reads: a quote among them (or text this cannot read, or a
    separator of several characters, a pattern to pandas) says True, and pandas reads it."""
    from pandas.io.common import get_handle

    from aekit.data.separators import WHITESPACE

    if len(sep) != 1 and sep != WHITESPACE:
        return True
    before = r"\s\ufeff" + ("" if sep == WHITESPACE else re.escape(sep))
    led = re.compile(rf"(?<![^{before}])0[0-9]")  # ASCII digits: a number's, as pandas read it
    rows = 0
    try:
        with get_handle(data, "r", encoding=encoding, compression="infer") as handles:
            for line in handles.handle:  # split at \n, \r\n and \r, as pandas' reader does
                if '"' in line or led.search(line):
                    return True
                rows += bool(line.strip())  # pandas skips a blank line: a row no line holds
                if rows > SAMPLED_ROWS:
                    return False
    except (OSError, EOFError, ValueError, LookupError):  # UnicodeError is a ValueError
        return True
    return False


def _digit_columns_led_by_zero(text: pd.DataFrame) -> list:
    """The columns of ``text`` whose observed cells are all digits, one of them led by a 0: one
    pass over all the cells at once (a pass a column took minutes on 20,000 columns)."""
    rows, columns = text.shape
    if rows == 0 or columns == 0:
        return []
    cells = pd.Series(text.to_numpy(dtype=object).ravel(order="F")).str.strip()
    observed = cells.notna().to_numpy().reshape(columns, rows)
    digits = _matches(cells, r"\d+").reshape(columns, rows)
    led = _matches(cells, r"0\d+").reshape(columns, rows)
    keep = observed.any(axis=1) & (digits | ~observed).all(axis=1) & led.any(axis=1)
    return list(text.columns[keep])


def _matches(cells: pd.Series, pattern: str) -> np.ndarray:
    return cells.str.fullmatch(pattern).to_numpy(dtype=bool, na_value=False)
