"""What the processes of one DDP training must agree on, as digests to compare across them
(:meth:`aekit.core.distributed.Group.same_run`): the data, the network and the settings.

Each process reads its own copy of the command's files and options. A process given another
file (same shape, other rows) trained on a mix of both and exited 0; another width or model
failed in DDP's words, with a traceback; another batch size aborted inside gloo. The digests
are cheap: the data's shape, 64 of its rows spread over it (all of a tensor's rows add their
column sums), the labels alike; the network's parameter names and shapes; the settings that
shape the optimisation.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import torch
from torch import nn

from aekit.core import rows
from aekit.core.config import TrainConfig

SAMPLED_ROWS = 64
_SETTINGS = (
    "max_iter",
    "batch_size",
    "learning_rate",
    "learning_rate_schedule",
    "early_stopping",
    "validation_fraction",
    "n_iter_no_change",
    "tol",
    "precision",
    "fingerprint",  # the whole run (parameters and all data) when checkpointing
)


def run_parts(
    module: nn.Module,
    X: torch.Tensor | rows.LazyRows,
    y: torch.Tensor | None,
    config: TrainConfig,
) -> dict[str, str]:
    """``{what: digest}`` for the data, the network and the training settings."""
    return {
        "the data": _data_digest(X, y),
        "the network": _digest(
            type(module).__name__, [(n, list(p.shape)) for n, p in module.named_parameters()]
        ),
        "the training settings": _digest({name: getattr(config, name) for name in _SETTINGS}),
    }


def _data_digest(X: torch.Tensor | rows.LazyRows, y: torch.Tensor | None) -> str:
    n = len(X)
    picked = torch.unique(torch.linspace(0, max(n - 1, 0), min(n, SAMPLED_ROWS)).long())
    content = hashlib.sha256(f"{n} {tuple(X[picked[:1]].shape[1:])}".encode())
    content.update(_bytes(X[picked]))
    if isinstance(X, torch.Tensor):  # every row counts, cheaply
        content.update(_bytes(X.flatten(1).sum(dim=0, dtype=torch.float64)))
    if y is not None:
        content.update(_bytes(y[picked] if len(y) == n else y))
    return content.hexdigest()


def _bytes(values: torch.Tensor) -> bytes:
    return np.ascontiguousarray(values.detach().cpu().numpy()).tobytes()


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()
