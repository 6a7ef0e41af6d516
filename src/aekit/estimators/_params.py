"""The parameters every autoencoder shares: stored by one ``__init__``, checked by one table.

Each public kind writes out its own ``__init__``, every parameter with its default, and hands
the shared ones to :meth:`AutoencoderParams.__init__`, which stores each under its own name and
does nothing else (scikit-learn's MLPClassifier does the same over BaseMultilayerPerceptron).

``_parameter_constraints`` is scikit-learn's table of what each parameter may be, checked by
``_validate_params`` at the start of ``fit``; a kind merges it into its own table
(``{**BaseAutoencoder._parameter_constraints, "noise": [...]}``) and adds, in
``_check_params``, the rules a table of single parameters cannot express.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import torch
from sklearn.utils._param_validation import StrOptions

from aekit.core.architectures import ARCHITECTURES
from aekit.core.fingerprint import array_digest, fingerprint
from aekit.core.nets import ACTIVATIONS
from aekit.core.objectives.likelihoods import LIKELIHOODS
from aekit.core.train import TrainConfig
from aekit.core.training_forward import PRECISIONS
from aekit.data.intervals import RANDOM_STATES, Interval
from aekit.data.layer_widths import layer_widths
from aekit.data.validation import is_int
from aekit.devices import DEVICE_NAMES, DEVICES, is_device_name
from aekit.estimators.epochs import batch_rows
from aekit.io.paths import user_path


class DeviceName(StrOptions):
    """The device names, "cuda:N" included: StrOptions takes a fixed set only (and scikit-learn
    takes no constraint classes of its own, so this one extends it)."""

    def __init__(self) -> None:
        super().__init__(set(DEVICES))

    def is_satisfied_by(self, val: Any) -> bool:
        return is_device_name(val)

    def __str__(self) -> str:  # scikit-learn's message: "must be <this> or ..."
        return f"a str among {DEVICE_NAMES}"


# The parameters of the one trainer (aekit.core.train), as every estimator that trains with it
# names and checks them (scikit-learn's MLPRegressor names where it has one).
TRAINING_CONSTRAINTS: dict[str, list] = {
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, None, None, closed="neither")],
    "checkpoint_dir": [None, str, os.PathLike],
    "random_state": RANDOM_STATES,
    "device": [DeviceName(), torch.device],
}


def trainer_config(
    estimator: Any,
    n_rows: int,
    run_identity: Callable[[], tuple],
    rows_per_epoch: int | None = None,
    **settings: Any,
) -> TrainConfig:
    """The trainer's settings from ``estimator``'s parameters of :data:`TRAINING_CONSTRAINTS`
    for ``n_rows`` training rows, plus ``settings`` of its own. With a ``checkpoint_dir`` the
    run is identified by ``fingerprint(*run_identity())`` (its parameters and its data, called
    only then), so a later fit resumes only the same run. ``rows_per_epoch``: see
    :func:`batch_rows`."""
    checkpoint_path, run_fingerprint = None, ""
    if estimator.checkpoint_dir is not None:
        if not isinstance(estimator.random_state, (int, np.integer)):
            raise ValueError(
                "checkpoint_dir needs an int random_state: a resumed run must repeat the "
                "same validation split and shuffles. Pass e.g. random_state=0."
            )
        folder = user_path(estimator.checkpoint_dir)
        if folder.exists() and not folder.is_dir():  # was "FileExistsError: [Errno 17] ..."
            raise ValueError(
                f"checkpoint_dir={str(folder)!r} is a file, not a folder; give a folder for the "
                "checkpoint (it is created if missing)."
            )
        checkpoint_path = folder / "checkpoint.safetensors"
        params, *arrays = run_identity()
        data = [None if a is None else array_digest(a) for a in arrays]  # hashed once
        run_fingerprint = fingerprint(params, *data)
        as_json = json.loads(json.dumps(params, sort_keys=True, default=repr))
        # the class too, to name both kinds when another resumes it (not fingerprinted: the
        # parameters differ already, and checkpoints written before it keep resuming)
        settings["identity"] = {"params": as_json, "data": data, "kind": type(estimator).__name__}
        # the run as earlier code identified it, with parameters since left out
        earlier = getattr(estimator, "_earlier_run_params", lambda _: [])(params)
        settings["earlier_fingerprints"] = tuple(fingerprint(p, *data) for p in earlier)
    return TrainConfig(
        max_iter=int(estimator.max_iter),
        batch_size=batch_rows(estimator.batch_size, n_rows, rows_per_epoch),
        learning_rate=float(estimator.learning_rate_init),
        early_stopping=bool(estimator.early_stopping),
        validation_fraction=float(estimator.validation_fraction),
        n_iter_no_change=int(estimator.n_iter_no_change),
        tol=float(estimator.tol),
        checkpoint_path=checkpoint_path,
        fingerprint=run_fingerprint,
        **settings,
    )


class AutoencoderParams:
    """The shared parameters of :class:`aekit.estimators.BaseAutoencoder`: their storage, their
    constraints and the rules across them. Documented in every kind's docstring."""

    # Names follow scikit-learn's MLPRegressor where it has one.
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        # any 1-D sequence of ints, as MLPRegressor takes (a numpy array too); _check_params
        # refuses the rest (a 2-D array, a width below 1)
        "hidden_layer_sizes": [None, "array-like", Interval(Integral, 1, None, closed="left")],
        "architecture": [StrOptions(set(ARCHITECTURES))],
        "image_shape": [None, "array-like"],
        "sequence_shape": [None, "array-like"],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "likelihood": [StrOptions({"auto", *LIKELIHOODS})],
        "categorical_groups": [None, tuple, list],
        **TRAINING_CONSTRAINTS,
        "precision": [StrOptions(set(PRECISIONS))],
        "compile": ["boolean"],
        "distributed": [StrOptions({"auto"}), "boolean"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        *,
        latent_dim: int,
        hidden_layer_sizes: tuple[int, ...] | None,
        architecture: str,
        image_shape: tuple[int, int, int] | None,
        sequence_shape: tuple[int, int] | None,
        activation: str,
        likelihood: str,
        categorical_groups: tuple[tuple[int, int], ...] | None,
        max_iter: int,
        batch_size: int | str,
        learning_rate_init: float,
        early_stopping: bool,
        validation_fraction: float,
        n_iter_no_change: int,
        tol: float,
        checkpoint_dir: str | os.PathLike | None,
        random_state: Any,
        device: str,
        precision: str,
        compile: bool,
        distributed: bool | str,
        verbose: bool,
        warm_start: bool,
    ) -> None:
        self.latent_dim = latent_dim
        self.hidden_layer_sizes = hidden_layer_sizes
        self.architecture = architecture
        self.image_shape = image_shape
        self.sequence_shape = sequence_shape
        self.activation = activation
        self.likelihood = likelihood
        self.categorical_groups = categorical_groups
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.precision = precision
        self.compile = compile
        self.distributed = distributed
        self.verbose = verbose
        self.warm_start = warm_start

    def _check_params(self) -> None:
        """The table of constraints, then the rules it cannot express; kinds add theirs."""
        self._validate_params()  # scikit-learn's BaseEstimator: InvalidParameterError
        layer_widths(self.hidden_layer_sizes)  # a ValueError when they are no layer widths
        groups = self.categorical_groups
        if groups is not None and not all(_is_column_range(group) for group in groups):
            raise ValueError(
                f"categorical_groups={groups!r} must hold (start, stop) column ranges with "
                "0 <= start and at least 2 columns each."
            )


def _is_column_range(group: Any) -> bool:
    return (
        isinstance(group, (tuple, list))
        and len(group) == 2
        and is_int(group[0], 0)
        and is_int(group[1], 2)
        and group[1] - group[0] >= 2
    )
