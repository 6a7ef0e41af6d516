"""The options that say how a command reads a DATA table: its CSV format (``--sep``,
``--decimal``, ``--thousands``, ``--encoding``, ``--no-header``, ``--na-values``:
:mod:`aekit.cli.csv_options`) and which of its columns are not features (``--id-column``,
``--ignore-column``: :mod:`aekit.cli.columns`; and ``--category-column``,
:mod:`aekit.cli.category_columns`).

They are added in one place to each command that has a DATA (or QUERY) argument, by extending
its signature, rather than written out in twenty commands. A command that reads DATA for a RUN
(its RUN argument, ``impute --model RUN``, ``train --config FILE``) takes each option not typed
from the [data] section of that RUN's config.toml, where the command that made the RUN recorded
it (:func:`record`), so DATA is read as it was in training; a typed option wins.
"""

from __future__ import annotations

import functools
import inspect
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from aekit.cli import category_columns, columns, csv_options, run_identity

DATA_PARAMETERS = ("data", "query")  # the arguments through which commands read DATA

_OPTIONS = {**csv_options.OPTIONS, **columns.OPTIONS, **category_columns.OPTIONS}
_DEFAULTS = {**csv_options.DEFAULTS, **columns.DEFAULTS, **category_columns.DEFAULTS}
OPTION_NAMES = set(_OPTIONS)


def add_table_options(app: typer.Typer) -> None:
    """Give every command of ``app`` that reads DATA the table options."""
    for info in app.registered_commands:
        callback = info.callback
        if callback is None or getattr(callback, "_table_options", False):
            continue
        signature = inspect.signature(callback, eval_str=True)
        if not any(name in signature.parameters for name in DATA_PARAMETERS):
            continue
        name = info.name or callback.__name__.replace("_", "-")
        info.callback = _with_table_options(callback, signature, name)


def recorded_data(arguments: dict[str, object]) -> tuple[dict[str, Any], str | None]:
    """The [data] section the command's settings come from, and its name for messages: a RUN
    folder's config.toml (the RUN argument, or impute's ``--model``), ``--config``'s file, or
    an index's read options (``aekit search INDEX``); ({}, None) for none (a bare model file, a
    new run)."""
    config = arguments.get("config")
    run = arguments.get("run", arguments.get("model"))
    index = arguments.get("index_file")  # 'aekit search INDEX': how 'aekit index' read DATA
    if isinstance(config, Path):
        config = config_file(config)
        document, source = read_toml(config, f"--config {config}"), f"--config {config}"
    elif isinstance(run, Path) and run.is_dir():
        document, source = run_config(run), f"{run} (its config.toml)"
    elif isinstance(index, Path) and index.is_file():
        from aekit.hashing.index import INDEX
        from aekit.io.files import read_header

        # its id column, where QUERY has one, names the query rows; QUERY may have none (the
        # header alone: 'aekit search' loads the index itself)
        read = read_header(index, INDEX).get("read_options")
        options = {**(read if isinstance(read, dict) else {}), "id_optional": True}
        return options, f"{index} (its read options)"
    else:
        return {}, None
    section = data_section(document)
    return (section, source) if section else ({}, None)


def config_file(path: Path) -> Path:
    """A --config: the file given, or a RUN folder's config.toml."""
    return path / "config.toml" if path.is_dir() else path


def read_toml(path: Path, name: str) -> dict[str, Any]:
    """The TOML document at ``path``; ``ValueError`` 'cannot read NAME: why' for a file that
    is missing, unreadable, not UTF-8 or not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:  # Python's "[Errno 2] No such file or directory: 'x'" said plainly
        raise ValueError(f"cannot read {name}: no such file.") from None
    except (OSError, ValueError) as err:  # TOMLDecodeError and UnicodeDecodeError among them
        suffix = path.suffix.lower()
        if suffix == ".safetensors":  # Python's "'utf-8' codec can't decode byte 0x8f ..."
            raise ValueError(
                f"cannot read {name}: it is a model file, not a config.toml; give the RUN folder "
                "it is in, or its config.toml (a model file records no DATA)."
            ) from None
        kind = f" (a {suffix} file, not a config.toml)" if suffix not in ("", ".toml") else ""
        raise ValueError(f"cannot read {name}{kind}: {err}") from None


def run_config(run: Path) -> dict[str, Any]:
    """RUN/config.toml, what the command that made RUN recorded ({} where there is none: a
    bare model file, a RUN of an older aekit). A damaged one is an error naming it: ignored,
    the label column it records was read as a feature, and the error that followed blamed
    DATA."""
    path = run / "config.toml"
    if not path.is_file():
        if (run / "command.txt").is_file():  # every command that makes a RUN writes both
            raise ValueError(
                f"{run} is incomplete: its config.toml, which records how the run read its "
                "data, is missing; train the run again."
            )
        return {}
    try:
        document = read_toml(path, str(path))
    except ValueError as err:
        raise ValueError(
            f"{err}. It records how the run read its data: repair it, or train the run again."
        ) from None
    run_identity.same_run(run)  # read from the folder the model is loaded from
    return document


def data_section(document: dict[str, Any]) -> dict[str, Any]:
    """The [data] section of a config.toml's document: how the command that wrote it read
    DATA ({} when it has none)."""
    section = document.get("data", {})
    return section if isinstance(section, dict) else {}


def record() -> dict[str, Any]:
    """The running command's table options as config.toml's [data] section keeps them."""
    return {
        **csv_options.current.record(),
        **columns.current.record(),
        **category_columns.current.record(),
    }


def flags() -> list[str]:
    """The running command's table options as typed (command.txt)."""
    return [
        *csv_options.current.flags(),
        *columns.current.flags(),
        *category_columns.current.flags(),
    ]


def _with_table_options(
    callback: Callable[..., object], signature: inspect.Signature, name: str
) -> Callable[..., object]:
    @functools.wraps(callback)
    def command(
        *args: object,
        sep: str | None,
        decimal: str | None,
        thousands: str | None,
        encoding: str | None,
        no_header: bool | None,
        na_values: list[str] | None,
        id_column: str | None,
        ignore_column: list[str] | None,
        category_column: list[str] | None,
        **kwargs: object,
    ):
        recorded, source = recorded_data(kwargs)
        try:
            csv_options.current = csv_options.resolve(
                sep, decimal, thousands, encoding, no_header, na_values, recorded
            )
            columns.current = columns.resolve(id_column, ignore_column, recorded, source)
            not_features = (columns.current.id_column, *columns.current.ignore_columns)
            run = kwargs.get("run", kwargs.get("model"))  # its encoder read where typed alone
            encoded = category_columns.run_categories(run) if category_column else frozenset()
            category_columns.current = category_columns.resolve(
                category_column, recorded, source, not_features, name, encoded
            )
            return callback(*args, **kwargs)
        except ValueError as err:  # a CSV read with the run's options, untyped, or a column
            # the model reads taken out by an option: said
            said = csv_options.with_recorded_options(str(err))
            said = columns.with_features_taken_out(said, kwargs.get("label_column"))
            if said == str(err):
                raise
            raise ValueError(said) from None
        finally:  # the next command in this process (or a direct load_data) starts afresh
            csv_options.current = csv_options.CsvOptions()
            columns.current = columns.ColumnOptions()
            category_columns.current = category_columns.CategoryOptions()
            columns.forget_ids()

    options = dict(_OPTIONS)
    if name in category_columns.NUMBERS_ALONE:  # refused there: not advertised by --help
        options |= category_columns.HIDDEN
    extra = [
        inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY, default=_DEFAULTS[option],
                          annotation=annotation)
        for option, annotation in options.items()
    ]  # fmt: skip
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *extra]
    )
    command.__annotations__ = {**callback.__annotations__, **options}
    command._table_options = True  # type: ignore[attr-defined]
    return command
