"""The column separator of a text table: its spellings, and the one a file's first lines show.

A ``.csv`` is read with ``,`` and a ``.tsv`` with tabs unless told otherwise; a ``.txt``,
``.dat`` or ``.data`` (what ``np.savetxt`` and many archives write: the UCR time-series
archive's columns are runs of spaces after leading blanks, the UCI archive's ``iris.data``
commas) says nothing of its separator, so it is sniffed from
the first lines (:func:`sniff_separator`): a tab, a semicolon, a comma or runs of whitespace.
Runs of whitespace are pandas' ``sep=r"\\s+"`` (leading blanks ignored), spelt also ``' '``
and ``'whitespace'`` (the command line's ``--sep whitespace``).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from collections.abc import Sequence

WHITESPACE = r"\s+"  # pandas' own spelling of runs of spaces and tabs, leading blanks ignored
WHITESPACE_SPELLINGS = (" ", "whitespace", WHITESPACE)
WHITESPACE_WORDS = "runs of whitespace (spaces or tabs)"
# tried in this order; the first on which every line sampled splits alike is taken: a tab
# before the others (a cell may hold a comma or a space, rarely a tab), ';' before ',' (numbers
# written 0,5 are separated by ';'), runs of whitespace last (text cells hold spaces)
CANDIDATES = ("\t", ";", ",", WHITESPACE)
SNIFFED_CHARS = 1 << 16  # the start of the file whose whole lines are sampled
SNIFFED_LINES = 50


def pandas_separator(sep: str | None) -> str | None:
    """``sep`` as pandas takes it: runs of whitespace for any of its spellings (a space read
    as one space would split the padding of aligned columns into empty fields)."""
    return WHITESPACE if sep in WHITESPACE_SPELLINGS else sep


def split(line: str, sep: str) -> list[str]:
    """The fields of one line (quotes respected for a one-character separator)."""
    if sep == WHITESPACE:
        return line.split()
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:  # a NUL byte: the reader's own check names it
        return [line]


def choose_separator(lines: Sequence[str], decimal: str = ".") -> str:
    """The separator the ``lines`` show: the first of :data:`CANDIDATES` on which every line
    splits into the same number (more than one) of fields; else the one on which most lines
    split into their most common number of fields, if more than half do (pandas then names a
    ragged line); else ``,`` (a table of one column). The ``decimal`` mark is no candidate
    (``1,5 2,5`` read with ``decimal=','``); nor is ``,`` where its commas are decimal marks
    in numbers between runs of whitespace (:func:`decimal_commas_between_whitespace`)."""
    lines = [line for line in lines if line.strip()]
    best, best_share = ",", 0.5
    for sep in (c for c in CANDIDATES if c != decimal):
        counts = Counter(len(split(line, sep)) for line in lines)
        if not counts:
            break
        fields, times = counts.most_common(1)[0]
        if sep == "," and decimal_commas_between_whitespace(lines):
            return WHITESPACE  # read so, its numbers are refused naming decimal=','
        if fields > 1 and times == len(lines):
            return sep
        share = times / len(lines) if fields > 1 else 0.0
        if share > best_share:
            best, best_share = sep, share
    return best


# A number written with a decimal comma: '0,126', '-1,5', '+2,0e-3'
_DECIMAL_COMMA_NUMBER = re.compile(r"[-+]?\d+,\d+(?:[eE][-+]?\d+)?")


def decimal_commas_between_whitespace(lines: Sequence[str]) -> bool:
    """Whether ``lines`` are a table of numbers written with a decimal comma whose columns are
    runs of whitespace (``  0,126    -0,132``, a spreadsheet's export in most of Europe): runs
    of whitespace split every line into the same number (more than one) of fields, and every
    field holding a comma is such a number (one comma, between digits). Split on its commas
    instead, each line would be fields such as ``126    -0`` (text), its first row the names."""
    fields = [split(line, WHITESPACE) for line in lines]
    if not fields or len({len(f) for f in fields}) != 1 or len(fields[0]) < 2:
        return False
    with_commas = [field for line in fields for field in line if "," in field]
    return bool(with_commas) and all(map(is_decimal_comma_number, with_commas))


def is_decimal_comma_number(text: str) -> bool:
    """Whether ``text`` is a number written with a decimal comma (``-0,126``)."""
    return _DECIMAL_COMMA_NUMBER.fullmatch(text.strip()) is not None


def first_lines(path: str | os.PathLike[str], encoding: str) -> list[str]:
    """The whole lines among the first :data:`SNIFFED_CHARS` characters of a text file,
    decompressed as pandas infers from its name (``.txt.gz``); empty when it cannot be read
    (the reader's own message says why)."""
    from pandas.io.common import get_handle

    from aekit.data.unreadable_streams import UNREADABLE_STREAM

    try:
        with get_handle(
            path, "r", encoding=encoding, compression="infer", errors="replace"
        ) as handles:
            text = handles.handle.read(SNIFFED_CHARS)
    except (*UNREADABLE_STREAM, ValueError, LookupError):
        return []
    lines = text.splitlines()
    if len(text) == SNIFFED_CHARS and len(lines) > 1:
        lines = lines[:-1]  # cut off
    return lines[:SNIFFED_LINES]


def sniff_separator(
    path: str | os.PathLike[str], encoding: str = "utf-8", decimal: str = "."
) -> str:
    """The separator of a text table, from its first lines (:func:`choose_separator`)."""
    return choose_separator(first_lines(path, encoding), decimal)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def splits_into_numbers(texts: Sequence[str]) -> bool:
    """Whether every one of ``texts`` (the cells of a table read as one column) splits on
    whitespace into several fields, at least half of them numbers: lines of a table separated
    by runs of spaces, not a column of words."""
    fields = [split(text, WHITESPACE) for text in texts]
    if not fields or any(len(f) < 2 for f in fields):
        return False
    flat = [field for line in fields for field in line]
    return sum(map(_is_number, flat)) * 2 >= len(flat)


def python_spelling(sep: str) -> str:
    """``sep`` as ``csv={'sep': ...}`` is written in a message (the command line's advice,
    :mod:`aekit.cli.advice`, rewrites it as ``--sep``)."""
    return "r'\\s+'" if sep == WHITESPACE else repr(sep)


def described(sep: str) -> str:
    """``sep`` in words for a message."""
    return WHITESPACE_WORDS if sep == WHITESPACE else "tabs" if sep == "\t" else repr(sep)


def refuse_json(path: str | os.PathLike[str], encoding: str) -> None:
    """JSON given as a table (an array, an object, JSON Lines) was read as a header of fragments
    with "no data rows": say what it is, when its first line opens or is an array or object."""
    lines = first_lines(path, encoding)
    first = lines[0].strip().lstrip("\ufeff") if lines else ""
    try:
        is_json = first in ("[", "{") or isinstance(json.loads(first), (dict, list))
    except ValueError:
        return
    if is_json:
        raise ValueError(
            f"{path} holds JSON, not a table of separated values; convert it first, e.g. "
            f"pandas.read_json('{path}').to_parquet('table.parquet') (lines=True for JSON "
            "Lines), and give that file."
        )
