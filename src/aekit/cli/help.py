"""How ``aekit --help`` and ``aekit COMMAND --help`` read: the command classes every command is
built with (:func:`use_help_classes`).

Typer's own help showed each parameter's Python type as if it were a value (``--force <bool>``,
``--param <list[str]>``, ``RUN <path>``) and put the arguments of the usage line in braces
(``aekit encode [OPTIONS] {RUN} {DATA}``). Here a flag shows no value, a value option its
metavar (the form of its values, ``KEY=VALUE`` for ``--param``: :data:`METAVARS`; else one
word for its type: ``PATH``, ``INT``, ``NUMBER``, ``TEXT``), an argument its name alone, and
the usage line the arguments as they are typed (``aekit encode [OPTIONS] RUN DATA``; an
optional one in brackets).

Typer's rich layout shares the terminal's width among its option columns, and on a narrow
terminal cut the option names themselves (``--ou…``, at 40 columns). The help is drawn by
rich only where its option names and metavars fit whole beside a help column of at least
:data:`MIN_HELP` characters; on a narrower terminal it is plain text, each option on a line of
its own with its help wrapped below it.

A help text may say where an option's default comes from with ``{recorded}`` (see
:func:`recorded_source`): each command then names its own source (RUN, --config, --model,
INDEX), or none, so that no help names an option or argument its command lacks.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from aekit.cli.empty_values import RefusesEmpty

try:  # typer >= 0.20 carries its own copy of click
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer, on click itself
    import click

MIN_HELP = 20  # the narrowest help column the rich layout is drawn with
# The metavars of the options whose values have a form, by name, the same in every command that
# takes them (one declared with the option wins); the others get one word for their type.
METAVARS = {
    "--param": "KEY=VALUE",
    "--image-shape": "C,H,W",
    "--image-size": "H,W",
    "--label-column": "COLUMN",
    "--id-column": "COLUMN",
    "--ignore-column": "COLUMN",
    "--category-column": "COLUMN",
    "--time-column": "COLUMN",
    "--value-columns": "A,B,...",
    "--sep": "CHAR",
    "--decimal": "CHAR",
    "--encoding": "NAME",
    "--na-values": "TEXT",
    "--add-noise": "NOISE:LEVEL",
    "--label": "LABEL",
    "--normal-label": "LABEL",
    "--values": "X,Y,...",
}
RECORDED = "{recorded}"  # in a help text: where the command's recorded default comes from


class _Argument(TyperArgument):
    """An argument shown by its name alone (RUN, DATA), in the usage line as typed."""

    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


class _Option(RefusesEmpty):
    """An option shown with its metavar (a flag with none), never its Python type (and an
    empty value refused: :mod:`aekit.cli.empty_values`)."""

    def display_type_rich(self, ctx: click.Context) -> str | None:
        if self.is_flag or self.count:
            return None
        named = [METAVARS[o] for o in self.opts if o in METAVARS]
        metavar = self.metavar or (named[0] if named else _type_word(self))
        return metavar + ("..." if self.nargs != 1 else "")


def _type_word(option: TyperOption) -> str:
    """One word for the values an option without a declared metavar takes."""
    from typing import get_args, get_origin

    descriptor = option.type_descriptor
    choices = descriptor.choices
    if choices:
        return "|".join(str(getattr(c, "value", c)) for c in choices)
    if descriptor.is_path:
        return "PATH"
    annotation = descriptor.annotation
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    return {int: "INT", float: "NUMBER"}.get(annotation, "TEXT")


def plain(param: click.Parameter) -> click.Parameter:
    """``param`` shown as :class:`_Argument` or :class:`_Option` show theirs."""
    if type(param) is TyperArgument:
        param.__class__ = _Argument
    elif type(param) is TyperOption:
        param.__class__ = _Option
    return param


RECORDED_LABELS = "{recorded_labels}"  # --labels' help: its recorded default, where there is one


def recorded_labels(names: set[str]) -> str:
    """What ``{recorded_labels}`` reads in --labels' help: the labels file a RUN (or a
    --config) recorded, for its own training DATA; nothing in a command that fits afresh
    (detect, whose help named a RUN it does not read)."""
    if "config" in names:
        return " Default, for --config's own DATA: the labels file it recorded."
    if "run" in names:
        return " Default, for a RUN's own training DATA: the labels file it was trained with."
    return ""


def recorded_source(names: set[str]) -> str:
    """What ``{recorded}`` reads in the help of a command with the parameters ``names``: where
    the defaults it does not take from the command line come from, as
    :func:`aekit.cli.table_options.recorded_data` takes them ('' where there is no record: a
    command that fits on DATA afresh)."""
    if "config" in names:
        return "as --config recorded, else "
    if "run" in names:
        return "as RUN recorded, else "
    if "model" in names and "data" in names:  # impute --model RUN
        return "as --model's RUN recorded, else "
    if "index_file" in names:
        return "as INDEX recorded, else "
    return ""


def flowing(text: str) -> str:
    """A docstring's paragraphs as flowing text: typer's rich help keeps the line breaks of
    every paragraph after the first, so at 80 columns they read as alternating long and short
    lines. Paragraphs of indented or listed lines (examples) keep theirs."""
    import inspect

    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(
        paragraph
        if any(
            line[:1].isspace() or line.startswith(("-", "*", "\b"))
            for line in paragraph.splitlines()
        )
        else " ".join(paragraph.split("\n"))
        for paragraph in paragraphs
    )


class _Help:
    """What aekit's commands and its group share: plain parameters, and a help drawn by rich
    where it fits, in plain text where not."""

    rich_markup_mode: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.help:  # type: ignore[has-type]
            self.help = flowing(self.help)  # type: ignore[has-type]
        names = {p.name for p in self.params if p.name}
        source, labels = recorded_source(names), recorded_labels(names)
        for param in self.params:
            text = getattr(param, "help", None)
            if text and (RECORDED in text or RECORDED_LABELS in text):
                param.help = text.replace(RECORDED, source).replace(RECORDED_LABELS, labels)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return [plain(p) for p in super().get_params(ctx)]  # type: ignore[misc]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = terminal_width()
        if self.rich_markup_mode is not None and rich_fits(self, ctx, width):
            super().format_help(ctx, formatter)  # type: ignore[misc]
            return
        formatter.width = max(width - 1, MIN_HELP)
        self.format_usage(ctx, formatter)  # type: ignore[attr-defined]
        self.format_help_text(ctx, formatter)  # type: ignore[attr-defined]
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                (arguments if isinstance(param, TyperArgument) else options).append(record)
        _section(formatter, "Arguments", arguments)
        _section(formatter, "Options", options)
        if isinstance(self, TyperGroup):
            commands = [
                (name, command.short_help or command.help or "")
                for name, command in self.commands.items()
                if not command.hidden
            ]
            _section(formatter, "Commands", commands)
        self.format_epilog(ctx, formatter)  # type: ignore[attr-defined]


def _section(formatter: click.HelpFormatter, title: str, rows: list[tuple[str, str]]) -> None:
    """Each name on a line of its own, its help wrapped below it: no name is ever cut."""
    if rows:
        with formatter.section(title):
            formatter.write_dl(rows, col_max=0)


def terminal_width() -> int:
    """The width typer's rich help is drawn at (the terminal's, or COLUMNS)."""
    from rich.console import Console
    from typer import rich_utils

    return Console(width=rich_utils.MAX_WIDTH).width


def rich_fits(command: click.Command, ctx: click.Context, width: int) -> bool:
    """Whether typer's rich layout, at ``width`` columns, draws every option name and metavar
    of ``command`` whole. Its panels are tables of the columns required, long names, short
    names, negative long and short names, metavar and help; rich narrows the widest column
    first, so the names stay whole while the help column keeps at least the width of the
    widest of them; and the help column is kept as wide as its longest word (which rich would
    cut too) and MIN_HELP, for a help that reads."""
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    panels = [
        [p for p in params if isinstance(p, TyperArgument)],
        [p for p in params if isinstance(p, TyperOption)],
    ]
    room = width - 4  # a panel's border and padding
    for panel in panels:
        if not panel:
            continue
        rows = [_cells(p, ctx) for p in panel]
        if not any(p.required for p in panel):
            rows = [row[1:] for row in rows]
        widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(rows[0]))]
        widths[0] -= 1  # no padding at the table's edge
        words = [w for p in panel for w in (p.get_help_record(ctx) or ("", ""))[1].split()]
        longest = max(map(len, words), default=0)  # a longer word would be cut too
        if room - sum(widths) - 1 < max(*widths, longest + 1, MIN_HELP):
            return False
    if isinstance(command, TyperGroup) and command.commands:  # names drawn whole, help beside
        longest = max(len(name) for name in command.commands)
        return room - longest - 2 >= MIN_HELP
    return True


def _cells(param: click.Parameter, ctx: click.Context) -> list[str]:
    """A parameter's cells before its help, as typer's rich panel fills them."""
    long_names = [o for o in param.opts if "--" in o]
    short_names = [o for o in param.opts if "--" not in o]
    if isinstance(param, TyperArgument):
        short_names = [param.display_name_raw]
    negative_long = [o for o in param.secondary_opts if "--" in o]
    negative_short = [o for o in param.secondary_opts if "--" not in o]
    shown = param.display_type_rich(ctx) or ""  # type: ignore[attr-defined]
    return [
        "*" if param.required else "",
        ",".join(long_names),
        ",".join(short_names),
        ",".join(negative_long),
        ",".join(negative_short),
        shown,
    ]


class HelpCommand(_Help, TyperCommand):
    """Every aekit command."""


class HelpGroup(_Help, TyperGroup):
    """``aekit`` itself."""


def use_help_classes(app: Any) -> None:
    """Build every command of the typer ``app`` with :class:`HelpCommand`."""
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):  # typer's default
            info.cls = HelpCommand
