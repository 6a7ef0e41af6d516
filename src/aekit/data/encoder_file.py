"""A table encoding kept as a JSON file (``RUN/encoder.json``, written by ``aekit train`` for a
table with text columns): read back by every command that reads DATA for that RUN, and by the
scoring server, so both encode rows the same way."""

from __future__ import annotations

import json
import os

from aekit.data.tabular import TabularEncoder
from aekit.io.paths import user_path


def read_encoder(path: str | os.PathLike) -> TabularEncoder:
    """The :class:`~aekit.data.tabular.TabularEncoder` whose state ``path`` holds.

    Raises
    ------
    ValueError
        For a file that cannot be read as one, naming it.
    """
    path = user_path(path)
    try:
        return TabularEncoder().set_state(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
        raise ValueError(f"{path} is damaged ({err}); train the RUN again.") from None
