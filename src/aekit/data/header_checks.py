"""Whether a table's first row is its header: a row of numbers (or of its own columns' values)
is data, read without a header it would be lost as column names; a header ``0,1,...,n-1`` is
the names pandas gives an array's columns; an unnamed first column counting 0, 1, 2, ... is a
pandas index written with the data."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from aekit.warning_lines import caller_level


def is_number(text: object, decimal: str = ".") -> bool:
    """Whether ``text`` is a number, written with the ``decimal`` mark (or a point)."""
    try:
        float(str(text).replace(decimal, ".", 1) if decimal != "." else str(text))
    except ValueError:
        return False
    return True


def name_bases(names: list[str], decimal: str = ".") -> list[str]:
    """The names as the file writes them: pandas renames a repeated name "5.1" to "5.1.1"
    (with a decimal comma, "0,5" to "0,5.1")."""
    marks = 0 if decimal != "." else 1  # the points a name of a decimal-point number holds
    return [
        n.rsplit(".", 1)[0] if n.count(".") > marks and n.rsplit(".", 1)[1].isdigit() else n
        for n in names
    ]


def first_row_shown(names: list[str]) -> str:
    return f"{', '.join(names[:4])}{', ...' if len(names) > 4 else ''}"


def _is_pandas_range_header(names: list[str], table: pd.DataFrame) -> bool:
    """A header ``0,1,2,...,n-1``: the default column names pandas writes for a DataFrame made
    from an array (``pd.DataFrame(X).to_csv(path, index=False)``). Read as names, not data, when
    there are 3 or more: a first data row counting 0, 1, 2, ... exactly is far less likely than
    such a file, while a first row ``0,1`` of two binary columns is common. With 1 or 2, when
    the rows below hold fractions: pandas writes such a column's whole numbers ``1.0``, so a
    first row ``0,1`` above them is its names."""
    if names != [str(i) for i in range(len(names))]:
        return False
    if len(names) >= 3:
        return True
    values = table.select_dtypes("floating").to_numpy(dtype=np.float64)
    fractions = values[np.isfinite(values)]
    return bool(fractions.size and (fractions != np.round(fractions)).any())


def check_header(path: Path, table: pd.DataFrame, decimal: str = ".") -> pd.DataFrame:
    """The table with a written pandas index dropped (with a warning); ``ValueError`` for a
    header row of numbers (a file without a header). The other unnamed columns are checked
    with every row (:class:`aekit.data.whole_file_checks.WholeFileChecks`). A header
    ``0,1,...,n-1`` (pandas' names for an array's columns) is names (see
    :func:`_is_pandas_range_header`). ``decimal``: the numbers' decimal mark ('0,126' is a
    number read with ',')."""
    names = [str(c) for c in table.columns]
    if _is_pandas_range_header(names, table):
        return table
    # a name is data when it is a number or one of its own column's values (a text cell of a
    # first data row), and some name is a number
    bases = name_bases(names, decimal)
    if (
        names
        and any(is_number(b, decimal) for b in bases)
        and all(
            is_number(b, decimal) or _among_values(table.iloc[:, i], b) for i, b in enumerate(bases)
        )  # stops at the first name that is neither: most files, at once
    ):
        # read without a header, its columns are x0, x1, ...
        n = len(names)
        named = "x0" if n == 1 else "x0 and x1" if n == 2 else f"x0 to x{n - 1}"
        pandas = (  # the names pd.DataFrame(X).to_csv writes, over rows of whole numbers
            "; if they are the names pandas gives unnamed columns (pd.DataFrame(X).to_csv), "
            "name the columns before writing, e.g. df.columns = ['a', 'b']"
            if names == [str(i) for i in range(len(names))]
            else ""
        )
        raise ValueError(
            f"{path}: its first row ({first_row_shown(names)}) "
            "looks like data, not column names; add a header row, or read it with "
            f"csv={{'header': False}} (columns {named}){pandas}."
        )
    if names and names[0] == "Unnamed: 0":
        first = table.iloc[:, 0]
        if pd.api.types.is_integer_dtype(first) and np.array_equal(first, np.arange(len(table))):
            warnings.warn(
                f"{path}: dropped its first column, unnamed and counting 0, 1, 2, ...: a "
                "pandas index written with the data.",
                stacklevel=caller_level(),
            )
            table = table.iloc[:, 1:]
    return table


def _among_values(column: pd.Series, text: str) -> bool:
    """Whether ``text``, a name that is no number, is one of ``column``'s values as written. A
    column of numbers holds none (each of its 1.4 million floats turned into text made a
    224 MiB CSV 9 times slower to read than its Parquet copy)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return False
    return bool((column.astype(str) == text).any())
