"""What the fine-tuning estimators share: the pretrained autoencoder, the network, training
with the one trainer, inference, and their model files. The public classes
(:mod:`aekit.pretraining.finetuned`) add only their targets: labels or numbers.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
from functools import partial
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from aekit.core.distributed import warns_on_rank_zero
from aekit.core.inference_copies import float64_copy
from aekit.core.nets import ACTIVATIONS, reset_parameters
from aekit.core.objectives.likelihoods import check_fitted_range
from aekit.core.train import TrainConfig, train
from aekit.data.fit_keywords import REPEAT_LABELLED_ROWS, refuse_fit_keywords
from aekit.data.intervals import Interval
from aekit.data.layer_widths import layer_widths
from aekit.data.tensor_input import from_tensor
from aekit.data.validation import as_numeric_array
from aekit.devices import resolve_device
from aekit.estimators import TRAINING_CONSTRAINTS, ProgressBar, trainer_config
from aekit.estimators.interrupted_fits import forget_fitted
from aekit.estimators.persistence import (
    SavesToFile,
    export_estimator,
    import_estimator,
)
from aekit.estimators.pickling import PicklesAnywhere
from aekit.estimators.resolved_settings import resolved_state, restore_resolved
from aekit.pretraining.fit_end import keep_fit, keeping_fine_tuned_epochs
from aekit.pretraining.network import FINE_TUNE, FineTuningNetwork
from aekit.pretraining.pretrained import (
    check_pretrained,
    is_fitted,
    pretrained_autoencoder,
    refuse_conditional,
)
from aekit.pretraining.targets import refuse_missing_targets

_INFERENCE_BATCH = 2048
# Parameters that may change between a run and its resumption from a checkpoint.
_RESUMABLE = {"max_iter", "verbose", "checkpoint_dir"}


class BaseFineTuned(SavesToFile, PicklesAnywhere, BaseEstimator):
    """An autoencoder's encoder with a new head, trained on labelled rows. See
    :class:`aekit.FineTunedClassifier` for the parameters."""

    _task: ClassVar[str]  # "classification" or "regression"

    _parameter_constraints: ClassVar[dict[str, list]] = {
        "autoencoder": [None, HasMethods(["fit", "encoder_module"])],
        "head_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "fine_tune": [StrOptions(set(FINE_TUNE))],
        "init": [StrOptions({"pretrained", "random"})],
        "encoder_lr_factor": [Interval(Real, 0, None, closed="neither")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "min_rows_per_epoch": [Interval(Integral, 1, None, closed="left")],
        **TRAINING_CONSTRAINTS,
        "early_stopping_metric": [StrOptions({"loss", "accuracy"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        autoencoder: Any = None,
        *,
        head_layer_sizes: tuple[int, ...] = (),
        fine_tune: str = "all",
        init: str = "pretrained",
        encoder_lr_factor: float = 0.1,
        activation: str = "relu",
        max_iter: int = 200,
        min_rows_per_epoch: int = 2000,
        batch_size: int | str = "auto",
        learning_rate_init: float = 1e-3,
        early_stopping: bool = True,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        early_stopping_metric: str = "loss",
        class_weight: dict | str | None = None,
        checkpoint_dir: str | os.PathLike | None = None,
        random_state: Any = None,
        device: str = "auto",
        verbose: bool = False,
    ) -> None:
        self.autoencoder = autoencoder
        self.head_layer_sizes = head_layer_sizes
        self.fine_tune = fine_tune
        self.init = init
        self.encoder_lr_factor = encoder_lr_factor
        self.activation = activation
        self.max_iter = max_iter
        self.min_rows_per_epoch = min_rows_per_epoch
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.early_stopping_metric = early_stopping_metric
        self.class_weight = class_weight
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    # ---- what a subclass says about its targets ------------------------------------------------
    def _checked_target(self, y: Any) -> Any:
        """y, after the checks of this task that come before scikit-learn's."""
        return y

    def _fit_targets(self, y: np.ndarray) -> torch.Tensor:
        """Learn the targets' form (classes, scale) from the checked y; the training targets
        as a tensor."""
        raise NotImplementedError

    def _class_weights(self, targets: torch.Tensor) -> torch.Tensor | None:
        """Each class's weight in the loss (``class_weight``), or None: every row alike."""
        return None

    def _n_outputs(self) -> int:
        raise NotImplementedError

    # ---- input ---------------------------------------------------------------------------------
    def _validate_X(self, X: Any, reset: bool, y: Any = None) -> tuple[np.ndarray, np.ndarray, Any]:
        """Checked float32 rows as given (2-D, or images (n, C, H, W)), flattened to
        (n, n_features) (the encoder takes both); in ``fit`` (``reset``) also y, checked by
        scikit-learn's rules against the rows (its messages and warnings)."""
        array = as_numeric_array(X, fitting=reset)
        flat = array.reshape(len(array), -1)
        rows = X if isinstance(X, pd.DataFrame) else flat
        if not reset:
            validate_data(self, rows, reset=False)
            # a pixel autoencoder's rows lie in [0, 1] (0..16 pixels were classified at 24%)
            check_fitted_range(self.autoencoder_.likelihood_, flat, has_likelihood=False)
            return array, flat, None
        regression = self._task == "regression"
        refuse_missing_targets(y, self._task)
        _, y = validate_data(self, rows, y, reset=True, multi_output=regression, dtype=None)
        return array, flat, y

    def check_params(self) -> None:
        """Check the parameters as ``fit`` does, before any data (the command line says a
        wrong setting before it reads DATA).

        Raises
        ------
        sklearn.utils._param_validation.InvalidParameterError
            A value outside the parameter's range or choices (a ``ValueError``).
        ValueError
            A setting this task refuses (a regressor's ``class_weight``), or a conditional
            ``autoencoder`` (a ConditionalVAE, fitted or not).
        """
        self._validate_params()  # scikit-learn's table: InvalidParameterError
        if self.autoencoder is not None:
            refuse_conditional(self.autoencoder)
        layer_widths(self.head_layer_sizes, name="head_layer_sizes")  # () for a linear head
        if self.early_stopping_metric == "accuracy" and self._task != "classification":
            raise ValueError(
                "early_stopping_metric='accuracy' is for classifiers; a regressor stops on its "
                "validation loss: use early_stopping_metric='loss'."
            )
        if self.class_weight is not None and self._task != "classification":
            raise ValueError(
                f"class_weight={self.class_weight!r} weighs a classifier's classes; a regressor "
                "has none: leave class_weight=None."
            )

    def _earlier_run_params(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A regressor's run as checkpoints identified it before ``class_weight`` existed. A
        classifier's earlier checkpoints are not this run: its validation rows have been
        held out class by class since, so they are refused as another run's."""
        if is_classifier(self) or params.get("class_weight") is not None:
            return []
        return [{k: v for k, v in params.items() if k != "class_weight"}]

    def _build_network(self, ae: Any) -> FineTuningNetwork:
        encoder = ae.encoder_module().train()
        return FineTuningNetwork(
            encoder,
            ae.latent_dim_,
            layer_widths(self.head_layer_sizes, name="head_layer_sizes"),
            self._n_outputs(),
            self._task,
            self.activation,
        )

    # ---- fitting ---------------------------------------------------------------------------
    @warns_on_rank_zero
    def fit(self, X: Any, y: Any, X_unlabeled: Any = None, **unsupported: Any) -> BaseFineTuned:
        """Pretrain the autoencoder if it is not fitted, then train the encoder and the head.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, C, H, W)
            Labelled rows, as the autoencoder takes them.
        y : array-like of shape (n_samples,) (or (n_samples, n_targets) for regression)
            Targets.
        X_unlabeled : array-like, default=None
            More rows without targets, to pretrain an unfitted autoencoder on (with X).

        Returns
        -------
        self : object
        """
        refuse_fit_keywords(self, unsupported, X, REPEAT_LABELLED_ROWS)
        forget_fitted(self)  # a failed refit must not leave the old network (or its history)
        self.check_params()
        y = self._checked_target(from_tensor(y, "y"))  # a bfloat16 tensor's as numpy, too
        array, flat, y = self._validate_X(X, reset=True, y=y)
        targets = self._fit_targets(y)
        if len(flat) < 2:
            raise ValueError(f"n_samples={len(flat)}: fitting needs at least 2 labelled rows.")
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        pretrained = self.init == "pretrained"
        ae = pretrained_autoencoder(self, array, X_unlabeled, seed, pretrained)
        check_pretrained(ae, flat.shape[1])
        check_fitted_range(ae.likelihood_, flat, has_likelihood=False)
        device = resolve_device(self.device)
        with torch.random.fork_rng(devices=[]):  # building draws from the global RNG
            network = self._build_network(ae)
        reset_parameters(network.head, torch.Generator().manual_seed(seed))
        network.class_weight = self._class_weights(targets)
        if not pretrained:
            network.reset_encoder(torch.Generator().manual_seed(seed + 2))
        if self.fine_tune == "head":
            network.freeze_encoder()
        config = self._train_config(flat, targets, network, pretrained)
        network.to(device)
        rows = torch.from_numpy(flat).to(device)
        network.set_code_scale(rows)
        generator = torch.Generator(device).manual_seed(seed + 1)
        bar = _progress(self) if self.verbose else None
        with (
            keeping_fine_tuned_epochs(self, ae, network, config.batch_size),
            bar or contextlib.nullcontext(),
        ):
            result = train(
                network,
                rows,
                targets.to(device),
                config=config,
                generator=generator,
                callbacks=[bar] if bar else [],
                within_epoch=bar.within_epoch if bar else None,
            )
        keep_fit(self, ae, network, result, config.batch_size)
        return self

    def _train_config(
        self, flat: np.ndarray, targets: torch.Tensor, network: FineTuningNetwork, pretrained: bool
    ) -> TrainConfig:

        def run_identity():  # its parameters, its data and the encoder it starts from
            params = {k: v for k, v in self.get_params(deep=False).items() if k not in _RESUMABLE}
            params["autoencoder"] = repr(params["autoencoder"])
            weights = [t.detach().cpu().numpy() for t in network.encoder.state_dict().values()]
            return params, flat, targets.numpy(), *weights

        groups = network.parameter_groups(self.fine_tune, self.encoder_lr_factor, pretrained)
        n_layers = len(groups) - 1 if self.fine_tune == "gradual" else 0
        return trainer_config(
            self,
            len(flat),
            run_identity,
            # an epoch repeats the rows up to min_rows_per_epoch: "auto" batches as of that many
            rows_per_epoch=max(len(flat), int(self.min_rows_per_epoch)),
            # Gradual unfreezing: no stopping before every layer has had its turn.
            patience_start=n_layers,
            monitor="error" if self.early_stopping_metric == "accuracy" else "loss",
            tie_break="loss" if self.early_stopping_metric == "accuracy" else None,
            parameter_groups=lambda module: groups,
            epoch_order=partial(repeated_order, min_rows=int(self.min_rows_per_epoch)),
            stratify=is_classifier(self),  # every class keeps training rows
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "network_")

    def __sklearn_clone__(self) -> BaseFineTuned:
        """scikit-learn's ``clone`` (``cross_val_score``, ``GridSearchCV``): unfitted, as usual,
        but a *fitted* autoencoder is kept fitted. It is the pretrained encoder the user chose,
        not a setting: cloning it unfitted would pretrain a new one on each fold's few labelled
        rows, silently. The clone gets a deep copy (weights included), so nothing done to a
        clone (``set_params(autoencoder__...)`` in a grid search) reaches the user's. An
        unfitted autoencoder is cloned unfitted, and pretrained in every fold."""
        given = self.autoencoder
        if given is None or not is_fitted(given):
            return super().__sklearn_clone__()
        params = self.get_params(deep=False)
        del params["autoencoder"]
        params = {name: clone(value, safe=False) for name, value in params.items()}
        return type(self)(copy.deepcopy(given), **params)

    # ---- inference -------------------------------------------------------------------------
    @torch.no_grad()
    def _outputs(self, X: Any) -> np.ndarray:
        """The head's outputs (logits, or standardized predictions) for every row, float64.
        Computed by a float64 copy of the network (kept between calls), so a row's output does
        not depend on the rows that share its call (as every aekit estimator's inference)."""
        check_is_fitted(self)
        _, flat, _ = self._validate_X(X, reset=False)
        network = float64_copy(self.network_)
        device = next(network.parameters()).device
        rows = torch.from_numpy(flat)
        out = [
            network.outputs(rows[start : start + _INFERENCE_BATCH].to(device, torch.float64)).cpu()
            for start in range(0, len(rows), _INFERENCE_BATCH)
        ]
        return torch.cat(out).numpy()

    @property
    def loss_curve_(self) -> list[float]:
        """The training loss per epoch."""
        return self.history_["loss"]

    # ---- model files: the autoencoder as its own document, and the fine-tuned network ---------
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        document, tree = export_estimator(self.autoencoder_)
        fitted = {
            "autoencoder": document,
            "n_features_in_": self.n_features_in_,
            "feature_names_in_": getattr(self, "feature_names_in_", None),
            "n_iter_": self.n_iter_,
            "history_": self.history_,
            "best_loss_": self.best_loss_,
            **resolved_state(self),
        }
        state = {k: v.detach().cpu() for k, v in self.network_.state_dict().items()}
        # autoencoder_ is the pretrained autoencoder given (fine-tuning trains a copy of its
        # encoder): loaded, it is the parameter again, which a clone fine-tunes anew (loaded
        # unfitted, a loaded model's clone pretrained a new one on the labelled rows alone)
        fitted["given_autoencoder"] = bool(getattr(self, "_given_autoencoder", False))
        return fitted, {"autoencoder": tree, "network": state}

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        ae = import_estimator(fitted["autoencoder"], tree["autoencoder"], device)
        self.autoencoder_ = ae
        # (files written before it was kept have none: their parameter stays unfitted)
        self._given_autoencoder = bool(fitted.get("given_autoencoder", False))
        if self._given_autoencoder:
            self.autoencoder = copy.deepcopy(ae)
        self.n_features_in_ = fitted["n_features_in_"]
        if fitted["feature_names_in_"] is not None:
            self.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
        self.n_iter_ = fitted["n_iter_"]
        self.history_ = fitted["history_"]
        self.best_loss_ = fitted["best_loss_"]
        restore_resolved(self, fitted)
        with torch.random.fork_rng(devices=[]):
            network = self._build_network(ae)
        _check_state(network, tree["network"])
        network.load_state_dict(tree["network"], strict=True)
        self.network_ = network.to(device).eval()


def repeated_order(y: torch.Tensor, generator: torch.Generator, min_rows: int) -> torch.Tensor:
    """One epoch's row order: shuffled passes over all ``len(y)`` rows, as many as it takes to
    reach ``min_rows``. With 100 labelled rows one pass is a single step; repeating it makes an
    epoch (and so ``max_iter`` and the patience of early stopping) a comparable number of
    steps whatever the number of labels."""
    n = len(y)
    passes = max(1, math.ceil(min_rows / n))
    device = generator.device
    return torch.cat([torch.randperm(n, generator=generator, device=device) for _ in range(passes)])


def _check_state(network: torch.nn.Module, state: Any) -> None:
    """``ValueError`` unless ``state`` holds exactly ``network``'s tensors, shape for shape."""
    if not isinstance(state, dict):
        raise ValueError("the network's weights are not a tree of named tensors")
    expected = {k: tuple(v.shape) for k, v in network.state_dict().items()}
    found = {k: tuple(getattr(v, "shape", ())) for k, v in state.items()}
    if expected != found:
        wrong = sorted(k for k in set(expected) | set(found) if expected.get(k) != found.get(k))
        raise ValueError(f"the network's weights do not fit its parameters: {wrong[:3]}")


def _progress(estimator: Any) -> ProgressBar:
    return ProgressBar(type(estimator).__name__, int(estimator.max_iter))
