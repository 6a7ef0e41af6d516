"""What the command-line tests share: run ``aekit`` in-process and read its outcome."""

from __future__ import annotations

from typer.testing import CliRunner

from aekit.cli import app
from aekit.cli.errors import error_message

runner = CliRunner()


def invoke(*args):
    """``aekit ARGS`` in-process (paths and numbers given as they are)."""
    return runner.invoke(app, [str(a) for a in args])


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def refused(result, *words: str) -> str:
    """The command failed with an input error (exit 2 from ``aekit``) whose message has
    ``words``; the message as the user reads it."""
    assert isinstance(result.exception, (ValueError, OSError)), result.output
    message = error_message(result.exception)
    for word in words:
        assert word in message, message
    return message
