"""The [params] of ``aekit train --config FILE``, checked as the file's before any work.

A bad value there was refused as ``--param NAME``, an option the user never typed, and an
unknown name as the model's, with nothing to say it came from the file: the file is named
here, with the entry to fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# scikit-learn's check of one parameter (sklearn.utils._param_validation's wording)
_INVALID = re.compile(r"^The '(\w+)' parameter of \w+ must be (.+?)\. Got (.+) instead\.", re.S)


def check_recorded_params(
    cls: type, recorded: dict[str, Any], pairs: list[str], config: Path, replaced: set[str]
) -> None:
    """Refuse ``recorded`` ([params] of ``config``) names ``cls`` does not have, and values its
    parameter checks refuse; those that a typed ``--param NAME=...`` (``pairs``) or an option
    of their own (``replaced``: --epochs' max_iter) replaces are not read."""
    from aekit.cli.runs import resolve_params

    typed = {pair.partition("=")[0].strip() for pair in pairs} | replaced
    own = {name: value for name, value in recorded.items() if name not in typed}
    try:
        values = resolve_params(cls, own, [])  # unknown names, as for --param
    except ValueError as err:
        raise ValueError(f"--config {config}: its [params]: {err}") from None
    try:
        cls(**values)._validate_params()
    except ValueError as err:  # InvalidParameterError is a ValueError
        match = _INVALID.match(str(err))
        said = f"{match[1]} must be {match[2]}; got {match[3]}" if match else str(err)
        raise ValueError(f"--config {config}: its [params] {said}; fix it in the file.") from None
