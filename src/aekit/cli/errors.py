"""The command line's words for the library's messages: every error and warning a command
says (:mod:`aekit.cli.running`) is one line, its Python advice (``max_iter``, ``time_column=``,
``X.mean``) put as the options and arguments the user typed (``--epochs``, ``--time-column``,
DATA)."""

from __future__ import annotations

import errno
import re
import shlex

from aekit.cli.advice import ADVICE, OPTION_ADVICE
from aekit.cli.running_command import running_options


def for_the_command_line(text: str, options: set[str] | None = None) -> str:
    """``text`` with Python advice said as the command line's; ``options``: the parameters of
    the running command (by default those of :data:`aekit.cli.outputs.current_call`), so that a
    message names an option only where the command has it."""
    if options is None:
        options = running_options()
    for pattern, option, with_it, elsewhere in OPTION_ADVICE:
        advice = with_it if option in options else elsewhere
        if advice is not None:
            text = re.sub(pattern, _shell_quoted(advice), text)
    for pattern, replacement in ADVICE:
        text = re.sub(pattern, _shell_quoted(replacement), text)
    return text


_OPTION_VALUE = re.compile(r"(--[a-z-]+ )\\(\d)")  # '--id-column \2' in a replacement


def shell_word(text: str) -> str:
    """``text`` as one word of a shell command: as it is, 'in single quotes', or, holding a
    single quote alone, "in double quotes" ("Date d'achat", where shlex gives
    'Date d'"'"'achat')."""
    quoted = shlex.quote(text)
    if "'" in text and quoted != text and not re.search(r'[$`"\\!]', text):
        return f'"{text}"'
    return quoted


def _shell_quoted(replacement):
    """``replacement`` with each group it puts after an option (``--id-column \\2``) quoted
    for the shell, as typed: a column named 'Customer ID' was advised as
    ``--id-column Customer ID``, which the shell splits in two."""
    if not isinstance(replacement, str) or not _OPTION_VALUE.search(replacement):
        return replacement

    def expand(match: re.Match) -> str:
        def quoted(option: re.Match) -> str:
            value = shell_word(match[int(option[2])] or "")
            return option[1] + value.replace("\\", "\\\\")  # read by expand as written

        return match.expand(_OPTION_VALUE.sub(quoted, replacement))

    return expand


# The longest message printed whole: a message quoting a cell of a damaged file can be the
# whole file (a CSV of NUL bytes read as one cell: a gigabyte on one line).
MAX_MESSAGE = 2000


def one_line(text: str) -> str:
    """``text`` with its lines joined and runs of blanks collapsed, and cut to its first
    ``MAX_MESSAGE`` characters (said so) when longer."""
    text = str(text)
    if len(text) > 4 * MAX_MESSAGE:  # before the regular expression reads all of it
        text = text[: 2 * MAX_MESSAGE]
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + " ... (message cut)"
    return text


def error_message(err: BaseException) -> str:
    """What the user reads for ``err``: an ``OSError`` as 'what: file', others as their text."""
    if isinstance(err, OSError) and err.strerror and err.filename is not None:
        if err.filename2:  # a move: both names, as they are
            target = f"{err.filename} -> {err.filename2}"
        else:  # a RUN is written in its hidden staging folder: name the RUN given (--out)
            target = re.sub(r"(^|/)\.([^/]+)\.aekit-staging(?=/|$)", r"\1\2", str(err.filename))
        fix = "; free some space, or write to another disk" if err.errno == errno.ENOSPC else ""
        return one_line(f"{err.strerror}: {target}{fix}")
    return one_line(str(err)) or type(err).__name__
