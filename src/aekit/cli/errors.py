"""The command line's words for the library's messages: every error and warning a command
says (:mod:`aekit.cli.running`) is one line, its Python advice (``max_iter``, ``time_column=``,
``X.mean``) put as the options and arguments the user typed (``--epochs``, ``--time-column``,
DATA)."""

from __future__ import annotations

import ast
import errno
import re

from aekit.cli.advice import ADVICE, OPTION_ADVICE
from aekit.cli.member_advice import merged_member_params
from aekit.cli.running_command import running_options
from aekit.cli.shell_words import shell_word


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
    return merged_member_params(text)  # the advice of a detector's members, one table


_OPTION_VALUE = re.compile(r"(--[a-z-]+ )\\(\d)")  # '--id-column \2' in a replacement


def _unquoted(match: re.Match, group: int) -> str:
    """The text of ``group``, or, where the message wrote it as Python's repr between quotes
    ('x\\\\y' for x\\y), the name that repr stands for."""
    text = match[group] or ""
    start, end = match.span(group)
    quote = match.string[start - 1 : start]
    if start > 0 and quote in ("'", '"') and match.string[end : end + 1] == quote:
        try:
            return str(ast.literal_eval(quote + text + quote))
        except (ValueError, SyntaxError):
            return text
    return text


def _shell_quoted(replacement):
    """``replacement`` with each group it puts after an option (``--id-column \\2``) quoted
    for the shell, as typed: a column named 'Customer ID' was advised as
    ``--id-column Customer ID``, which the shell splits in two."""
    if not isinstance(replacement, str) or not _OPTION_VALUE.search(replacement):
        return replacement

    def expand(match: re.Match) -> str:
        def quoted(option: re.Match) -> str:
            name = _unquoted(match, int(option[2]))
            word = option[1] + shell_word(name)
            if name.startswith("-"):  # read as an option otherwise: --ignore-column=-x
                word = option[1].rstrip() + "=" + shell_word(name)
            return word.replace("\\", "\\\\")  # read by expand as written

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
