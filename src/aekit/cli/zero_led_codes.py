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
        text = pd.read_csv(
            data,
            sep=csv_separator(data, marks.sep, marks.encoding, marks.decimal),
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
