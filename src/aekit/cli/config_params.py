"""The [params] of ``aekit train --config FILE``, checked as the file's before any work.

A bad value there was refused as ``--param NAME``, an option the user never typed, and an
unknown name as the model's, with nothing to say it came from the file: the file is named
here, with the entry to fix.
"""

from __future__ import annotations

import difflib
import re
import warnings
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


# What 'aekit train' writes in a config.toml: [params] are the model's (checked by it), [run]
# only tells; a section or a [model]/[data] key of another name (a typo: [param], label_colum)
# was ignored, and the run trained without it (tests/test_config_layout.py writes every key)
_SECTIONS: dict[str, frozenset[str] | None] = {
    "model": frozenset({"class", "encoder"}),
    "params": None,
    "data": frozenset(
        {
            "path",
            "sha256",
            "bytes",
            "hashed",
            "label_column",
            "labels_file",
            "image_shape",
            "image_size",
            "grayscale",
            "sep",
            "decimal",
            "thousands",
            "encoding",
            "no_header",
            "na_values",
            "id_column",
            "ignore_columns",
            "category_columns",
            "images",
        }
    ),  # fmt: skip
    "run": None,
}


def check_config_layout(document: dict[str, Any], config: Path) -> None:
    """Refuse a section, or a [model] or [data] key, that 'aekit train' does not write,
    naming the nearest it does; and an empty file (its DATA was asked for, as if none given)."""
    if not document:
        raise ValueError(
            f"--config {config} is empty: a config.toml of 'aekit train' holds [model], "
            "[params] and [data] sections; give a RUN folder's config.toml."
        )
    for name, section in document.items():
        if name not in _SECTIONS:
            raise ValueError(
                f"--config {config}: it has a [{name}] section{_nearest(name, _SECTIONS)}, "
                "which 'aekit train' does not read (its sections: [model], [params], [data], "
                "[run]); fix it in the file."
            )
        keys = _SECTIONS[name]
        if not isinstance(section, dict):
            raise ValueError(f"--config {config}: [{name}] must be a section; fix it in the file.")
        unknown = sorted(set(section) - keys) if keys is not None else []
        if unknown:
            raise ValueError(
                f"--config {config}: its [{name}] has {', '.join(unknown)}"
                f"{_nearest(unknown[0], keys)}, which 'aekit train' does not read (it reads "
                f"{', '.join(sorted(keys))}); fix it in the file."
            )


def _nearest(name: str, names: Any) -> str:
    close = difflib.get_close_matches(name, sorted(names), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def recorded_seed(params: dict[str, Any], config: Path, said: bool) -> dict[str, Any]:
    """[params] with an unseeded run's ``random_state = "none"`` read as None, and, unless a
    seed is given (``said`` False), said: this run draws other random numbers than it did."""
    from aekit.cli.runs import UNSEEDED

    if params.get("random_state") != UNSEEDED:
        return params
    if said:
        warnings.warn(
            f'--config {config}: the run it records was not seeded (random_state = "none"), '
            "so this one trains with other random numbers; give --seed N to make a run "
            "repeatable.",
            UserWarning,
            stacklevel=2,
        )
    return {**params, "random_state": None}
