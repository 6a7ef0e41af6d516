"""A model file's header may not ask for a network larger than the weights the file stores.

The estimator builds its network from the header's parameters; a damaged or hostile header
(``hidden_layer_sizes=[12000, 12000]`` in a 400 KB file) would have it allocate gigabytes. The
estimators check every shape exactly (on the meta device, before building), but reaching them
imports scikit-learn and SciPy (~140 MB), so this cheaper bound runs first, in the file layer:

    a network whose layers have widths w_0, w_1, ..., w_k (hidden layers, then the code) holds
    at least  sum_i w_i * w_{i+1} + w_k  weights,

since a dense layer from w_i to w_{i+1} units has w_i * w_{i+1} weights and a convolution from
w_i to w_{i+1} channels at least as many (its kernel is >= 1x1), and the code layer has at least
one weight per unit. A file storing fewer numbers than that cannot be the network its header
describes. Which parameters are widths is :mod:`aekit.registry`'s table, names only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import torch

from aekit import registry


def _documents(value: Any) -> Iterator[dict[str, Any]]:
    """Every parameter table in a header: the estimator's and those of the estimators it holds."""
    if isinstance(value, dict):
        if isinstance(value.get("params"), dict):
            yield value["params"]
        for item in value.values():
            yield from _documents(item)
    elif isinstance(value, list):
        for item in value:
            yield from _documents(item)


def _width(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def least_weights(params: dict[str, Any]) -> int:
    """The fewest weights a network built from ``params`` can have (the bound above)."""
    hidden = params.get(registry.HIDDEN_WIDTHS)
    hidden = [hidden] if isinstance(hidden, int) else hidden  # one layer, as MLPRegressor reads it
    layers = [_width(w) for w in hidden] if isinstance(hidden, list) else []
    code = next((params[n] for n in registry.CODE_WIDTHS if n in params), None)
    widths = [w for w in [*layers, _width(code)] if w is not None]
    if not widths:
        return 0
    return sum(a * b for a, b in zip(widths, widths[1:], strict=False)) + widths[-1]


def stored_numbers(tree: Any) -> int:
    """How many numbers the tensors of ``tree`` hold."""
    if isinstance(tree, torch.Tensor):
        return tree.numel()
    if isinstance(tree, dict):
        return sum(stored_numbers(v) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return sum(stored_numbers(v) for v in tree)
    return 0


def check_sizes(path: str | os.PathLike, header: dict[str, Any], tree: Any) -> None:
    """``ValueError`` when a parameter table of ``header`` asks for more weights than ``tree``
    stores."""
    stored = stored_numbers(tree)
    for params in _documents(header):
        needed = least_weights(params)
        if needed > stored:
            asked = {k: params[k] for k in (registry.HIDDEN_WIDTHS, *registry.CODE_WIDTHS)
                     if k in params}  # fmt: skip
            raise ValueError(
                f"{path} is damaged: its header asks for layer shapes {asked} (at least "
                f"{needed:,} weights), but the file stores {stored:,} numbers."
            )
