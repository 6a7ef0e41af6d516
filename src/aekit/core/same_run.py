"""What the processes of one DDP training must agree on, as digests to compare across them
(:meth:`aekit.core.distributed.Group.same_run`): the data, the network and the settings.

Each process reads its own copy of the command's files and options. A process given another
file (same shape, other rows) trained on a mix of both and exited 0; another width or model
failed in DDP's words, with a traceback; another batch size aborted inside gloo. The digests
are cheap: the data's shape, 64 of its rows spread over it (a tensor's rows add an exact
checksum of every value), the labels alike; the network's parameter names and shapes; the
settings that shape the optimisation.
"""

from __future__ import annotations

import hashlib
import json

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
    k = min(n, SAMPLED_ROWS)
    # exact integers: a float32 linspace rounds n - 1 up to n past 2**24 rows
    picked = torch.unique(torch.arange(k) * max(n - 1, 0) // max(k - 1, 1))
    content = hashlib.sha256(f"{n} {tuple(X[picked[:1]].shape[1:])}".encode())
    content.update(_bytes(X[picked]))
    if isinstance(X, torch.Tensor):  # every value counts, cheaply
        content.update(_bytes(_checksum(X)))
    if y is not None:
        content.update(_bytes(y[picked] if len(y) == n else y))
    return content.hexdigest()


def _checksum(X: torch.Tensor) -> torch.Tensor:
    """Each column's sum of its values' bits as integers: exact, whatever order a device adds
    in (a float sum differs in its last bits between CPUs and GPUs), a chunk of rows at a time
    (no float64 copy of the data)."""
    bits = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[X.element_size()]
    flat = X.flatten(1)
    total = torch.zeros(flat.shape[1], dtype=torch.int64, device=X.device)
    step = max(1, 2**22 // max(flat.shape[1], 1))  # 4M values a chunk
    for start in range(0, len(flat), step):  # int64 addition wraps: still order-independent
        total += flat[start : start + step].contiguous().view(bits).sum(dim=0, dtype=torch.int64)
    return total


def _bytes(values: torch.Tensor) -> bytes:
    """The tensor's bytes, whatever its dtype (numpy has no bfloat16)."""
    return values.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()
