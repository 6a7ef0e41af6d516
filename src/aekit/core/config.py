"""Layer 4: the trainer's settings (:class:`TrainConfig`) and its parameter groups, in a file
of their own so that the training loop (:mod:`aekit.core.train`) and the optimizer
(:mod:`aekit.core.optimizers`) both read them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn


@dataclass
class TrainConfig:
    max_iter: int
    batch_size: int
    learning_rate: float
    learning_rate_schedule: str = "constant"  # or "cosine": see learning_rate_scheduler
    early_stopping: bool = False
    validation_fraction: float = 0.1
    # Hold the validation rows out class by class, y being class codes (a classifier's): see
    # aekit.core.validation_split.
    stratify: bool = False
    n_iter_no_change: int = 10
    tol: float = 1e-4
    patience_start: int = 0  # epochs before stalls count (the loss rises during KL warm-up)
    # Epochs the network was trained for by earlier fits (warm_start): its weight schedules
    # (the KL warm-up) and patience_start go on from there instead of starting again.
    epochs_before: int = 0
    # The term of the module's output that early stopping watches, lower being better: "loss",
    # or e.g. a classifier's "error" (1 - accuracy, as scikit-learn's MLPClassifier stops on
    # validation accuracy).
    monitor: str = "loss"
    # A term that decides between epochs tied on ``monitor`` (lower wins), e.g. "loss" for an
    # error rate, which moves in steps of 1 / n_validation_rows and so ties often.
    tie_break: str | None = None
    checkpoint_path: Path | None = None
    fingerprint: str = ""  # identifies the run a checkpoint belongs to
    # What the fingerprint hashes, kept in the checkpoint to say what differs when another run
    # finds it: {"params": {name: value}, "data": [digest of each array]}
    identity: dict = field(default_factory=dict)
    # The same run as earlier code identified it (a parameter since left out of the identity):
    # checkpoints of these resume too.
    earlier_fingerprints: tuple[str, ...] = ()
    # Row order of one epoch from the training labels (None without labels) and the generator;
    # it may repeat rows, e.g. to oversample the few labelled rows of semi-supervised data.
    # None: a random permutation of all rows.
    epoch_order: Callable[[torch.Tensor | None, torch.Generator], torch.Tensor] | None = None
    precision: str = "float32"  # or "bf16": see PRECISIONS
    compile: bool = False  # torch.compile the training forward; see core.training_forward
    distributed: bool = False  # DDP over torchrun's processes; see aekit.core.distributed
    # The parameters to train, in groups with their own learning rates (e.g. a pretrained
    # encoder slower than a new head): a function of the module. None: every parameter that
    # requires a gradient, at ``learning_rate``.
    parameter_groups: Callable[[nn.Module], list[ParameterGroup]] | None = None
    # Work on the weights between epochs, on every process alike: called after each epoch with
    # (module, training rows, completed epochs, generator, optimizer, from_main), ``from_main``
    # giving rank 0's value of a tensor; e.g. reviving dead code units (core.dead_units).
    after_epoch: Callable[..., None] | None = None


@dataclass
class ParameterGroup:
    """Parameters trained at ``learning_rate * lr_factor`` from epoch ``first_epoch`` (from 0)
    on, and not changed before it (a learning rate of 0: gradual unfreezing, Howard & Ruder
    2018, sec. 3.2). The learning-rate schedule multiplies every group's rate alike."""

    params: list[nn.Parameter]
    lr_factor: float = 1.0
    first_epoch: int = 0
