"""A table encoding kept as a JSON file (``RUN/encoder.json``, written by ``aekit train`` for a
table with text columns): read back by every command that reads DATA for that RUN, and by the
scoring server, so both encode rows the same way."""

from __future__ import annotations

import os

from aekit.data.tabular import TabularEncoder


def read_encoder(path: str | os.PathLike) -> TabularEncoder:
    """The :class:`~aekit.data.tabular.TabularEncoder` whose state ``path`` holds: what
    :meth:`TabularEncoder.load` reads, with its errors (FileNotFoundError, ValueError)."""
    return TabularEncoder.load(path)
