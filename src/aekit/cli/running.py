"""The one error path of the command line: every input or file-system error, a wrong command
line, and every warning reaches the user as one line on stderr, in the command line's words
(:mod:`aekit.cli.errors`). Input errors exit with code 2 (``--debug`` shows the traceback
instead); Ctrl-C exits 130 and SIGTERM 143 (128 + the signal, as a shell reports them), each
saying so in a line. Under torchrun, warnings are said by rank 0 alone (every process fits
alike).
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from collections.abc import Callable

import typer

from aekit.cli.errors import error_message, for_the_command_line, one_line

try:  # typer >= 0.20 carries its own copy of click
    from typer._click.exceptions import ClickException, NoSuchOption, UsageError
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer, on click itself
    from click.exceptions import ClickException, NoSuchOption, UsageError
    from click.globals import get_current_context


# Messages of libraries below aekit that say nothing a command-line user can act on.
_SILENCED = (
    r"X does not have valid feature names",
    r"X has feature names, but",
    r"Could not infer format",  # pandas parsing dates; a bad one is an error of its own
)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # under torchrun every process fits alike: rank 0 speaks (torchrun's RANK, read without
    # importing torch, which a command that warns may never need)
    if os.environ.get("RANK", "0").strip() not in ("0", ""):
        return
    text = for_the_command_line(one_line(str(message)))
    if text not in _shown:  # each warning once per command
        _shown.add(text)
        typer.echo(f"aekit: warning: {text}", err=True)


_shown: set[str] = set()


class Stopped(BaseException):
    """A signal that ends the command, Ctrl-C (SIGINT) or SIGTERM (systemd, Kubernetes,
    ``timeout``): it unwinds past every ``except Exception`` (the staging folder is removed), and
    the command says so in one line and exits 128 + the signal, as a shell reports it. Not a
    KeyboardInterrupt, which typer turns into an exit 130 that says nothing."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


STOPPING_SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


def _stopped(signum, frame) -> None:
    raise Stopped(signum)


def run_cli(app: Callable[[], object]) -> None:
    """Run the typer ``app`` with aekit's error path around it."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    for pattern in _SILENCED:
        warnings.filterwarnings("ignore", message=pattern)
    warnings.showwarning = _show_warning
    for signum in STOPPING_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # ignored (a background job) stays so
            signal.signal(signum, _stopped)
    try:
        # Not standalone: typer would print a wrong command line as a framed box of five lines,
        # and a script reads one (below); --help and --version come back as an exit code.
        code = app(standalone_mode=False)
    except (ValueError, OSError, TypeError) as err:
        if debug:
            raise
        typer.echo(f"aekit: error: {for_the_command_line(error_message(err))}", err=True)
        sys.exit(2)
    except ClickException as err:  # a wrong command line: an unknown option, a missing value
        if err.format_message():  # bare 'aekit': the help was the answer
            typer.echo(f"aekit: error: {usage_message(err)}", err=True)
        sys.exit(err.exit_code)
    except Stopped as stop:
        typer.echo(f"aekit: {STOPPING_SIGNALS[stop.signum]}", err=True)
        sys.exit(128 + stop.signum)
    if isinstance(code, int) and code:
        sys.exit(code)


def usage_error(message: str) -> UsageError:
    """A wrong command line that a command finds itself (an argument it needs only sometimes),
    said as click's own are: in one line, with where the command's help is."""
    return UsageError(message, ctx=get_current_context(silent=True))


def usage_message(err: ClickException) -> str:
    """click's message for a wrong command line, in one line, with where its help is."""
    text = one_line(err.format_message())
    context = getattr(err, "ctx", None) if isinstance(err, UsageError) else None
    if isinstance(err, NoSuchOption) and context is not None:
        text = _option_of_other_commands(err, context) or text
    if context is not None:
        text = f"{text if text.endswith(('.', '?')) else text + '.'} "
        text += f"See '{context.command_path} --help'."
    return text


def _option_of_other_commands(err, context) -> str | None:
    """'No such option: --epochs' on a command that lacks it, with the commands that have it
    (click's guess by spelling suggested --sep for detect's --epochs), or before any command,
    with a command line that puts it after the first command that has it; None if none has
    it ('aekit -V')."""
    root = context.find_root().command
    commands = getattr(root, "commands", {})
    having = [
        name
        for name, command in commands.items()
        if name != context.info_name
        and any(err.option_name in (*p.opts, *p.secondary_opts) for p in command.params)
    ]
    if not having:
        return None
    if context.parent is None:  # 'aekit --epochs 3 train ...': before any command
        command = commands[having[0]]  # in the order of 'aekit --help': train first
        arguments = " ".join(
            p.display_name_raw for p in command.params if p.param_type_name == "argument"
        )
        return (
            f"No such option: {err.option_name} (options go after the command, e.g. "
            f"'aekit {having[0]} {arguments} {err.option_name} ...')".replace("  ", " ")
        )
    having.sort()
    return (
        f"No such option: {err.option_name} (aekit {context.info_name} has none; "
        f"{'it is an option of' if len(having) == 1 else 'the commands that take it'}: "
        f"{', '.join(having)})"
    )
