"""``--seed``, the option of the commands that train (``random_state``; ``demo`` draws with 0),
and the seed a run takes without it: 0, so that a run repeats from its command."""

from __future__ import annotations

from typing import Annotated, Any

import typer

Seed = Annotated[
    int | None, typer.Option(help="Random seed (random_state; default 0, so a run repeats).")
]
# train's, which a --config's recorded seed sets too
ConfigSeed = Annotated[
    int | None, typer.Option(help="Random seed (random_state; default 0, or --config's).")
]


def seeded(params: dict[str, Any], seed: int | None, epochs: int | None = None) -> dict[str, Any]:
    """``params`` (from ``--param``) with ``random_state``: ``--seed``'s where given, else
    ``--param random_state``'s, else 0; and ``--epochs``' ``max_iter`` where given. Each option
    beside its ``--param`` is refused, as one would silently win."""
    from aekit.cli.runs import with_options

    return {"random_state": 0, **with_options(params, **given_options(epochs, seed))}


def given_options(epochs: int | None, seed: int | None) -> dict[str, int]:
    """The parameters ``--epochs`` and ``--seed`` set, of those given."""
    own = (("max_iter", epochs), ("random_state", seed))
    return {name: value for name, value in own if value is not None}
