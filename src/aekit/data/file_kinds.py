"""What a data file's name says it holds. A text table is a ``.csv`` (separated by commas), a
``.tsv`` (by tabs), or a ``.txt``, ``.dat`` or ``.data`` (whose separator is sniffed from its
first lines: :mod:`aekit.data.separators`; the UCI archive's ``iris.data`` is commas). It may
be compressed as pandas reads it (``table.csv.gz``, ``.bz2``, ``.xz``, ``.zip``, ``.zst``): its
suffix is then the table's, ``.csv``, so it is read as a table and never taken, for its gzip
magic number, for an MNIST IDX file (``train-images-idx3-ubyte.gz`` has no table suffix before
its ``.gz``)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from aekit.data.unreadable_streams import UNREADABLE_STREAM

# the compressions pandas.read_csv infers from a file name (compression="infer")
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zip", ".zst")
TEXT_TABLES = (".csv", ".tsv", ".txt", ".dat", ".data")  # a .tsv is a CSV separated by tabs
# no separator in the name: sniffed from the first lines (.data: the UCI archive's, iris.data)
SNIFFED_TABLES = (".txt", ".dat", ".data")
TABLE_SUFFIXES = (*TEXT_TABLES, ".parquet")
ARRAY_SUFFIXES = (".npy", ".npz")


def data_suffix(path: str | os.PathLike[str]) -> str:
    """The lower-case suffix that says what ``path`` holds: ``.csv`` for ``a.csv`` and for
    ``a.csv.gz`` (any of :data:`COMPRESSIONS` after a text table's suffix), else the last
    suffix (``.gz`` for an IDX file ``...-idx3-ubyte.gz``)."""
    suffixes = [s.lower() for s in Path(path).suffixes[-2:]]
    if len(suffixes) == 2 and suffixes[1] in COMPRESSIONS and suffixes[0] in TEXT_TABLES:
        return suffixes[0]
    return Path(path).suffix.lower()


def csv_separator(
    path: str | os.PathLike[str], sep: str | None, encoding: str = "utf-8", decimal: str = "."
) -> str:
    """The separator to read a text table with, as pandas takes it: ``sep`` when given (runs
    of whitespace for any of its spellings, :func:`aekit.data.separators.pandas_separator`),
    except that a ``.tsv`` is read with tabs unless another one than ``,`` was asked for; else
    the file's kind's: ``,`` for a ``.csv``, a tab for a ``.tsv``, and for a ``.txt``,
    ``.dat`` or ``.data`` the one its first lines show, other than the ``decimal`` mark
    (:func:`aekit.data.separators.sniff_separator`)."""
    from aekit.data.separators import pandas_separator, sniff_separator

    suffix = data_suffix(path)
    if suffix == ".tsv" and sep in (None, ","):
        return "\t"
    if sep is not None:
        return pandas_separator(sep)
    return sniff_separator(path, encoding, decimal) if suffix in SNIFFED_TABLES else ","


def text_bytes(path: Path, cap: int) -> int:
    """The bytes of text a text table holds, counted up to just over ``cap``: its size, or a
    compressed one's text read through (what reading it into memory costs: 142 MiB of gzip
    held 288 MiB of text, and was read whole as if 142). A ``.zst`` counts its size (its
    decompressor is an optional package). Counted once per state of the file: a command asks
    for each DATA more than once."""
    stat = path.stat()  # size and time of change: the file's state, part of the cache's key
    return _text_bytes(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, cap)


@functools.lru_cache(maxsize=32)
def _text_bytes(name: str, size: int, modified: int, cap: int) -> int:
    import bz2
    import gzip
    import lzma
    import zipfile

    path = Path(name)
    openers = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
    suffix = path.suffix.lower()
    if data_suffix(path) == suffix or suffix not in (*openers, ".zip"):
        return size
    try:
        if suffix == ".zip":  # pandas reads its one member
            with zipfile.ZipFile(path) as archive:
                return sum(member.file_size for member in archive.infolist())
        total = 0
        with openers[suffix](path, "rb") as text:
            while total <= cap and (block := text.read(1 << 22)):
                total += len(block)
        return total
    except (*UNREADABLE_STREAM, zipfile.BadZipFile):
        return size  # a damaged file: its reader says so, naming it


# a text table named otherwise (results.out) is read once named as one
RENAMED_TEXT_TABLE = (
    " A text table of another suffix reads once renamed: .csv (commas) or .txt (its separator "
    "sniffed from its first lines)."
)

# formats a reader of another library opens: converted, they read as tables
_CONVERTED_BY = {
    ".json": "pandas.read_json('{path}')",
    ".jsonl": "pandas.read_json('{path}', lines=True)",
    ".ndjson": "pandas.read_json('{path}', lines=True)",
    ".xlsx": "pandas.read_excel('{path}')",
    ".xls": "pandas.read_excel('{path}')",
    ".feather": "pandas.read_feather('{path}')",
    ".h5": "pandas.read_hdf('{path}')",
    ".hdf5": "pandas.read_hdf('{path}')",
}


def conversion_advice(path: str | os.PathLike[str], otherwise: str = RENAMED_TEXT_TABLE) -> str:
    """For a file of a format aekit does not read but pandas does (JSON, Excel, ...), the
    sentence that converts it to Parquet, which it reads; else ``otherwise`` (by default, how
    a text table of another suffix is read)."""
    reader = _CONVERTED_BY.get(Path(path).suffix.lower())
    if reader is None:
        return otherwise
    return f" Convert it first: {reader.format(path=path)}.to_parquet('table.parquet')."


UTF8_BOM = b"\xef\xbb\xbf"


def refuse_utf8_mark_read_otherwise(path: str | os.PathLike[str], encoding: str) -> None:
    """A ValueError for an uncompressed text file that starts with UTF-8's byte-order mark but
    is read in another encoding: its first column's name came out as 'ï»¿Customer ID' in cp1252,
    and a run recorded with --encoding cp1252 said only that DATA lacked 'Customer ID'."""
    name = encoding.lower().replace("_", "-")
    if name in ("utf-8", "utf8", "utf-8-sig") or data_suffix(path) != Path(path).suffix.lower():
        return
    try:
        with open(path, "rb") as handle:
            start = handle.read(3)
    except OSError:
        return  # the reader's own message says it
    if start == UTF8_BOM:
        raise ValueError(
            f"{path} starts with UTF-8's byte-order mark but is read as {encoding}: it is UTF-8 "
            "text; read it with csv={'encoding': 'utf-8'}."
        )


# What to do with an aekit file of each kind given where data is read
_AEKIT_FILES = {
    "aekit-model": "an aekit model: give it where a command takes RUN",
    "aekit-index": "an aekit index: 'aekit search INDEX QUERY' reads it",
    "aekit-checkpoint": "a training checkpoint: 'aekit train ... --checkpoint FOLDER --resume' "
    "goes on with it",
}


def aekit_file_advice(path: str | os.PathLike[str]) -> str:
    """For a file aekit wrote that is no data (a model, an index, compressed rows), the
    sentence that says what it is and where it goes; else ""."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) == b"AEKC":  # aekit.compression.container.MAGIC
                return (
                    f" {path} holds compressed rows: 'aekit decompress COMPRESSOR {path} -o "
                    "rows.csv' gives them back."
                )
    except OSError:
        return ""
    from aekit.io.files import stored_format

    kind = _AEKIT_FILES.get(str(stored_format(path)))
    return f" {path} is {kind}." if kind else ""
