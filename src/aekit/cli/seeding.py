"""``--seed``, the option of every command that trains (``random_state``), and the seed a run
takes without it: 0, so that a run repeats from its command or config.toml."""

from __future__ import annotations

from typing import Annotated, Any

import typer

Seed = Annotated[
    int | None, typer.Option(help="Random seed (random_state; default 0, so a run repeats).")
]


def seeded(params: dict[str, Any], seed: int | None) -> dict[str, Any]:
    """``params`` (from ``--param``) with ``random_state``: ``--seed``'s where given (beside
    ``--param random_state`` refused, as one would silently win), else 0."""
    from aekit.cli.runs import with_options

    if seed is not None:
        return with_options(params, random_state=seed)
    return {"random_state": 0, **params}
