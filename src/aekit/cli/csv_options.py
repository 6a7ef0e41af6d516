"""``--sep``, ``--decimal``, ``--encoding`` and ``--no-header``: how every command that reads
DATA reads a CSV file. The running command's choice is :data:`current` (set by
:mod:`aekit.cli.table_options`, which adds the options to every command with a DATA or QUERY
argument and takes those left out from the RUN the command reads), which
:func:`aekit.cli.data.load_data` passes to the CSV reader.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

import typer


@dataclass(frozen=True)
class CsvOptions:
    sep: str = ","
    decimal: str = "."
    encoding: str = "utf-8"
    header: bool = True

    def kwargs(self) -> dict[str, object]:
        return asdict(self)

    def record(self) -> dict[str, Any]:
        """What config.toml's [data] section keeps of them: those that differ from the
        defaults, named as the options are."""
        record: dict[str, Any] = {}
        if self.sep != ",":
            record["sep"] = self.sep
        if self.decimal != ".":
            record["decimal"] = self.decimal
        if self.encoding != "utf-8":
            record["encoding"] = self.encoding
        if not self.header:
            record["no_header"] = True
        return record

    def flags(self) -> list[str]:
        """The options as typed (command.txt)."""
        words = []
        if self.sep != ",":
            words += ["--sep", r"\t" if self.sep == "\t" else self.sep]
        if self.decimal != ".":
            words += ["--decimal", self.decimal]
        if self.encoding != "utf-8":
            words += ["--encoding", self.encoding]
        return words + ([] if self.header else ["--no-header"])


current = CsvOptions()  # the running command's

OPTIONS = {
    "sep": Annotated[
        str | None,
        typer.Option(
            help="Column separator of a CSV DATA file (default: {recorded}',').",
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
}
DEFAULTS: dict[str, Any] = {"sep": None, "decimal": None, "encoding": None, "no_header": None}


def resolve(
    sep: str | None,
    decimal: str | None,
    encoding: str | None,
    no_header: bool | None,
    recorded: dict,
) -> CsvOptions:
    """The options of the running command: each typed one, else the one ``recorded`` (a
    config.toml's [data] section), else the default."""
    if sep is None:
        sep = recorded.get("sep") if isinstance(recorded.get("sep"), str) else ","
    if decimal is None:
        decimal = recorded.get("decimal") if isinstance(recorded.get("decimal"), str) else "."
    if encoding is None:
        encoding = recorded.get("encoding") if isinstance(recorded.get("encoding"), str) else None
    if no_header is None:
        no_header = recorded.get("no_header") is True
    if len(sep) != 1 and sep != r"\t":
        raise ValueError(f"--sep takes one character, e.g. ';' or '\\t'; got {sep!r}.")
    sep = "\t" if sep == r"\t" else sep
    if len(decimal) != 1:
        raise ValueError(f"--decimal takes one character, e.g. ','; got {decimal!r}.")
    return CsvOptions(sep, decimal, encoding or "utf-8", not no_header)
