"""The one error path of the command line: every input or file-system error, a wrong command
line, and every warning reaches the user as one line on stderr, in the command line's words
(:mod:`aekit.cli.errors`). Input errors exit with code 2 (``--debug`` shows the traceback
instead); Ctrl-C exits 130 and SIGTERM 143 (128 + the signal, as a shell reports them), each
saying so in a line, until the command's status is decided (:mod:`aekit.cli.stopping`); a closed
pipe on stdout exits 141 quietly (:mod:`aekit.cli.streams`). Under torchrun, warnings are said
by rank 0 alone (every process fits alike).
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

import typer

from aekit.cli import said_warnings, stopping, streams
from aekit.cli.errors import error_message, for_the_command_line, one_line
from aekit.cli.foreign_names import not_utf8, refusal

try:  # typer >= 0.20 carries its own copy of click
    from typer._click.exceptions import ClickException, NoSuchOption, UsageError
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer, on click itself
    from click.exceptions import ClickException, NoSuchOption, UsageError
    from click.globals import get_current_context


# The status of a command a KeyboardInterrupt ended (128 + SIGINT), as typer returns it.
INTERRUPTED = 128 + signal.SIGINT

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
    if text not in said_warnings.shown:  # each warning once per command; a RUN records them
        said_warnings.shown[text] = None
        typer.echo(f"aekit: warning: {text}", err=True)


def run_cli(app: Callable[[], object]) -> None:
    """Run the typer ``app`` with aekit's error path around it, and exit with its status."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    for pattern in _SILENCED:
        warnings.filterwarnings("ignore", message=pattern)
    warnings.showwarning = _show_warning
    # matplotlib logs two raw lines where it cannot make its config folder (a read-only HOME)
    # and makes a temporary one, which works: not the one-line warnings of the command line
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    stopping.take_signals()
    code = _exit_status(app, debug)
    stopping.exit_status_is_final(code)
    sys.exit(code)


def run_in_process(app: Callable[..., object], words: list[str]) -> int:
    """Run the typer ``app`` on ``words`` in this process (:func:`aekit.cli.run`): its exit
    status, its errors and warnings said as :func:`run_cli` says them, and nothing of the
    process's changed after it (signal handlers, warning filters, ``sys.excepthook``, which
    typer sets). Figures are drawn for their files alone: in a notebook's kernel they are not
    shown in the cell, nor kept by pyplot. A KeyboardInterrupt (the kernel's interrupt), which
    typer turns into the status 130, is said in a line and raised again, as any Python call
    raises it (a RUN's staging folder is removed on its way out)."""
    from aekit.viz.notebook_figures import drawn_for_files

    debug = "--debug" in words
    words = [word for word in words if word != "--debug"]
    said_warnings.shown.clear()  # an earlier command's are neither said again nor recorded
    hook, matplotlib_log = sys.excepthook, logging.getLogger("matplotlib")
    level = matplotlib_log.level
    with warnings.catch_warnings(), drawn_for_files():
        for pattern in _SILENCED:
            warnings.filterwarnings("ignore", message=pattern)
        warnings.showwarning = _show_warning
        matplotlib_log.setLevel(logging.ERROR)
        try:
            code = _command_status(app, debug, words)
        finally:
            sys.excepthook = hook
            matplotlib_log.setLevel(level)
            said_warnings.shown.clear()
    if code == INTERRUPTED:  # typer's status of a KeyboardInterrupt, which it swallows
        typer.echo(f"aekit: {stopping.STOPPING_SIGNALS[signal.SIGINT]}", err=True)
        raise KeyboardInterrupt
    return code


def _exit_status(app: Callable[[], object], debug: bool) -> int:
    """The command's exit status, its message said; a closed pipe on stdout or stderr ends it
    quietly (:mod:`aekit.cli.streams`), another failure to print is said once it finished."""
    with streams.Watched() as watched:
        try:
            code = _decided(app, debug)
            if code == 0 and watched.stdout_failure is not None:
                typer.echo(f"aekit: error: {_stdout_lost(watched.stdout_failure)}", err=True)
                code = 2
            watched.flush()  # what is buffered fails here, not in Python's flush at exit
        except streams.PipeClosed:
            return streams.CLOSED_PIPE
    return code


def _decided(app: Callable[[], object], debug: bool) -> int:
    """The command's exit status, with the line that says why it failed or stopped."""
    try:
        try:
            return _command_status(app, debug)
        finally:  # decided: a signal from here on must not turn it into a stop
            stopping.command_ended()
    except stopping.Stopped as stop:
        from aekit.cli.running_command import command_name

        runner = sys.modules.get("aekit.serve.runner")  # imported by 'aekit serve' alone
        if command_name() == "serve" and not getattr(runner, "serving", False):  # stopped while
            # its model loads: a service manager's stop is no failure, as once it serves
            # (uvicorn's own exit 0); a forced stop after it served is one
            typer.echo(f"{stop.message()} before it served", err=True)
            return 0
        typer.echo(stop.message(), err=True)
        return 128 + stop.signum


def _command_status(app: Callable[..., object], debug: bool, words: list[str] | None = None) -> int:
    """The exit status of the typer ``app`` run on ``words`` (the process's arguments when
    None), every error said in one line: no signal, stream or exit of the process's own."""
    typed = sys.argv[1:] if words is None else words
    if (foreign := not_utf8(typed)) is not None:  # in the typed command's words
        typer.echo(f"aekit: error: {refusal(foreign, typed)}", err=True)
        return 2
    given = {} if words is None else {"args": words, "prog_name": "aekit"}
    try:
        # Not standalone: typer would print a wrong command line as a framed box of five lines,
        # and a script reads one (below); --help and --version come back as an exit code.
        code = app(standalone_mode=False, **given)
    except Warning as err:  # one that -W error or PYTHONWARNINGS=error raised: one line too
        if debug:
            traceback.print_exc()
        said = for_the_command_line(error_message(err))
        typer.echo(f"aekit: error: a warning, raised as an error (-W error): {said}", err=True)
        return 2
    except (ValueError, OSError, TypeError) as err:
        if debug:  # the traceback first, then the same line and exit status as without it
            traceback.print_exc()
        typer.echo(f"aekit: error: {for_the_command_line(error_message(err))}", err=True)
        return 2
    except (MemoryError, RuntimeError) as err:  # "generate -n 100000000": 40 lines of traceback
        if not _out_of_memory(err):
            raise
        if debug:
            traceback.print_exc()
        said = for_the_command_line(error_message(err))
        if not said.endswith("."):  # the allocator's words; aekit's own say what to do
            said += "; ask for less at once (fewer rows, a smaller -n) or free memory."
        typer.echo(f"aekit: error: out of memory: {said}", err=True)
        return 1
    except ClickException as err:  # a wrong command line: an unknown option, a missing value
        if err.format_message():  # bare 'aekit': the help was the answer
            typer.echo(f"aekit: error: {usage_message(err, words)}", err=True)
        return err.exit_code
    except SystemExit as leaving:  # uvicorn's exit when the server could not start
        if not isinstance(leaving.code, (int, type(None))):
            raise
        return leaving.code or 0
    return code if isinstance(code, int) else 0


def _out_of_memory(err: BaseException) -> bool:
    """numpy's MemoryError, or torch's: ``torch.OutOfMemoryError`` (a RuntimeError, on a GPU)
    or the CPU allocator's RuntimeError ("DefaultCPUAllocator: can't allocate memory")."""
    if isinstance(err, MemoryError) or type(err).__name__ == "OutOfMemoryError":
        return True
    return "can't allocate memory" in str(err) or "out of memory" in str(err).lower()


def _stdout_lost(err: OSError) -> str:
    """A failure to print, said with what the command did: it finished, its files are written."""
    from aekit.cli.outputs import given_outputs

    why = err.strerror or os.strerror(err.errno or 0)
    written = given_outputs()
    done = f"finished and wrote {', '.join(written)}" if written else "itself finished"
    return f"cannot write to standard output: {why} (the command {done}; what it printed is lost)"


def usage_error(message: str) -> UsageError:
    """A wrong command line that a command finds itself (an argument it needs only sometimes),
    said as click's own are: in one line, with where the command's help is."""
    return UsageError(message, ctx=get_current_context(silent=True))


def usage_message(err: ClickException, words: list[str] | None = None) -> str:
    """click's message for a wrong command line, in one line, with where its help is;
    ``words``: the command line (by default the one running, which click parsed)."""
    text = one_line(err.format_message())
    context = getattr(err, "ctx", None) if isinstance(err, UsageError) else None
    words = sys.argv[1:] if words is None else words
    if isinstance(err, NoSuchOption) and context is not None:
        text = _option_of_other_commands(err, context, words) or text
    dashed = [w for w in words if w.startswith("-") and w != "-" and Path(w).is_file()]
    if isinstance(err, UsageError) and dashed:  # '-data.csv' read as options -d -a ...
        text += f" ({dashed[0]} is a file: write ./{dashed[0]} for a name that starts with '-')"
    path = context.command_path if context is not None else None
    if path is None and isinstance(err, UsageError):  # click gives "requires an argument" none
        commands = [w for w in words if not w.startswith("-")]
        path = f"aekit {commands[0]}" if commands else "aekit"
    if path is not None:
        text = f"{text if text.endswith(('.', '?')) else text + '.'} "
        text += f"See '{path} --help'."
    return text


def _option_of_other_commands(err, context, words: list[str]) -> str | None:
    """'No such option: --epochs' on a command that lacks it, with what its --param can do for
    it (:func:`_param_advice`) and the commands that have it (click's guess by spelling
    suggested --sep for detect's --epochs), or before any command, with a command line that
    puts it after the first command that has it; None if none has it ('aekit -V')."""
    root = context.find_root().command
    commands = getattr(root, "commands", {})
    having = [
        name
        for name, command in commands.items()
        if name != context.info_name
        and any(err.option_name in (*p.opts, *p.secondary_opts) for p in command.params)
    ]
    if context.parent is None:  # 'aekit --epochs 3 train ...': before any command
        if not having:
            return None
        command = commands[having[0]]  # in the order of 'aekit --help': train first
        arguments = " ".join(
            p.display_name_raw for p in command.params if p.param_type_name == "argument"
        )
        return (
            f"No such option: {err.option_name} (options go after the command, e.g. "
            f"'aekit {having[0]} {arguments} {err.option_name} ...')".replace("  ", " ")
        )
    advice = _param_advice(err.option_name, context, words)
    if not having and advice is None:
        return None
    said = f"aekit {context.info_name} has none{advice or ''}"
    if having:
        which = "it is an option of" if len(having) == 1 else "the commands that take it"
        said += f"; {which}: {', '.join(sorted(having))}"
    return f"No such option: {err.option_name} ({said})"


def _param_advice(option: str, context, words: list[str]) -> str | None:
    """What follows 'aekit COMMAND has none' for an option named as a parameter of an
    estimator (``--seed`` as random_state), in a command whose --param sets its estimator's:
    ': use --param latent_dim=2' where the estimator the command line fits has it (with the
    value typed after the option); the command's own option for it where it has one ('train
    --max-iter 5': ': use --epochs 5', as --param max_iter is refused there); the other choices
    of --model that have it ('train --model ae --beta 2'); else that the estimator has no such
    parameter (detect's --latent-dim: the commands that take the option fit other models).
    None for an option that names no estimator's parameter, or a command without --param."""
    from aekit.cli import runs
    from aekit.cli.parameter_names import PARAMETERS, SWITCHES

    # names read from a table, not from the classes' get_params: importing them imports torch
    flags = {flag: name for name, flag in runs.OPTION_FLAGS.items()}
    name = flags.get(option, option.lstrip("-").replace("-", "_"))
    classes = runs.PARAM_CLASSES.get(context.info_name, ())
    if not classes or name == "verbose":  # --quiet is every command's
        return None
    if name == "warm_start":  # no command fits a fitted estimator further
        return f": {runs.NO_WARM_START}"
    if not any(name in names for names in PARAMETERS.values()):
        return None
    having = [cls for cls in classes if name in PARAMETERS[cls]]
    if not having:
        return f", and --param sets no {name}: {_none_has(context.info_name, classes)}"
    value = _typed_value(option, words)
    own = runs.OPTION_FLAGS.get(name)
    if own is not None and any(own in p.opts for p in context.command.params):
        return ": use " + own + ("" if value is None else f" {shlex.quote(value)}")
    if name in SWITCHES:  # typed as a flag ('--early-stopping DATA'): true
        value = value.lower() if value and value.lower() in ("true", "false") else "true"
    use = f": use --param {runs.param_pair(name, value or 'VALUE')}"
    if context.info_name not in runs.CLASS_CHOICES:  # one class, or all alike (finetune's)
        return use
    chosen, chosen_said = _chosen_class(context.info_name, words)
    if chosen in having or (chosen is None and having == list(classes)):
        return use
    option, choices, _ = runs.CLASS_CHOICES[context.info_name]
    named = " or ".join(_shortest_choice(choices, cls) for cls in having)
    unlike = "" if chosen is None else f"; {chosen_said} has no {name}"
    return f"{use} with {option} {named}{unlike}"


def _chosen_class(command: str, words: list[str]) -> tuple[str | None, str]:
    """The class the command line ``words`` fits, of those ``command`` chooses among
    (:data:`aekit.cli.runs.CLASS_CHOICES`), and how to say it ('--model ae'): the typed
    choice, else a --config's model (train's), else the default; None where that cannot be told
    (a choice or a --config that names none)."""
    from aekit.cli import runs

    option, choices, default = runs.CLASS_CHOICES[command]
    typed = _typed_value(option, words)
    config = _typed_value("--config", words)
    if typed is not None:
        picked, said = typed, f"{option} {typed}"
    elif config is not None:
        picked = _configured_class(config) or ""
        said = f"--config's {picked}"
    else:
        picked, said = default, f"the default {option} {default}"
    cls = choices.get(picked.lower(), picked)  # a choice's name, or its class's
    return (cls, said) if cls in choices.values() else (None, "")


def _configured_class(path: str) -> str | None:
    """The class a --config file names ([model] class); None if it cannot be read."""
    from pathlib import Path

    from aekit.cli import runs

    try:
        model = runs.read_config(Path(path)).get("model")
    except (OSError, ValueError):  # train says what is wrong with it; here it names no class
        return None
    cls = model.get("class") if isinstance(model, dict) else None
    return cls if isinstance(cls, str) else None


def _none_has(command: str, classes: tuple[str, ...]) -> str:
    """That none of ``classes``, those ``command`` fits, has a parameter."""
    from aekit.cli import runs

    if command in runs.CLASS_CHOICES:
        return f"no {runs.CLASS_CHOICES[command][0]} choice has such a parameter"
    return f"{' or '.join(classes)} has no such parameter"


def _shortest_choice(choices: dict[str, str], cls: str) -> str:
    """The shortest name that chooses ``cls`` ('ae' of autoencoder and ae)."""
    return min((name for name, chosen in choices.items() if chosen == cls), key=len)


def _typed_value(option: str, words: list[str]) -> str | None:
    """The value typed with ``option`` ('--beta=0.5', '--beta 0.5'); None if none is (the next
    word another option, or none)."""
    for i, word in enumerate(words):
        if word.startswith(option + "="):
            return word.partition("=")[2]
        if word == option and i + 1 < len(words):
            value = words[i + 1]
            return None if value.startswith("-") and not value[1:2].isdigit() else value
    return None
