"""Checks that catch a table read wrongly, not only a table that is wrong: a CSV without a
header row (its first row would become the column names and be lost), a pandas index written as
a column, columns without a name, a file in another encoding.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from aekit.data.cut_files import refuse_cut_last_line
from aekit.data.exact_floats import exact_floats
from aekit.data.file_kinds import (
    csv_separator,
    data_suffix,
    refuse_utf8_mark_read_otherwise,
)
from aekit.data.header_checks import check_header, first_row_shown, is_number, name_bases
from aekit.data.number_formats import decimal_comma_columns
from aekit.data.separators import (
    WHITESPACE,
    decimal_commas_between_whitespace,
    described,
    first_lines,
    is_decimal_comma_number,
    python_spelling,
    refuse_json,
    split,
    splits_into_numbers,
)
from aekit.data.thousands_groups import refuse_misplaced_thousands
from aekit.data.unreadable_streams import UNREADABLE_STREAM
from aekit.data.whole_file_checks import WholeFileChecks, unnamed_columns


def parser_error_message(path: Any, err: Exception) -> str:
    """pandas' parser error in words that name the line and the fix: "Error tokenizing data. C
    error: Expected 16 fields in line 1700001, saw 17" said which line, in its own words."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
    if found is None:
        return f"cannot parse {path}: {str(err).strip()}"
    expected, line, saw = found.groups()
    return (
        f"{path}: line {line} has {saw} fields where the lines before it have {expected}; fix "
        "that line (a cell that holds the separator must be quoted)."
    )


def _undecodable(path: Path, encoding: str) -> str:
    """Where the first byte of the file that ``encoding`` cannot decode is, as "line 2, byte
    7 of it": pandas' own position counts from the start of the block it was decoding (a
    latin-1 'é' on line 2 was said to be "at byte 1")."""
    from pandas.io.common import get_handle

    try:
        with get_handle(path, "rb", compression="infer", is_text=False) as handles:
            for number, line in enumerate(handles.handle, 1):
                try:
                    line.decode(encoding)
                except UnicodeDecodeError as err:
                    return f"line {number}, byte {err.start + 1} of it"
    except (*UNREADABLE_STREAM, ValueError, LookupError):
        pass
    return "some byte"


def _refuse_decimal_commas_as_separator(
    path: Path, sep: str, decimal: str, encoding: str, header: bool
) -> None:
    """A ValueError for a file read with ``,`` whose first lines are numbers written with a
    decimal comma between runs of whitespace (``  0,126    -0,132``, named ``.csv``): split at
    its commas it is fields such as ``126    -0``, read as text, and its first row names. The
    fix names ``header: False`` too where that first row is such numbers."""
    if sep != "," or decimal == ",":
        return
    lines = [line for line in first_lines(path, encoding) if line.strip()]
    if not decimal_commas_between_whitespace(lines):
        return
    fields = split(lines[0], WHITESPACE)
    example = next(field for line in lines for field in split(line, WHITESPACE) if "," in field)
    first_is_data = all(is_number(field, ",") for field in fields)
    no_header = ", 'header': False" if header and first_is_data else ""
    raise ValueError(
        f"{path} holds numbers written with a decimal comma ({example}) between runs of "
        "whitespace, not columns separated by ','; read it with "
        f"csv={{'sep': r'\\s+', 'decimal': ','{no_header}}}."
    )


def _refuse_other_separator(
    path: Path, sep: str, encoding: str, header: bool, parsed: pd.DataFrame | None = None
) -> None:
    """A ValueError naming the other separator where every column's name (or first cell,
    without a header) holds it: one column (a tab, runs of spaces between numbers: lines of
    ``np.savetxt`` read whole), or a few where a name or a decimal comma held ``sep``
    ('a;b,c;d' read with ','), their cells holding it too. Without the ``parsed`` table, the
    first row alone is read (the file did not parse, e.g. rows of decimal commas longer than
    its header)."""
    table = parsed
    if table is None:
        try:
            table = pd.read_csv(
                path, sep=sep, encoding=encoding, nrows=1, header=0 if header else None
            )
        except (*UNREADABLE_STREAM, ValueError, LookupError, pd.errors.ParserError):
            return  # the caller's own message says what is wrong
    names = [str(v) for v in (table.columns if header else table.iloc[0])]
    cells = [] if parsed is None else [str(v) for v in parsed.iloc[0]]
    other = _other_separator(sep, names, cells, parsed is None)
    if other is not None:
        raise ValueError(
            f"{path} looks separated by {described(other)}; read it with "
            f"csv={{'sep': {python_spelling(other)}}}."
        )


def _other_separator(sep: str, names: list[str], cells: list[str], unparsed: bool) -> str | None:
    """The separator other than ``sep`` that every name (and, read as one column or one of
    the ``cells`` of the first row, a cell) holds, if any (see :func:`_refuse_other_separator`)."""
    for other in (";", ","):
        if other == "," and sep == WHITESPACE and len(names) > 1:
            if all(map(is_decimal_comma_number, names)):
                continue  # '0,126  -0,132': its commas are decimal marks (said below)
        # a file that parsed: its first row holds the other separator too (names alone may:
        # 'Preis, EUR;Gewicht, kg' read with ';' is right)
        in_cells = unparsed or len(names) == 1 or any(other in cell for cell in cells)
        if sep != other and in_cells and all(other in name for name in names):
            return other
    if len(names) != 1:
        return None  # a tab or a space in every name of several columns: names of words
    if sep != "\t" and "\t" in names[0] and all("\t" in cell for cell in cells):
        return "\t"
    first_row = cells or names
    if sep != WHITESPACE and splits_into_numbers([*names, *first_row]):
        return WHITESPACE
    return None


SNIFFED_BYTES = 1 << 16  # the start of a text file read for NUL bytes


def _refuse_zip_of_several(path: Path) -> None:
    """A zipped table must hold one file, as pandas reads it: pandas' own refusal ("Multiple
    files found in ZIP file") named neither the archive nor what to do, and a zip made by
    macOS's Finder holds its resource files (``__MACOSX/``) beside the table."""
    import zipfile

    if not str(path).lower().endswith(".zip") or not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
    if len(names) <= 1:
        return
    mac = [n for n in names if n.startswith("__MACOSX/")]
    tables = [n for n in names if n not in mac]
    if mac and len(tables) == 1:
        raise ValueError(
            f"{path} holds {tables[0]} and macOS's resource files ({len(mac)} under __MACOSX/), "
            "and a zipped table must be its only file: remove them (zip -d "
            f"{path.name} '__MACOSX/*') or zip the table alone."
        )
    shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
    raise ValueError(
        f"{path} holds {len(names)} files ({shown}); a zipped table must be its only file: "
        "unzip it and give one table, or zip each alone."
    )


def _refuse_nul_bytes(path: Path, encoding: str) -> None:
    """A ValueError for a NUL byte in the first 64 KiB of an uncompressed file whose encoding
    has no NUL in its text (utf-8, latin-1, ...; UTF-16 has): a binary file given as a table.
    pandas read one of 257 MB for ten minutes, its NULs one cell."""
    try:
        one_byte_nul = len("\x00".encode(encoding)) == 1
    except LookupError:
        return  # an unknown encoding: said by the reader below
    if not one_byte_nul or data_suffix(path) != Path(path).suffix.lower():  # compressed
        return
    try:
        with open(path, "rb") as handle:
            start = handle.read(SNIFFED_BYTES)
    except OSError:
        return  # the reader's own message says it
    at = start.find(b"\x00")
    if at >= 0:
        # UTF-16 text: a byte-order mark names it; without one, an ASCII character's NUL
        # follows it (little-endian, odd bytes) or precedes it (big-endian, even bytes)
        bom = start[:2] in (b"\xff\xfe", b"\xfe\xff")
        utf16 = "utf-16" if bom else "utf-16-le" if at % 2 else "utf-16-be"
        raise ValueError(
            f"{path} is not a text table: it holds a NUL byte at byte {at}, as binary files do; "
            "give a CSV file (or .npy, Parquet, an image folder), or, if it is UTF-16 text, "
            f"its encoding, e.g. csv={{'encoding': '{utf16}'}}."
        )


def _whole_column_types(sep: str) -> dict[str, bool]:
    """Each column's type from all its rows: pandas' C parser reads blocks of rows, each typed
    alone (``low_memory``), so a column of ids was numbers in early blocks and text in a later
    one (an id 007 read as 7, 1005 as an int beside 'A-17'), where a large CSV's copy and a
    small file keep every cell as written. Its python engine (separators of several
    characters) reads whole columns already, and refuses the option."""
    return {"low_memory": False} if len(sep) == 1 or sep == WHITESPACE else {}


def _as_text(text_columns: Sequence[str], header: bool) -> dict[str | int, type]:
    """pandas' ``dtype`` reading ``text_columns`` as text: by name, or by position (``x3``) in
    a file without a header."""
    if header:
        return {name: str for name in text_columns}
    return {int(name[1:]): str for name in text_columns if re.fullmatch(r"x\d+", name)}


def read_csv(
    path: Path,
    sep: str | None = None,
    encoding: str = "utf-8",
    header: bool = True,
    decimal: str = ".",
    thousands: str | None = None,
    nrows: int | None = None,
    na_values: str | Sequence[str] | None = None,
    text_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """``pd.read_csv`` with messages that name the file and the fix. ``header=False``: the file
    has no header row, and its columns are named x0, x1, ... ``sep``: the separator, ``' '``
    (or ``r'\\s+'``, ``'whitespace'``) for runs of whitespace; by default ``,`` for a ``.csv``,
    a tab for a ``.tsv``, and for a ``.txt``, ``.dat`` or ``.data`` the one its first lines show
    (:func:`aekit.data.file_kinds.csv_separator`). A file read as one column whose cells hold
    another separator is refused, naming it. A compressed file (``table.csv.gz``) is
    decompressed as pandas infers from its name. ``decimal``: the numbers' decimal mark (','
    in most of Europe); a file whose numbers are written with ',' and read with '.' is
    refused, naming the columns. ``thousands``: the numbers' thousands separator ('.' in
    1.234,5), none by default; a number column with it elsewhere (9.7) is refused.
    The fixes the messages give are written as
    :func:`aekit.data.datasets.load_array` takes these options (``csv={'header': False}``); the
    command line rewrites them as its own (``--no-header``, see :mod:`aekit.cli.errors`).
    ``nrows``: read only the first rows (a large file's, checked before it is streamed).
    ``na_values``: text read as missing besides pandas' own markers (empty, NA, null, ...), as
    pandas' ``na_values`` takes it, e.g. ``['?', '-999']``. ``text_columns``: columns read as
    text, every cell as the file writes it (an id column: '007' stays '007', not 7); named
    x0, x1, ... without a header."""
    _refuse_nul_bytes(path, encoding)
    refuse_utf8_mark_read_otherwise(path, encoding)
    _refuse_zip_of_several(Path(path))
    sep = csv_separator(path, sep, encoding, decimal)
    if decimal == sep:
        raise ValueError(
            f"{path}: the decimal mark {decimal!r} is also the separator; give the file's "
            "separator too, e.g. csv={'sep': ';', 'decimal': ','}."
        )
    if thousands is not None and thousands == decimal:  # (the separator may be: "1,234.5")
        raise ValueError(
            f"{path}: the thousands separator {thousands!r} is also the decimal mark; give the "
            "decimal mark too, e.g. csv={'sep': ';', 'decimal': ',', 'thousands': '.'} for 1.234,5."
        )
    try:
        with warnings.catch_warnings():
            # Rows with one more field than the header has names made pandas take the first
            # field as the index: the file was read shifted by a column, without a word.
            # index_col=False keeps every field a column, and warns of such rows.
            warnings.filterwarnings(
                "error", message="Length of header", category=pd.errors.ParserWarning
            )
            table = pd.read_csv(
                path,
                sep=sep,
                encoding=encoding,
                header=0 if header else None,
                decimal=decimal,
                thousands=thousands,
                index_col=False,
                nrows=nrows,
                na_values=na_values or None,
                dtype=_as_text(text_columns, header) or None,  # {}: 1 s more on 20,000 columns
                **_whole_column_types(sep),
                **exact_floats(sep),
            )
    except pd.errors.ParserWarning:
        refuse_json(path, encoding)
        _refuse_decimal_commas_as_separator(path, sep, decimal, encoding, header)
        _refuse_other_separator(path, sep, encoding, header)
        _refuse_comment_line(path, encoding)
        raise ValueError(
            f"{path}: its rows have more fields than its header row has names (pandas would "
            "take the first field of each row as its index); name every column in the header "
            "row."
        ) from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"file {path} is empty.") from None
    except pd.errors.ParserError as err:
        refuse_json(path, encoding)
        _refuse_decimal_commas_as_separator(path, sep, decimal, encoding, header)
        _refuse_other_separator(path, sep, encoding, header)
        raise ValueError(parser_error_message(path, err)) from None
    except UNREADABLE_STREAM as err:  # a cut-off or damaged compressed file
        if data_suffix(path) == Path(path).suffix.lower():
            raise
        raise ValueError(f"{path} is not a readable {Path(path).suffix} file: {err}") from None
    except UnicodeError as err:  # bytes of another encoding, or a UTF-16 file with no BOM
        if not isinstance(err, UnicodeDecodeError):  # the encoding given was not the file's
            raise ValueError(
                f"{path} is not {encoding} text ({err}); give its own encoding, e.g. "
                "csv={'encoding': 'utf-8'} (the default)."
            ) from None
        raise ValueError(
            f"{path} is not {encoding} text ({err.reason} at {_undecodable(path, encoding)}); "
            "give its encoding, e.g. csv={'encoding': 'latin-1'}, or save it as UTF-8."
        ) from None
    except LookupError:
        raise ValueError(f"unknown text encoding {encoding!r}, e.g. utf-8 or latin-1.") from None
    if len(table) == 0:
        refuse_json(path, encoding)
        raise ValueError(f"{path} has a header row but no data rows.")
    refuse_cut_last_line(path, sep, encoding)
    if not all(map(pd.api.types.is_numeric_dtype, table.dtypes)):  # text: '126 -0'?
        refuse_json(path, encoding)
        _refuse_decimal_commas_as_separator(path, sep, decimal, encoding, header)
    _refuse_other_separator(path, sep, encoding, header, table)
    if not header:  # named before the checks below name them
        table.columns = [f"x{i}" for i in range(table.shape[1])]
    refuse_misplaced_thousands(path, table, sep, encoding, header, decimal, thousands)
    if decimal != "," and sep != ",":  # in a ','-separated file "1,234" is more likely thousands
        commas = decimal_comma_columns(table, text_columns)
        names = [str(c) for c in table.columns]
        if commas and header and all(map(is_decimal_comma_number, name_bases(names, ","))):
            # ' 0,126  -0,132' under no header: its first row is such numbers too
            raise ValueError(
                f"{path}: its rows hold numbers written with a decimal comma (e.g. 0,5), its "
                f"first row ({first_row_shown(names)}) too: read so, they would be text and the "
                "first row column names; read it with csv={'decimal': ',', 'header': False}."
            )
        if commas:
            shown = ", ".join(repr(c) for c in commas[:4]) + (", ..." if len(commas) > 4 else "")
            raise ValueError(
                f"{path}: {len(commas)} column(s) ({shown}) hold numbers written with a decimal "
                "comma (e.g. 0,5), which would be read as text; read it with "
                "csv={'decimal': ','}."
            )
    if not header:
        return table
    table = check_header(path, table, decimal)  # first: a first row of data may repeat a value
    _refuse_repeated_names(path, table, sep, encoding)
    if nrows is not None:  # a large file's first rows: csv_to_parquet checks every chunk
        return table
    # the checks of every row, as csv_to_parquet makes them a chunk at a time
    checks = WholeFileChecks(path, unnamed_columns(table.columns), numbers=[])
    checks.add(table, start=0)
    empty = checks.finish()  # dropping none took pandas 0.5 s on 20,000 columns
    return table.drop(columns=empty) if empty else table


def _refuse_comment_line(path: Path, encoding: str) -> None:
    """A first line of ``#`` (a tool's note above the header) was read as the header, and its
    one field blamed for the rows' "more fields": name the line and the fix."""
    lines = first_lines(path, encoding)
    first = lines[0].strip() if lines else ""
    if first.startswith("#"):
        shown = first if len(first) <= 60 else first[:57] + "..."
        raise ValueError(
            f"{path}: its first line, {shown!r}, is a comment, read as the header row; delete "
            "the comment lines above the header (e.g. grep -v '^#' in.csv > out.csv)."
        )


def _refuse_repeated_names(path: Path, table: pd.DataFrame, sep: str, encoding: str) -> None:
    """A ValueError naming the columns a header names twice: pandas reads the second 'age' as
    'age.1', and a model was trained on it so, without a word. The header row itself is read
    again (one row) only when a name looks so: a column may be called 'age.1' beside 'age'."""
    names = {str(c) for c in table.columns}  # a set: a list took 45 s for 20,000 columns
    if not any(n.rpartition(".")[0] in names and n.rpartition(".")[2].isdigit() for n in names):
        return
    raw = pd.read_csv(path, sep=sep, encoding=encoding, header=None, nrows=1, dtype=str)
    raw = [str(v) for v in raw.iloc[0]]
    counts = Counter(raw)  # raw.count a name was quadratic in the columns
    repeated = [n for n in counts if counts[n] > 1]  # in the header's order
    if repeated:
        raise ValueError(
            f"{path} names the columns {repeated} more than once in its header; give each "
            "column its own name."
        )
