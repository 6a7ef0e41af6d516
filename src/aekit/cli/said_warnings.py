"""The warnings the running command has printed, in order: printed by the command line's warning
handler (:mod:`aekit.cli.running`), recorded in a RUN's config.toml (:mod:`aekit.cli.runs`),
which ``aekit report`` and ``aekit info`` show. A leaf module, so both can import it."""

from __future__ import annotations

shown: dict[str, None] = {}  # each warning's text, once, in the order it was printed


def warnings_said() -> list[str]:
    """The warnings the running command has printed so far, in order."""
    return list(shown)
