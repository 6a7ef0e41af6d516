"""DenoisingAutoencoder: trained to undo corruption of its input."""

from __future__ import annotations

import os
import warnings
from numbers import Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import torch
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from aekit.core.objectives import Corruption
from aekit.core.objectives.corruption import (
    NOISES,
    SCHEDULES,
    noise_level_rule,
    valid_noise_level,
)
from aekit.data.intervals import Interval
from aekit.data.lazy import Dataset
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._docs import FITTED_ATTRIBUTES, WARM_START_PARAMETER
from aekit.estimators.clip_ranges import clipped_ranges
from aekit.warning_lines import caller_level


class DenoisingAutoencoder(BaseAutoencoder):
    __doc__ = (
        """Autoencoder that learns to undo corruption (Vincent et al. 2008).

    In training the encoder sees a corrupted copy of each row and the loss compares the output
    with the clean row; ``reconstruct`` (or ``denoise``) then cleans noisy data.

    The corruption acts in the model's space: data in [0, 1] as is, Gaussian features
    standardized (one-hot categorical groups as given). Its bounds (Gaussian noise's clip,
    salt-and-pepper's values) are 0 and 1 for every feature of [0, 1] data, the support of the
    Bernoulli likelihood, so a pixel that is 0 in every training image still gets salt; for
    Gaussian data they are each feature's training minimum and maximum. Masking and dropout
    write 0 in the model's space: 0 for [0, 1] data (and in one-hot groups), the feature's
    training mean for standardized features.

    Parameters
    ----------
    latent_dim : int, default=8
        Size of the code (the bottleneck). At least the number of features makes the model
        overcomplete (warned of where nothing regularizes the code).
    hidden_layer_sizes : int or array-like of int, default=None
        Widths of the encoder's hidden layers (the decoder mirrors them); for ``"conv"`` and
        ``"conv1d"``, the channels of its stride-2 convolutions; for ``"lstm"``/``"gru"``, the
        widths of its stacked recurrent layers. None means ``(256, 128)`` for ``"mlp"``,
        ``(32, 64)`` for ``"conv"``, ``(32, 16)`` for ``"conv1d"`` and ``(64,)`` for the RNNs.
    architecture : {"mlp", "conv", "conv1d", "lstm", "gru"}, default="mlp"
        Dense networks for vectors, 3x3 convolutions for images, width-7 1-D convolutions or
        a recurrent sequence-to-sequence network for sequences.
    image_shape : tuple (C, H, W), default=None
        Image shape for ``architecture="conv"`` when X is 2-D; taken from X when X is 4-D.
    sequence_shape : tuple (channels, length), default=None
        Sequence shape for ``"conv1d"``, ``"lstm"`` and ``"gru"`` when X is 2-D (a row holds
        channel 0's steps, then channel 1's, ...); taken from X when X is 3-D
        ``(n, channels, length)``.
    activation : {"relu", "tanh", "logistic", "elu", "gelu", "silu", "leaky_relu"}, default="relu"
        Hidden-layer activation.
    likelihood : {"auto", "bernoulli", "gaussian"}, default="auto"
        Reconstruction likelihood. ``"auto"``: Bernoulli (binary cross-entropy on logits) when
        all of X lies in [0, 1], else Gaussian on standardized features with a linear output.
    categorical_groups : tuple of (int, int), default=None
        ``(start, stop)`` column ranges of X that each hold the one-hot code of a categorical
        feature (``aekit.data.tabular.TabularEncoder().fit(df).categorical_groups_`` gives them).
        Each group gets a softmax cross-entropy likelihood and is not standardized; the
        reconstruction of a group is its categories' probabilities. ``architecture="mlp"`` only.
    max_iter : int, default=100
        Maximum number of epochs.
    batch_size : int or "auto", default="auto"
        Rows per gradient step; ``"auto"`` is ``min(200, n_samples)``, and below 1,000 rows
        ``n_samples**2 // 5000`` (at least 32): more steps an epoch on small data.
    learning_rate_init : float, default=1e-3
        Adam's learning rate.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows, stop when the validation loss stalls and
        keep the best weights. Otherwise training stops when the training loss stalls.
    validation_fraction : float, default=0.1
        Fraction of rows held out when ``early_stopping``.
    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before stopping.
    tol : float, default=1e-4
        Smallest loss improvement that counts, in the units of ``loss_curve_`` (nats per row
        in the model's space).
    checkpoint_dir : str or path, default=None
        Write ``checkpoint.safetensors`` there after every epoch; a later ``fit`` with the same
        folder, parameters and data resumes from it.
    random_state : int, RandomState or None, default=None
        Seeds the weights, the shuffling and all noise, inside ``fit``; no global seeding.
    device : {"auto", "cpu", "cuda", "cuda:N"} or torch.device, default="auto"
        Where to train; ``"auto"`` takes a GPU when PyTorch sees one.
    precision : {"float32", "bf16"}, default="float32"
        Arithmetic of the training forward passes. ``"bf16"``: bfloat16 autocast (weights,
        gradients and the optimizer stay float32); faster for convolutional networks on GPUs
        with bfloat16 units, usually not for small dense ones. Inference is float64 either way.
    compile : bool, default=False
        Train through ``torch.compile`` (on CUDA with CUDA graphs, ``mode="reduce-overhead"``):
        a faster step after a compilation of some seconds, for long runs of small networks.
        Where compilation is unavailable, a ``RuntimeWarning`` says so and training runs
        eagerly, with the same results.
    distributed : "auto" or bool, default="auto"
        Train with PyTorch's DistributedDataParallel over the processes ``torchrun`` started
        (NCCL on GPUs, gloo on CPUs): ``"auto"`` does when the environment says
        ``WORLD_SIZE > 1``, ``False`` trains each process on its own. ``batch_size`` is the
        global batch, split among the processes, which reach the weights of one process.
    verbose : bool, default=False
        Show a progress bar with the epoch, losses and time left.
"""
        + WARM_START_PARAMETER
        + """    noise : {"gaussian", "masking", "salt_pepper", "dropout"}, default="gaussian"
        Corruption, in the model's space (see above): additive Gaussian noise clipped to the
        bounds; entries set to 0 (masking: 0 for [0, 1] data, the training mean for
        standardized features); entries set to the lower or the upper bound, equally likely
        (0 or 1 for [0, 1] data, the feature's training minimum or maximum otherwise); or
        masking whose kept entries are scaled by ``1 / (1 - noise_level)`` (inverted dropout;
        for standardized features, their distance from the mean).
    noise_level : float, default=0.3
        Standard deviation of the Gaussian noise (in standardized units for Gaussian data, in
        the data's units for [0, 1] data), or the probability that an entry is corrupted, each
        entry independently: a row's share of corrupted entries varies around it (Vincent et al.
        2008, 2010 corrupt exactly that fraction of each row, chosen at random).
    noise_schedule : {"fixed", "uniform"}, default="fixed"
        ``"fixed"``: every row corrupted at ``noise_level``. ``"uniform"``: each row's level drawn
        from ``U(0, noise_level)`` at every step, so the network learns to undo every amount of
        noise up to ``noise_level`` (the noise-level range of DDAE, Sattarov et al. 2025).

    Attributes
    ----------"""
        + FITTED_ATTRIBUTES
        + "    "
    )

    _parameter_constraints: ClassVar[dict[str, list]] = {
        **BaseAutoencoder._parameter_constraints,
        "noise": [StrOptions(set(NOISES))],
        "noise_level": [Interval(Real, 0, None, closed="left")],
        "noise_schedule": [StrOptions(set(SCHEDULES))],
    }

    def __init__(
        self,
        *,
        latent_dim: int = 8,
        hidden_layer_sizes: tuple[int, ...] | None = None,
        architecture: str = "mlp",
        image_shape: tuple[int, int, int] | None = None,
        sequence_shape: tuple[int, int] | None = None,
        activation: str = "relu",
        likelihood: str = "auto",
        categorical_groups: tuple[tuple[int, int], ...] | None = None,
        max_iter: int = 100,
        batch_size: int | str = "auto",
        learning_rate_init: float = 1e-3,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        checkpoint_dir: str | os.PathLike | None = None,
        random_state: Any = None,
        device: str = "auto",
        precision: str = "float32",
        compile: bool = False,
        distributed: bool | str = "auto",
        verbose: bool = False,
        warm_start: bool = False,
        noise: str = "gaussian",
        noise_level: float = 0.3,
        noise_schedule: str = "fixed",
    ) -> None:
        super().__init__(
            latent_dim=latent_dim,
            hidden_layer_sizes=hidden_layer_sizes,
            architecture=architecture,
            image_shape=image_shape,
            sequence_shape=sequence_shape,
            activation=activation,
            likelihood=likelihood,
            categorical_groups=categorical_groups,
            max_iter=max_iter,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            checkpoint_dir=checkpoint_dir,
            random_state=random_state,
            device=device,
            precision=precision,
            compile=compile,
            distributed=distributed,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.noise = noise
        self.noise_level = noise_level
        self.noise_schedule = noise_schedule

    def _check_params(self) -> None:
        super()._check_params()
        if not valid_noise_level(self.noise, self.noise_level, self.noise_schedule):
            raise ValueError(  # (the constraints say >= 0)
                f"noise_level={self.noise_level!r} is out of range for noise={self.noise!r}: it "
                f"is {noise_level_rule(self.noise)} (only noise='gaussian' takes a level over 1"
                + (
                    "; noise_schedule='uniform' takes 1, drawing the levels below it)."
                    if self.noise in ("masking", "dropout")
                    else ")."
                )
            )

    def _make_corruption(self, low: torch.Tensor, high: torch.Tensor) -> Corruption:
        return Corruption(self.noise, self.noise_level, low, high, self.noise_schedule)

    def denoise(self, X: Any) -> np.ndarray:
        """Clean noisy X: :meth:`reconstruct` of X clipped to the range of training's inputs.

        Noisy data is by definition off the clean data's range (``X + N(0, sigma)`` of images
        in [0, 1] leaves it). In training the corrupted inputs kept to a range: Gaussian noise
        was clipped to the clean data's ([0, 1] for data in [0, 1], else each feature's training
        minimum and maximum), and dropout's kept values were scaled by ``1 / (1 - noise_level)``
        (up to 1.43 at 0.3). X is clipped to that range, as the model saw its noisy inputs, with
        a warning counting the clipped values and saying each clipped feature's range
        (``np.clip`` X first to silence it).
        :meth:`reconstruct` clips nothing: a value outside [0, 1] given to a model of [0, 1]
        data is an error there. Data on disk (a dataset) is passed on as it is.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Noisy rows, as ``fit`` takes rows.

        Returns
        -------
        X_clean : ndarray shaped like X
            Their reconstructions (probabilities for Bernoulli data, values on X's scale
            otherwise).
        """
        check_is_fitted(self)
        X, in_range = self._within_noise_range(X)
        if not in_range:
            return self.reconstruct(X)
        # X lies where the noisy training inputs did: a dropout model of [0, 1] data saw values
        # above 1 there, which reconstruct's check of [0, 1] would refuse (_check_range)
        self._inputs_in_noise_range = True
        try:
            return self.reconstruct(X)
        finally:
            del self._inputs_in_noise_range

    def input_range(self) -> tuple[np.ndarray, np.ndarray]:
        """The lowest and highest value of each of X's values among the noisy inputs training
        saw, in X's own units: the range :meth:`denoise` clips X to.

        Returns
        -------
        low, high : ndarray shaped like one row of X ((n_features,), (C, H, W) or (C, L))
            ``np.clip(X, *denoiser.input_range())`` is X as denoise reads it, without the
            warning of clipped values.
        """
        check_is_fitted(self)
        low, high = self._bounds()
        if self.data_mean_ is not None:  # the bounds on X's scale
            low, high = (v * self.data_scale_ + self.data_mean_ for v in (low, high))
        shape = self.image_shape_ or self.sequence_shape_ or (len(low),)
        return low.reshape(shape), high.reshape(shape)

    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The noisy training inputs' range where the model reads them (standardized, flat)."""
        return tuple(
            bound.detach().cpu().numpy().reshape(-1)
            for bound in self.model_.corruption.input_bounds()
        )

    def _check_range(self, flat: np.ndarray) -> None:
        if not getattr(self, "_inputs_in_noise_range", False):
            super()._check_range(flat)

    def _within_noise_range(self, X: Any) -> tuple[Any, bool]:
        """X clipped to the range of the noisy inputs training saw, in X's own space, and
        whether X was checked (False where reconstruct is left to say what is wrong)."""
        if isinstance(X, Dataset) or self.model_.corruption is None:
            return X, False
        low, high = self._bounds()
        frame = X if isinstance(X, pd.DataFrame) else None
        values = np.asarray(X if frame is None else X.to_numpy())
        if values.dtype.kind not in "fiub" or values.ndim < 2 or not values.size:
            return X, False  # text, a wrong shape or no rows: reconstruct says so in its words
        if values.dtype.kind not in "f":
            values = values.astype(np.float32)
        flat = values.reshape(len(values), -1)
        if flat.shape[1] != len(low) or not np.isfinite(flat).all():
            return X, False  # a wrong width, NaN or inf: reconstruct says so in its words
        # Compared where the bounds were taken, in float32 rows standardized as fit did: a
        # value at a feature's training extreme is then exactly on its bound, never outside.
        model = flat.astype(np.float32)
        if self.data_mean_ is not None:  # from X's own values: float64 ones keep their precision
            model = self._to_model(flat).numpy().reshape(len(flat), -1)
        # dropout's bounds are scaled ones, rounded apart from X's values scaled elsewhere: a
        # few float32 steps of slack keep its own noise at the bound inside
        slack = 4 * np.finfo(np.float32).eps * np.maximum(np.abs(low), np.abs(high))
        below, above = model < low - slack, model > high + slack
        outside = int(np.count_nonzero(below | above))
        if not outside:
            return X, True
        self._warn_clipped(flat, outside, below | above)
        if self.data_mean_ is not None:  # the bounds on X's scale
            low, high = (v * self.data_scale_ + self.data_mean_ for v in (low, high))
        clipped = np.where(below, low, np.where(above, high, flat))
        clipped = clipped.astype(values.dtype).reshape(values.shape)
        if frame is None:
            return clipped, True
        return pd.DataFrame(clipped, index=frame.index, columns=frame.columns), True

    def _warn_clipped(self, flat: np.ndarray, outside: int, clipped: np.ndarray) -> None:
        """The warning that denoise clipped ``outside`` values of X (``clipped``, a mask shaped
        like ``flat``), naming the ranges of the features clipped (refused instead where X is
        on another scale than a model of [0, 1] data: images of 0..255)."""
        scaled = self.noise == "dropout" and 0 < self.noise_level < 1
        if self.likelihood_ == "bernoulli":
            _refuse_another_scale(flat)
            top = 1 / (1 - self.noise_level) if scaled else 1.0
            where, fix = f"[0, {top:.3g}]", f"np.clip(X, 0, {top:.3g})"
            where += ", the range of the noisy training inputs"
        else:
            where = "each feature's training minimum and maximum"
            fix = "np.clip(X, *model.input_range())"
            if scaled:
                where += f" times {1 / (1 - self.noise_level):.3g}"
            low, high = (bound.reshape(-1) for bound in self.input_range())
            names = getattr(self, "feature_names_in_", None)
            where += f" ({clipped_ranges(clipped, low, high, names)})"
        if scaled:
            where += f" (dropout scales the values it keeps by 1 / (1 - {self.noise_level:g}))"
        warnings.warn(
            f"denoise clipped {outside} of {flat.size} values of X ({outside / flat.size:.1%}) "
            f"to {where}, as the model saw its noisy inputs; clip X yourself ({fix}) to silence "
            "this.",
            UserWarning,
            stacklevel=caller_level(),
        )


# How far beyond [0, 1] noise can take a value of [0, 1] data: 50 times the range, beyond any
# noise a denoiser is trained on (Gaussian noise of standard deviation 3 is 16 of its standard
# deviations short of it), where images of 0..255 reach 255.
FAR_BEYOND = 50.0


def _refuse_another_scale(rows: np.ndarray) -> None:
    """Images of 0..255 given to a model of [0, 1] data were clipped to [0, 1] with a warning
    whose fix (np.clip) silences the mistake and keeps the damage: refused, as reconstruct
    refuses them."""
    low, high = float(np.nanmin(rows)), float(np.nanmax(rows))
    if high > FAR_BEYOND or low < 1.0 - FAR_BEYOND:
        raise ValueError(
            f"X ranges over [{low:g}, {high:g}], far beyond [0, 1], the range of the training "
            "data: noise does not go so far. Scale X as the training data was scaled (images "
            "of 0..255: X / 255)."
        )
