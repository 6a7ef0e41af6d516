"""``--quiet`` on every command. The commands that train or run in phases draw a progress bar
(on stderr) and take ``--quiet`` to leave it out; the others draw none, and take ``--quiet`` too,
doing nothing with it, so that a script can pass the one flag to whichever command it runs
rather than learn which commands have it ("No such option" otherwise).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated

import typer

NoBar = Annotated[
    bool,
    typer.Option(help="Accepted for scripts; this command draws no progress bar."),
]


def _accepting_quiet(callback: Callable[..., object]) -> Callable[..., object]:
    signature = inspect.signature(callback, eval_str=True)

    @functools.wraps(callback)
    def command(*args: object, quiet: bool = False, **kwargs: object) -> object:
        return callback(*args, **kwargs)

    extra = inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False,
                              annotation=NoBar)  # fmt: skip
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), extra]
    )
    command.__annotations__ = {**callback.__annotations__, "quiet": NoBar}
    return command


def add_quiet(app: typer.Typer) -> None:
    """Give ``--quiet`` to every command of ``app`` that lacks it."""
    for info in app.registered_commands:
        callback = info.callback
        if callback is None or "quiet" in inspect.signature(callback, eval_str=True).parameters:
            continue
        info.callback = _accepting_quiet(callback)
