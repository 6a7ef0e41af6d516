"""Why a command-line word that is no UTF-8 (a file name in another encoding, ``bad\\xff.csv``)
is refused, in the words of the command typed: a command that writes a RUN records its files'
names there; the others name their files in the lines they print, also UTF-8 text. Every
command said train's reason (a RUN's config.toml), also ``aekit score``, which writes none."""

from __future__ import annotations

import os

from aekit.cli.outputs import FOLDER_COMMANDS


def not_utf8(words: list[str]) -> str | None:
    """The first word whose bytes are no UTF-8, shown as its bytes: a RUN named so was written,
    exit 0, and no command could read it. (Under a legacy locale Python holds a UTF-8 name's
    bytes as surrogates too: those bytes are UTF-8, and taken.)"""
    for word in words:
        raw = os.fsencode(word)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return repr(raw)
    return None


def refusal(foreign: str, words: list[str]) -> str:
    """The line refusing the word ``foreign`` (:func:`not_utf8`) among the command line's
    ``words``, with the reason of the command they name (its first word not an option)."""
    command = next((w for w in words if not w.startswith("-")), None)
    if command in FOLDER_COMMANDS:
        why = (
            f"'aekit {command}' records the names of its files in the RUN it writes "
            "(config.toml, command.txt: UTF-8 text), where later commands could not read it back"
        )
    elif command is not None and not_utf8([command]) is None:
        why = (
            f"'aekit {command}' names the files it reads and writes in the lines it prints "
            "(UTF-8 text), which could not show this name as it is"
        )
    else:
        why = "aekit names files in UTF-8 text (its messages, a RUN's config.toml)"
    return f"{foreign} is not UTF-8 text (a file name in another encoding); {why}: rename it."
