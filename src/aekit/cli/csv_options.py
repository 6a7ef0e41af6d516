"""``--sep``, ``--encoding`` and ``--no-header``: how every command that reads DATA reads a CSV
file. They are added in one place to each command that has a DATA (or QUERY) argument, by
extending its signature, rather than written out in twenty commands; the running command's
choice is :data:`current`, which :func:`aekit.cli.data.load_data` passes to the CSV reader.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Annotated

import typer


@dataclass(frozen=True)
class CsvOptions:
    sep: str = ","
    encoding: str = "utf-8"
    header: bool = True

    def kwargs(self) -> dict[str, object]:
        return asdict(self)


current = CsvOptions()  # the running command's, set by the wrapper below

DATA_PARAMETERS = ("data", "query")  # the arguments through which commands read DATA

_OPTIONS = {
    "sep": Annotated[str, typer.Option(help="Column separator of a CSV DATA file.")],
    "encoding": Annotated[
        str, typer.Option(help="Text encoding of a CSV DATA file, e.g. latin-1.")
    ],
    "no_header": Annotated[
        bool,
        typer.Option(
            "--no-header", help="A CSV DATA file has no header row (columns x0, x1, ...)."
        ),
    ],
}
_DEFAULTS = {"sep": ",", "encoding": "utf-8", "no_header": False}


def add_csv_options(app: typer.Typer) -> None:
    """Give every command of ``app`` that reads DATA the CSV options."""
    for info in app.registered_commands:
        callback = info.callback
        if callback is None or getattr(callback, "_csv_options", False):
            continue
        signature = inspect.signature(callback, eval_str=True)
        if not any(name in signature.parameters for name in DATA_PARAMETERS):
            continue
        info.callback = _with_csv_options(callback, signature)


def _with_csv_options(
    callback: Callable[..., object], signature: inspect.Signature
) -> Callable[..., object]:
    @functools.wraps(callback)
    def command(*args: object, sep: str, encoding: str, no_header: bool, **kwargs: object):
        global current
        if len(sep) != 1 and sep != r"\t":
            raise ValueError(f"--sep takes one character, e.g. ';' or '\\t'; got {sep!r}.")
        current = CsvOptions("\t" if sep == r"\t" else sep, encoding, not no_header)
        return callback(*args, **kwargs)

    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=_DEFAULTS[name],
                          annotation=annotation)
        for name, annotation in _OPTIONS.items()
    ]  # fmt: skip
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *extra]
    )
    command.__annotations__ = {**callback.__annotations__, **_OPTIONS}
    command._csv_options = True  # type: ignore[attr-defined]
    return command
