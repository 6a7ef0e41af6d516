"""``--sep``, ``--decimal``, ``--thousands``, ``--encoding``, ``--no-header`` and ``--na-values``:
how every command that reads DATA reads a CSV file. The running command's choice is
:data:`current` (set by :mod:`aekit.cli.table_options`, which adds the options to every command
with a DATA or QUERY argument and takes those left out from the RUN the command reads), which
:func:`aekit.cli.data.load_data` passes to the CSV reader.
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass
from typing import Annotated, Any

import typer

from aekit.data.separators import WHITESPACE, WHITESPACE_SPELLINGS, pandas_separator


@dataclass(frozen=True)
class CsvOptions:
    # None: the file's kind's (',' for .csv, a tab for .tsv, sniffed for .txt, .dat, .data);
    # separators.WHITESPACE: runs of whitespace (--sep ' ' or --sep whitespace)
    sep: str | None = None
    decimal: str = "."
    # the thousands separator of the numbers ('.' for 1.234,5), None for none
    thousands: str | None = None
    encoding: str = "utf-8"
    header: bool = True
    # text read as missing besides pandas' own markers (empty, NA, N/A, null, NaN, ...), as
    # pandas' na_values adds to them
    na_values: tuple[str, ...] = ()
    # the options typed on the command line, as their flags (the others: recorded, or defaults)
    typed: tuple[str, ...] = ()

    def kwargs(self) -> dict[str, object]:
        """The reader's options (pandas' read_csv's, through aekit.data.table_checks)."""
        return {k: v for k, v in asdict(self).items() if k != "typed"}

    def record(self) -> dict[str, Any]:
        """What config.toml's [data] section keeps of them: those that differ from the
        defaults, named as the options are."""
        record: dict[str, Any] = {}
        if self.sep is not None:
            record["sep"] = self.sep
        if self.decimal != ".":
            record["decimal"] = self.decimal
        if self.thousands is not None:
            record["thousands"] = self.thousands
        if self.encoding != "utf-8":
            record["encoding"] = self.encoding
        if not self.header:
            record["no_header"] = True
        if self.na_values:
            record["na_values"] = list(self.na_values)
        return record

    def flags(self) -> list[str]:
        """The options as typed (command.txt)."""
        words = []
        if self.sep is not None:
            words += ["--sep", _typed_separator(self.sep)]
        if self.decimal != ".":
            words += ["--decimal", self.decimal]
        if self.thousands is not None:
            words += ["--thousands", self.thousands]
        if self.encoding != "utf-8":
            words += ["--encoding", self.encoding]
        words += [] if self.header else ["--no-header"]
        for marker in self.na_values:
            words += ["--na-values", marker]
        return words


current = CsvOptions()  # the running command's


def check_they_apply(spec: str) -> None:
    """The options of a text table (--sep, --decimal, ...) typed for DATA that is none (an
    array, Parquet, images, 'digits'): they did nothing, yet a fitting command recorded them,
    and they refused a later command's CSV ("x.csv looks separated by ','; pass --sep ','")."""
    from pathlib import Path

    from aekit.data.file_kinds import TEXT_TABLES, data_suffix

    path, typed = Path(spec), current.typed
    if not typed or (path.is_file() and data_suffix(path) in TEXT_TABLES):
        return
    given = " and ".join(typed)
    raise ValueError(
        f"{given} appl{'ies' if len(typed) == 1 else 'y'} to a text table (.csv, "
        f".tsv, .txt, .dat, .data); DATA {spec} is not one: leave {given} out."
    )


OPTIONS = {
    "sep": Annotated[
        str | None,
        typer.Option(
            help="Column separator of a text DATA file: one character, '\\t' for a tab, or "
            "whitespace (also ' '): runs of spaces and tabs, leading blanks ignored, as "
            "np.savetxt writes (default: {recorded}',' for .csv, a tab for .tsv, sniffed from "
            "the first lines for .txt, .dat and .data).",
            show_default=False,
        ),
    ],
    "decimal": Annotated[
        str | None,
        typer.Option(
            help="Decimal mark of the numbers in a CSV DATA file, e.g. ',' for 0,5 (default: "
            "{recorded}'.').",
            show_default=False,
        ),
    ],
    "thousands": Annotated[
        str | None,
        typer.Option(
            help="Thousands separator of the numbers in a CSV DATA file, e.g. '.' for 1.234,5 "
            "(with --decimal ',') or ',' for 1,234.5 (default: {recorded}none).",
            show_default=False,
        ),
    ],
    "encoding": Annotated[
        str | None,
        typer.Option(
            help="Text encoding of a CSV DATA file, e.g. latin-1 (default: {recorded}utf-8).",
            show_default=False,
        ),
    ],
    "no_header": Annotated[
        bool | None,
        typer.Option(
            "--no-header/--header",
            help="A CSV DATA file has no header row (columns x0, x1, ...), or has one "
            "(default: {recorded}it has).",
            show_default=False,
        ),
    ],
    "na_values": Annotated[
        list[str] | None,
        typer.Option(
            help="Text that marks a missing value in a CSV DATA file, e.g. '?' or -999: read as "
            "missing, besides pandas' own markers (an empty cell, NA, N/A, null, NaN, ...); one "
            "marker each, repeatable; '' adds none (default: {recorded}none).",
            show_default=False,
        ),
    ],
}
DEFAULTS: dict[str, Any] = {
    "sep": None,
    "decimal": None,
    "thousands": None,
    "encoding": None,
    "no_header": None,
    "na_values": None,
}


def resolve(
    sep: str | None,
    decimal: str | None,
    thousands: str | None,
    encoding: str | None,
    no_header: bool | None,
    na_values: list[str] | None,
    recorded: dict,
) -> CsvOptions:
    """The options of the running command: each typed one, else the one ``recorded`` (a
    config.toml's [data] section), else the default."""
    given = (sep, decimal, thousands, encoding, no_header or None, na_values or None)
    flags = ("--sep", "--decimal", "--thousands", "--encoding", "--no-header", "--na-values")
    typed = tuple(flag for flag, value in zip(flags, given, strict=True) if value is not None)
    if sep is None:
        sep = recorded.get("sep") if isinstance(recorded.get("sep"), str) else None
    if decimal is None:
        decimal = recorded.get("decimal") if isinstance(recorded.get("decimal"), str) else "."
    if thousands is None:
        thousands = recorded.get("thousands") if isinstance(recorded.get("thousands"), str) else ""
    if encoding is None:
        encoding = recorded.get("encoding") if isinstance(recorded.get("encoding"), str) else None
    if no_header is None:
        no_header = recorded.get("no_header") is True
    sep = _separator(sep)
    if len(decimal) != 1:
        raise ValueError(f"--decimal takes one character, e.g. ','; got {decimal!r}.")
    if len(thousands) > 1:  # '' (typed --thousands ''): none, as by default
        raise ValueError(f"--thousands takes one character, e.g. '.'; got {thousands!r}.")
    if thousands == decimal:
        raise ValueError(
            f"--thousands {thousands!r} is also the decimal mark; give the decimal mark too, "
            "e.g. --thousands '.' --decimal ','."
        )
    markers = _markers(na_values, recorded.get("na_values"), sep)
    return CsvOptions(
        sep, decimal, thousands or None, encoding or "utf-8", not no_header, markers, typed
    )


def _separator(typed: str | None) -> str | None:
    """The separator ``--sep`` names: ``\\t`` a tab, ``' '``, ``whitespace`` (or pandas'
    ``\\s+``) runs of whitespace; else one character."""
    if typed is None or typed in WHITESPACE_SPELLINGS:
        return pandas_separator(typed)
    if len(typed) != 1 and typed != r"\t":
        raise ValueError(
            "--sep takes one character, e.g. ';' or '\\t', or whitespace (runs of spaces and "
            f"tabs); got {typed!r}."
        )
    return "\t" if typed == r"\t" else typed


def _typed_separator(sep: str) -> str:
    """``sep`` as --sep is typed (command.txt)."""
    return r"\t" if sep == "\t" else "whitespace" if sep == WHITESPACE else sep


def _markers(typed: list[str] | None, recorded: object, sep: str | None) -> tuple[str, ...]:
    """The --na-values of the running command: the typed ones (an empty one adds none: pandas
    reads an empty cell as missing already, and ``--na-values ''`` undoes a recorded list),
    else the recorded ones. A marker holding the separator can never be a cell of its own
    ('?,NA' in a ','-separated file: a list typed as one marker), so it is refused."""
    if typed is None:
        listed = isinstance(recorded, list) and all(isinstance(v, str) for v in recorded)
        return tuple(recorded) if listed else ()  # type: ignore[arg-type]
    for marker in typed:
        held = "," if sep is None else sep  # None: a .csv's ','
        if _holds(marker, held):
            from aekit.cli.cell_advice import na_values_flags

            each = na_values_flags(_split_marker(marker, held))
            shown = "whitespace" if held == WHITESPACE else repr(held)
            raise ValueError(
                f"--na-values {shlex.quote(marker)} holds the separator {shown}, which no cell "
                f"of the file can; give one marker per option: {each}."
            )
    return tuple(dict.fromkeys(m for m in typed if m))


def _holds(marker: str, sep: str) -> bool:
    return any(c.isspace() for c in marker) if sep == WHITESPACE else sep in marker


def _split_marker(marker: str, sep: str) -> list[str]:
    """The non-empty pieces of ``marker`` between separators ``sep``."""
    return marker.split() if sep == WHITESPACE else [m for m in marker.split(sep) if m]


# a CSV's format refused: the file is read otherwise than the reader was told
_FORMAT_ERRORS = ("looks separated by", "is also the separator", "is also the decimal mark")
# the recorded options that can make a refusal, with their plain values (a separator has none:
# the refusal names the file's, and a .tsv's is a tab)
_PLAIN = {"--sep": None, "--decimal": "'.'", "--thousands": "''", "--encoding": "utf-8"}


def with_recorded_options(message: str) -> str:
    """``message``, a CSV's format refused, with the options RUN recorded that the command
    applied though they were not typed: 'pass --sep ,' of a run that read its CSV with --sep ';'
    --decimal ',' led to "the decimal mark ',' is also the separator", the --decimal never
    typed."""
    if not any(words in message for words in _FORMAT_ERRORS):
        return message
    words = current.flags()
    recorded = [
        (flag, value)
        for flag, value in zip(words, words[1:])  # (each of these flags takes a value)
        if flag in _PLAIN and flag not in current.typed
    ]
    if not recorded:
        return message
    said = " ".join(f"{flag} '{value}'" for flag, value in recorded)
    plain = " ".join(f"{flag} {_PLAIN[flag]}" for flag, _ in recorded if _PLAIN[flag])
    verb = "apply" if len(recorded) > 1 else "applies"
    return (
        f"{message} RUN's training read its CSV with {said}, which {verb} to DATA unless given: "
        f"give this file's own too{f', e.g. {plain}' if plain else ''}."
    )
