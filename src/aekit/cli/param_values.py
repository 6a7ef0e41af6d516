"""``--param``'s values: read as TOML reads them (8, 0.5, true, [256, 128], "relu"), and
written back on one line as ``--param`` reads them (command.txt, the advice to use --param)."""

from __future__ import annotations

import shlex
import tomllib
from typing import Any


def parse_value(text: str) -> Any:
    """A ``--param`` value as TOML reads it (8, 0.5, true, [256, 128], "relu"), else a string;
    ``none`` or ``null`` (any case) is None, which TOML cannot write."""
    if text.lower() in ("none", "null"):
        return None
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    return tuple(value) if isinstance(value, list) else value


def typed_list(text: str) -> str | None:
    """``text``, a list as the other options take one (``128,64``, ``(128, 64)``), in the
    brackets ``--param`` reads a list in (``[128,64]``); None for text --param reads as a value
    (a number, a word, a list in brackets)."""
    if not isinstance(parse_value(text), str) or not any(c in text for c in ",()"):
        return None
    items = [item.strip() for item in text.strip().strip("()[]").split(",")]
    return "[" + ",".join(toml_literal(parse_value(item)) for item in items if item) + "]"


def param_pair(name: str, text: str) -> str:
    """``--param``'s NAME=VALUE for ``text`` typed as another option's value, quoted for the
    shell (a list in brackets, :func:`typed_list`)."""
    return shlex.quote(f"{name}={typed_list(text) or text}")


def toml_literal(value: Any) -> str:
    """``value`` as a TOML value on one line, as ``--param`` reads it back (:func:`parse_value`):
    tomli_w writes an array over several lines, which spread command.txt's ``--param``."""
    import tomli_w

    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{tomli_w.dumps({k: 0}).split(' = ')[0]} = {toml_literal(v)}"
                               for k, v in value.items()) + "}"  # fmt: skip
    return tomli_w.dumps({"v": value}).strip()[4:]
