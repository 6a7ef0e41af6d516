"""Layer 5: the scikit-learn face of :class:`aekit.core.model.AutoencoderModel`.

``BaseAutoencoder`` holds all shared behaviour: input checks (:mod:`aekit.estimators._inputs`),
the data's scale (:mod:`aekit.estimators._data_scale`), building the networks and calling the
trainer (here), and the fitted-model methods (:mod:`aekit.estimators._inference`, with
``reconstruction_error`` from :mod:`aekit.estimators._reconstruction`). Its shared parameters
come from :class:`aekit.estimators._params.AutoencoderParams`. A kind of autoencoder is a thin
subclass that writes out its ``__init__`` and its ``_parameter_constraints`` and overrides the
hooks that make it that kind: ``_make_latent``, ``_make_terms``, ``_make_corruption``,
``_make_objective`` and ``_make_classifier`` (the model's pieces), and ``_train_config`` (the
trainer's settings).
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from torch import nn

from aekit.core import distributed, inference_copies
from aekit.core.architectures import DEFAULT_HIDDEN, make_decoder, make_encoder
from aekit.core.distributed import warns_on_rank_zero
from aekit.core.latent import DeterministicLatent
from aekit.core.model import AutoencoderModel
from aekit.core.nets import reset_parameters
from aekit.core.objectives import Corruption, Objective, PenalizedReconstruction, Term
from aekit.core.objectives.likelihoods import choose_likelihood, make_likelihood
from aekit.core.train import TrainConfig, TrainResult, train
from aekit.data.fit_keywords import REPEAT_LABELLED_ROWS, REPEAT_ROWS, refuse_fit_keywords
from aekit.data.layer_widths import layer_widths
from aekit.devices import resolve_device, to_device
from aekit.estimators._autoencoder_state import AutoencoderState
from aekit.estimators._convergence import ConvergenceCheck
from aekit.estimators._data_scale import (
    KEEP_THE_GAUSSIAN,
    DataScale,
    categorical_groups,
    check_categorical_groups,
    fit_scale,
    pixel_sample_rows,
    value_range,
    warn_of_pixel_values,
)
from aekit.estimators._disk import (
    DiskRows,
    fit_pass,
    labels_of,
    likelihood_of,
    model_range,
)
from aekit.estimators._inference import FittedInference
from aekit.estimators._inputs import InputChecks
from aekit.estimators._labels import LabelHooks, warn_of_ignored_targets
from aekit.estimators._params import AutoencoderParams, trainer_config
from aekit.estimators._progress import ProgressBar
from aekit.estimators._reconstruction import ReconstructionErrors
from aekit.estimators._warm_start import WarmStart
from aekit.estimators.interrupted_fits import forget_fitted, keeping_completed_epochs
from aekit.estimators.modules import ExportsModules
from aekit.estimators.persistence import remember_fitted_params
from aekit.estimators.pickling import PicklesAnywhere
from aekit.estimators.resolved_settings import keep_resolved
from aekit.warning_lines import caller_level

# Parameters that may change between a run and its resumption from a checkpoint.
# compile and distributed change how a step runs, not what it computes (a checkpoint of N
# processes resumes on any number of them); warm_start only says whether a fitted network
# goes on training.
_RESUMABLE = {"max_iter", "verbose", "checkpoint_dir", "compile", "distributed", "warm_start"}


@dataclass
class FitRun:
    """One ``fit`` ready for the trainer: the seeded network, the rows (and labels) on its
    device, the trainer's settings and random stream, and the seed they came from."""

    model: nn.Module
    X: Any  # torch.Tensor, or aekit.core.rows.LazyRows for rows on disk
    y: torch.Tensor | None
    config: TrainConfig
    generator: torch.Generator
    seed: int
    continued: bool = False  # warm_start: the fitted network trained on (no new weights)


class BaseAutoencoder(
    FittedInference,
    ReconstructionErrors,
    LabelHooks,
    InputChecks,
    DataScale,
    AutoencoderParams,
    AutoencoderState,
    ExportsModules,
    ConvergenceCheck,
    WarmStart,
    TransformerMixin,
    PicklesAnywhere,  # model_ pickles through torch.save (a GPU's loads on the CPU)
    BaseEstimator,
):
    """The base class of aekit's autoencoders: fit, transform, inverse_transform, reconstruct,
    score_samples, save and the rest, shared by every kind. Not used directly: the concrete
    kinds :class:`aekit.Autoencoder`, :class:`aekit.DenoisingAutoencoder`,
    :class:`aekit.SparseAutoencoder`, :class:`aekit.ContractiveAutoencoder`,
    :class:`aekit.VariationalAutoencoder` and :class:`aekit.ConditionalVAE` document their
    parameters and fitted attributes.
    """

    # The name progress bars show: a network inside a public estimator shows that estimator's.
    _shown_as: str | None = None
    # Parameters applied after training (a variational kind's sampler): a checkpoint resumes
    # whatever their value.
    _not_in_run_identity: frozenset[str] = frozenset()
    # How the pixel-values warning says to keep a Gaussian model (a network inside a public
    # estimator that takes no likelihood says another way)
    _keep_the_gaussian: str = KEEP_THE_GAUSSIAN

    @property
    def _shown_name(self) -> str:
        return self._shown_as or type(self).__name__

    # ---- hooks that make a kind --------------------------------------------------------------
    def _make_latent(self, in_features: int) -> nn.Module:
        return DeterministicLatent(in_features, self.latent_dim)

    def _make_terms(self) -> list[Term]:
        return []

    def _make_corruption(self, low: torch.Tensor, high: torch.Tensor) -> Corruption | None:
        return None

    def _make_objective(self) -> Objective:
        """What training minimises: the reconstruction NLL plus the weighted terms."""
        return PenalizedReconstruction()

    def _make_classifier(self, n_classes: int) -> nn.Module | None:
        """A classifier ``q(y|x)`` trained with the model (x -> logits), or None."""
        return None

    # ---- building and fitting ----------------------------------------------------------------
    def _build_model(self, n_classes: int, low: torch.Tensor, high: torch.Tensor) -> nn.Module:
        hidden = layer_widths(self.hidden_layer_sizes, DEFAULT_HIDDEN[self.architecture])
        d, k, arch, act = self.latent_dim, n_classes, self.architecture, self.activation
        shape = self._network_shape()
        # The one-hot label joins the encoder's input as k more features or channels.
        encoder = make_encoder(arch, (shape[0] + k, *shape[1:]), hidden, act)
        decoder = make_decoder(arch, d + k, shape, hidden, act)
        latent = self._make_latent(encoder.out_features)
        likelihood = make_likelihood(self.likelihood_, latent.stochastic, categorical_groups(self))
        return AutoencoderModel(
            encoder,
            latent,
            decoder,
            likelihood,
            self._make_terms(),
            self._make_corruption(low, high),
            n_classes,
            objective=self._make_objective(),
            classifier=self._make_classifier(n_classes),
        )

    def _train_config(self, flat: np.ndarray, y_index: torch.Tensor | None) -> TrainConfig:
        """The trainer's settings for the rows ``flat`` (labels ``y_index``, on the CPU); kinds
        extend them with their own (``dataclasses.replace`` on ``super()``'s)."""

        def run_identity():  # the parameters and the data
            left_out = _RESUMABLE | self._not_in_run_identity
            params = {k: v for k, v in self.get_params().items() if k not in left_out}
            labels = None if y_index is None else y_index.numpy()
            data = flat.stats.digest if isinstance(flat, DiskRows) else flat  # hashed in its pass
            return params, data, labels

        return trainer_config(
            self,
            len(flat),
            run_identity,
            precision=self.precision,
            compile=bool(self.compile),
            distributed=distributed.wanted(self.distributed),
        )

    @warns_on_rank_zero
    def fit(self, X: Any, y: Any = None, **unsupported: Any) -> BaseAutoencoder:
        """Fit the autoencoder to X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Training data: numpy array, torch tensor, pandas DataFrame or nested lists. A
            memory-mapped array (``np.load(path, mmap_mode="r")``, 64 MiB or more) or a dataset
            from :func:`aekit.open_dataset` stays on disk: one streaming pass for the data's
            statistics, then each batch is read as it is needed.
        y : array-like of shape (n_samples,), default=None
            Labels, used by conditional models only (default: a dataset's own labels).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        refuse_fit_keywords(
            self, unsupported, X, REPEAT_ROWS if y is None else REPEAT_LABELLED_ROWS
        )
        run = self._start_fit(X, y)
        shown = self.verbose and distributed.rank() == 0  # one bar for all processes
        bar = ProgressBar(self._shown_name, run.config.max_iter) if shown else None
        # outside the bar: an interrupt's warning comes after the bar's last line
        with keeping_completed_epochs([self], [run]), bar or contextlib.nullcontext():
            result = train(
                run.model,
                run.X,
                run.y,
                config=run.config,
                generator=run.generator,
                callbacks=[bar] if bar else [],
                within_epoch=bar.within_epoch if bar else None,
            )
            if bar and result.resumed_from is not None:  # a rerun with checkpoint_dir set
                bar.say(f"resumed from epoch {result.resumed_from} ({self.checkpoint_dir})")
        self._finish_fit(run, result)
        return self

    def _start_fit(self, X: Any, y: Any) -> FitRun:
        """Everything ``fit`` does before the trainer: checks, the data's scale, the network
        with its seeded weights, the trainer's settings and random stream. Split from ``fit`` so
        that :mod:`aekit.estimators.stacked` can train several members' runs at once."""
        if not (self.warm_start and hasattr(self, "model_")):  # else it is to go on training
            forget_fitted(self)  # a failed refit must not leave the old model (or its history)
        self._check_params()
        continued = self._continues_training()  # warm_start: the data read as fit read them
        flat = self._validate_X(X, reset=not continued)
        if len(flat) < 2 and not continued:  # one row has no scale, no spread to learn
            raise ValueError(
                f"X has n_samples={len(flat)}; {self._shown_name} learns from at least 2 rows "
                "(many more to learn anything useful)."
            )
        labels = self._continued_labels if continued else self._fit_labels
        y_index = labels(labels_of(X, y), len(flat))
        if y_index is None:  # a model without labels: a y shaped like X is a Keras target
            warn_of_ignored_targets(type(self).__name__, y, flat)
        device = resolve_device(self.device)
        if distributed.wanted(self.distributed):  # one GPU per process (torchrun's LOCAL_RANK)
            device = distributed.local_device(device)
        if isinstance(flat, DiskRows):  # on disk: one streaming pass, then batches from disk
            X_device, low, high = self._prepare_disk(flat, device, continued)
            images = getattr(self, "image_shape_", None) is not None
            sampled = min(len(flat), pixel_sample_rows(flat.reader.n_features))
            first = flat.reader.read(0, sampled) if images else None
            warn_of_pixel_values(
                X, self.likelihood, self.likelihood_, images, first, self._keep_the_gaussian
            )
        else:
            if continued:  # the scale and likelihood of the first fit; _to_model checks the range
                check_categorical_groups(flat, categorical_groups(self), self.architecture)
            else:
                self.likelihood_ = choose_likelihood(flat, self.likelihood)
                images = getattr(self, "image_shape_", None) is not None
                warn_of_pixel_values(
                    X, self.likelihood, self.likelihood_, images, flat, self._keep_the_gaussian
                )
                self.data_mean_, self.data_scale_ = fit_scale(self, flat)
            X_model = self._to_model(flat)
            # Moved once, before the network is built: on CUDA the copy overlaps the host's work.
            X_device = to_device(X_model, device)
            low = high = None  # the input noise's bounds, for a new network only
            if not continued:
                model_space = X_model.numpy()  # still on the CPU; numpy's min/max is ~10x torch's
                low, high = value_range(model_space, self._masks_missing, self.likelihood_)

        config = self._train_config(flat, y_index)
        if continued:  # the KL warm-up and other schedules go on, not start again
            config = dataclasses.replace(config, epochs_before=int(self.n_iter_))
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        model = self.model_ if continued else self._new_model(low, high, seed, flat.shape[1])
        model.to(device)
        generator = torch.Generator(device).manual_seed(seed + 1)
        y_index = None if y_index is None else to_device(y_index, device)
        return FitRun(model, X_device, y_index, config, generator, seed, continued)

    def _new_model(self, low: np.ndarray, high: np.ndarray, seed: int, n_features: int):
        """The network of a new fit, its weights drawn from ``seed`` (``low``/``high``: the
        bounds of its input noise)."""
        # Layers draw default weights from the global RNG when built; fork it so fitting leaves
        # the user's random stream untouched (the weights are re-drawn from the seed below).
        with torch.random.fork_rng(devices=[]):
            model = self._build_model(
                len(getattr(self, "classes_", ())),
                torch.from_numpy(low),
                torch.from_numpy(high),
            )
        # a penalty of weight 0 (beta=0, sparsity_weight=0) or noise of level 0 regularizes
        # nothing either: those were not warned of, and reconstructed noisy rows as the plain
        # overcomplete autoencoder did
        off = [t for t in model.terms if t.weight == 0]
        noise = model.corruption is not None and model.corruption.level > 0
        if len(off) == len(model.terms) and not noise and self.latent_dim >= n_features:
            zero = (
                " (its penalty's weight, or noise level, is 0)" if off or model.corruption else ""
            )
            warnings.warn(
                f"latent_dim={self.latent_dim} is not smaller than the {n_features} input "
                f"features and nothing regularizes the code{zero}, so the autoencoder can learn "
                "the identity map. Use a smaller latent_dim, or a DenoisingAutoencoder, "
                "SparseAutoencoder or ContractiveAutoencoder.",
                UserWarning,
                stacklevel=caller_level(),
            )
        reset_parameters(model, torch.Generator().manual_seed(seed))
        return model

    def _finish_fit(self, run: FitRun, result: TrainResult, interrupted: bool = False) -> None:
        """What ``fit`` does after the trainer: keep the network, its history and the kind's
        extras (``_after_training``); ``interrupted`` (a KeyboardInterrupt stopped the training,
        :mod:`aekit.estimators.interrupted_fits`): without the check that it learned, a pass
        over the training rows after Ctrl-C whose advice on stopping early would be false."""
        self.model_ = run.model
        if run.continued:
            self.n_iter_, self.history_ = self._continued_history(result)
        else:
            self.n_iter_, self.history_ = result.n_iter, result.history
        self.best_loss_ = result.best_loss
        keep_resolved(self, run.config.batch_size, run.generator.device)  # of "auto"
        self._after_training(run.X, run.y, run.seed)
        if not interrupted:  # else the interrupt's warning says what is unfinished
            self._warn_of_unfinished_training()
            self._warn_if_no_better_than_mean(run.X, run.y)
        # a fitted network needs no inference copy until it is used (fit then save)
        inference_copies.forget(self.model_)
        remember_fitted_params(self)  # what save keeps (persistence)

    def _prepare_disk(self, flat: DiskRows, device: torch.device, continued: bool = False):
        """``fit``'s view of rows on disk: the streaming pass (checks, value range, scale,
        fingerprint), then the rows in the model's space on ``device`` and the noise bounds.
        ``continued`` (warm_start): the first fit's scale and likelihood stay."""
        groups = categorical_groups(self)

        def check(rows: np.ndarray, first_row: int) -> None:  # a chunk of the rows on disk
            check_categorical_groups(rows, groups, self.architecture, first_row)

        fit_pass(flat, check, digest=self.checkpoint_dir is not None)
        if not continued:
            self.likelihood_ = likelihood_of(flat, self.likelihood)
            self.data_mean_, self.data_scale_ = fit_scale(self, flat)
        X_model = self._to_model(flat).to(device)
        low, high = model_range(
            flat, self.data_mean_, self.data_scale_, X_model.shape, self.likelihood_
        )
        return X_model, low, high

    def _after_training(self, X_model: torch.Tensor, y_index: torch.Tensor | None, seed: int):
        """Hook: anything a kind fits on top of the trained network."""

    def _warn_of_unfinished_training(self) -> None:
        """Hook: a kind's warning of a schedule that ``max_iter`` cut short (a VAE's KL
        warm-up), after a fit that ran to its end; an interrupted one says it in its own
        warning (``_interrupted_note``), where advice to raise ``max_iter`` would be false."""

    _interrupted_note = ""  # what the warning of an interrupted fit adds (see above)

    @property
    def loss_curve_(self) -> list[float]:
        return self.history_["loss"]

    @property
    def validation_scores_(self) -> list[float] | None:
        """Minus the validation loss per epoch (higher is better), with early stopping."""
        val = self.history_.get("val_loss")
        return None if val is None else [-v for v in val]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # networks compute in float32
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")
