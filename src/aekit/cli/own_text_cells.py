"""An imputed CSV written from DATA's own text: every cell that was not a gap comes back as the
file wrote it, and only the gaps hold the fills. Written from the parsed table instead, a zip
code '01000' came back 1000, '41.0' came back 41, '65,654.04' (read with --thousands ',')
65654.04, and a spreadsheet's UTF-8 with a byte-order mark and CRLF line ends lost both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.file_kinds import UTF8_BOM, data_suffix
from aekit.data.separators import WHITESPACE


def file_text(data: str, csv_format: dict, header: bool) -> pd.DataFrame | None:
    """Every cell of the CSV DATA as text, as the file writes it (no value read as missing),
    or None where pandas cannot read it so (its reader said what it read)."""
    sep = WHITESPACE if csv_format["sep"] == " " else csv_format["sep"]
    try:
        return pd.read_csv(
            data,
            sep=sep,
            encoding=csv_format["encoding"],
            header=0 if header else None,
            dtype=str,
            keep_default_na=False,
            index_col=False,  # the C engine, as the reader: it keeps "New York" one cell
        )
    except (ValueError, OSError, UnicodeError):
        return None


def with_own_text(
    data: str,
    filled: pd.DataFrame,
    gaps: pd.DataFrame,
    csv_format: dict,
    header: bool,
    thousands: str | None = None,
) -> pd.DataFrame | None:
    """``filled`` (DATA's columns, row for row, its gaps filled) as DATA's own text cells with
    the fills in its gaps (``gaps``: True where a feature cell was missing), each fill written
    with DATA's decimal mark; None where the file's text is not row for row and column for
    column what was read (a column or row the reader left out: the parsed table is written)."""
    text = file_text(data, csv_format, header)
    if not header and text is not None:
        text.columns = [f"x{i}" for i in range(text.shape[1])]
    if text is None or list(map(str, text.columns)) != list(map(str, filled.columns)):
        return None
    if len(text) != len(filled):
        return None
    decimal = csv_format.get("decimal", ".")
    if not _same_numbers(text, filled, gaps, decimal, thousands):
        return None
    out = text.copy()
    for name in gaps.columns:
        rows = gaps[name].to_numpy()
        if rows.any():
            values = filled[name].to_numpy()[rows]
            out.loc[rows, str(name)] = [_as_text(v, decimal) for v in values]
    return out


def _same_numbers(
    text: pd.DataFrame, filled: pd.DataFrame, gaps: pd.DataFrame, decimal: str, thousands
) -> bool:
    """Whether every observed number of the feature columns reads back from the file's text as
    the reader read it: a check that the text is cell for cell what was read (a quoted cell
    split otherwise shifts a row, names and lengths alike)."""
    for name in gaps.columns:
        if filled[name].dtype.kind not in "if":
            continue
        cells = text[str(name)].str.strip()
        if thousands:
            cells = cells.str.replace(thousands, "", regex=False)
        if decimal != ".":
            cells = cells.str.replace(decimal, ".", regex=False)
        observed = ~gaps[name].to_numpy()
        read = pd.to_numeric(cells[observed], errors="coerce").to_numpy(np.float64)
        wanted = filled[name].to_numpy(np.float64, na_value=np.nan)[observed]
        if not np.allclose(read, wanted, rtol=1e-6, equal_nan=True):
            return False
    return True


def _as_text(value: Any, decimal: str) -> str:
    """A fill as the CSV holds its numbers: ``repr`` of a float (every digit it has, as pandas
    writes them), with DATA's decimal mark."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return ""  # a gap left unfilled stays an empty cell
    if isinstance(value, (float, np.floating)):
        text = repr(float(value))  # numpy 2's own repr is "np.float64(...)"
        return text.replace(".", decimal) if decimal != "." else text
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def written_as(data: str, csv_format: dict) -> dict:
    """``csv_format`` with the file's own byte-order mark and line ends, which pandas' reader
    drops: a spreadsheet's UTF-8 export opened again shows 'Ã‚ge' without its mark."""
    encoding = csv_format["encoding"]
    plain = {"sep": csv_format["sep"], "encoding": encoding, "lineterminator": "\n"}
    if data_suffix(data) != Path(data).suffix.lower() or "\n".encode(encoding) != b"\n":
        return plain  # compressed, or UTF-16: its bytes say neither
    with open(data, "rb") as handle:
        start = handle.read(1 << 16)
    if start.startswith(UTF8_BOM) and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    line_end = "\r\n" if start.split(b"\n", 1)[0].endswith(b"\r") else "\n"
    return {"sep": csv_format["sep"], "encoding": encoding, "lineterminator": line_end}
