"""SparseAutoencoder: codes pushed towards zero by an L1 or a KL penalty."""

from __future__ import annotations

import os
import warnings
from dataclasses import replace
from numbers import Real
from typing import Any, ClassVar

from sklearn.utils._param_validation import StrOptions
from torch import nn

from aekit.core.config import TrainConfig
from aekit.core.dead_units import check_epochs, revive_dead_units
from aekit.core.latent import DeterministicLatent
from aekit.core.objectives import KLSparsity, L1Sparsity, Term
from aekit.core.recurrent import RECURRENT_CELLS
from aekit.data.intervals import Interval
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._docs import FITTED_ATTRIBUTES, WARM_START_PARAMETER
from aekit.warning_lines import caller_level

# sparsity_weight="auto": fixed weights per penalty, not tuned to the data (what they cost and
# give: benchmarks/sparsity.py)
AUTO_SPARSITY_WEIGHT = {"l1": 0.1, "kl": 1.0}
DEFAULT_SPARSITY_TARGET = 0.05


class SparseAutoencoder(BaseAutoencoder):
    __doc__ = (
        """Autoencoder whose codes are pushed towards zero.

    ``sparsity="l1"`` adds ``sparsity_weight * sum_j |h_j|`` on a ReLU code (exact zeros);
    ``sparsity="kl"`` adds ``sparsity_weight * sum_j KL(rho || rho_hat_j)`` on a sigmoid code,
    ``rho = sparsity_target`` and ``rho_hat_j`` unit j's mean activation over the training
    batch: Ng's average over the whole training set, estimated on each batch, so the penalty,
    and ``history_["sparsity"]``, depend on ``batch_size`` (the validation rows of
    ``early_stopping`` are read in chunks of ``4 * batch_size``, so their KL term takes
    ``rho_hat_j`` over those chunks). Before the KL term ``rho_hat_j`` is
    clamped to ``[1e-6, 1 - 1e-6]``: the term's logarithms are infinite at 0 and 1, so a unit
    off (or saturated) for a whole batch would make the loss infinite. The loss is the batch's
    mean reconstruction NLL plus ``sparsity_weight`` times the penalty (L1: its mean over the
    rows; KL: the batch's one value). Ng's ``J_sparse`` adds ``beta * sum_j KL`` to the mean of
    half the squared error, the Gaussian likelihood's NLL up to a constant, so there
    ``sparsity_weight`` is his ``beta``.

    What it costs and gives (``benchmarks/sparsity.py``, latent 8, defaults otherwise; digits:
    1,400 rows, 100 epochs; MNIST: 5,000 images, 30 epochs; reconstruction error of held-out
    rows as a multiple of the plain :class:`Autoencoder`'s, mean of seeds 0-2): the bounded
    code costs reconstruction before any penalty, the ReLU code alone (weight 0) 1.41x on the
    digits and 1.23x on MNIST, the sigmoid code alone 1.96x and 2.57x (seed 0). At the
    ``"auto"`` weight L1 gives 1.85x and 1.26x with 46% and 30% of the code's entries exactly
    0. KL (seed 0) gives 1.69x and 1.34x with a mean activation of 0.100 and 0.337 against
    ``rho = 0.05``; weight 10 reaches 0.054 on the digits (at 3.69x), not MNIST (0.098,
    1.61x). **Dead units**: a ReLU code unit whose input is
    negative for every row gets no gradient and stays 0; 2 to 5 of the 8 units died so, at
    weight 0 too, and the code was smaller than ``latent_dim``. ``revive_dead_units`` (the
    default) points them at badly reconstructed rows during training: 0 or 1 dead unit at the
    end, and a smaller error on MNIST (weight 0: 1.23x against 1.39x left dead; auto 1.26x
    against 1.42x), the same on the digits. ``(model.transform(X) > 0).any(axis=0)`` marks the
    live units. A sigmoid unit cannot die this way.

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
        + """    sparsity : {"l1", "kl"}, default="l1"
        The sparsity penalty.
    sparsity_weight : float or "auto", default="auto"
        Its weight against the reconstruction loss (nats per row, in the model's space);
        ``"auto"`` is 0.1 for ``"l1"`` and 1.0 for ``"kl"``, fixed numbers rather than tuned to
        the data: see the figures above. A larger KL weight brings the mean activation nearer
        ``rho`` at a larger reconstruction error; an L1 weight of 0.3 drives 99.6% of the
        digits' code entries to 0 (4.5x the plain model's error, seed 0).
    sparsity_target : float, default=0.05
        Target mean activation ``rho`` for ``sparsity="kl"``.
    revive_dead_units : bool, default=True
        With ``sparsity="l1"``: every ``max_iter // 20`` epochs (at least every epoch) up to
        three quarters of training, point each code unit that no row of a sample of 2,048
        activates at a badly reconstructed row (:mod:`aekit.core.dead_units`, after Bricken et
        al. 2023's neuron resampling). False leaves dead units dead, as plain training does.
        Not for ``"lstm"``/``"gru"``, whose decoder reads the code at every step. The checks
        follow ``max_iter``, so a checkpointed fit resumed with another ``max_iter`` follows
        the new schedule (as the cosine learning rate does).

    Attributes
    ----------"""
        + FITTED_ATTRIBUTES
        + "    "
    )

    _parameter_constraints: ClassVar[dict[str, list]] = {
        **BaseAutoencoder._parameter_constraints,
        "sparsity": [StrOptions({"l1", "kl"})],
        "sparsity_weight": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "sparsity_target": [Interval(Real, 0, 1, closed="neither")],
        "revive_dead_units": ["boolean"],
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
        sparsity: str = "l1",
        sparsity_weight: float | str = "auto",
        sparsity_target: float = DEFAULT_SPARSITY_TARGET,
        revive_dead_units: bool = True,
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
        self.sparsity = sparsity
        self.sparsity_weight = sparsity_weight
        self.sparsity_target = sparsity_target
        self.revive_dead_units = revive_dead_units

    def _check_params(self) -> None:
        super()._check_params()
        if self.sparsity == "l1" and self.sparsity_target != DEFAULT_SPARSITY_TARGET:
            warnings.warn(  # the L1 penalty has no target rate: the value would be ignored
                f"sparsity_target={self.sparsity_target!r} is the target rate of sparsity='kl' "
                "and has no effect with sparsity='l1'; drop it or use sparsity='kl'.",
                UserWarning,
                stacklevel=caller_level(),
            )

    def _make_latent(self, in_features: int) -> nn.Module:
        code_activation = "relu" if self.sparsity == "l1" else "logistic"
        return DeterministicLatent(in_features, self.latent_dim, code_activation)

    def _make_terms(self) -> list[Term]:
        weight = self.sparsity_weight
        if weight == "auto":
            weight = AUTO_SPARSITY_WEIGHT[self.sparsity]
        if self.sparsity == "l1":
            return [L1Sparsity(weight)]
        return [KLSparsity(weight, self.sparsity_target)]

    def _train_config(self, flat: Any, y_index: Any) -> TrainConfig:
        config = super()._train_config(flat, y_index)
        if self.sparsity != "l1" or not self.revive_dead_units:
            return config  # a sigmoid code (KL) has no dead units of this kind
        if self.architecture in RECURRENT_CELLS:
            # the code is also the recurrent decoder's input at every step: zeroing its first
            # layer's column would not leave the reconstructions unchanged (see dead_units)
            return config
        epochs = check_epochs(config.max_iter)

        def revive(module, X, completed, generator, optimizer, from_main) -> None:
            if completed in epochs:
                revive_dead_units(module, X, generator, optimizer, from_main)

        return replace(config, after_epoch=revive)

    def _after_training(self, X_model: Any, y_index: Any, seed: int) -> None:
        super()._after_training(X_model, y_index, seed)
        if self.sparsity == "l1":
            _warn_of_dead_units(self, X_model[:DEAD_UNIT_ROWS])


# The training rows a fitted ReLU code is checked on for dead units, and the share of dead units
# warned of: the digits keep 0 or 1 of 8 (revived); a table of 8 correlated columns lost 3 to 5
# of 8 with revival (a new user), and the code was smaller than asked without a word.
DEAD_UNIT_ROWS = 2000
DEAD_SHARE = 0.25


def _warn_of_dead_units(model: SparseAutoencoder, rows: Any) -> None:
    """Warn when more than :data:`DEAD_SHARE` of the code's units are 0 on every row of
    ``rows`` (training rows in the model's space)."""
    import numpy as np

    codes = model._batched(lambda network, x, yb: network.encode_code(x, yb), rows, None)
    dead = int((np.asarray(codes) <= 0).all(axis=0).sum())
    # revive_dead_units=True is the default, but its revival is skipped for recurrent kinds
    # (_train_config): say so, or the warning reads as though revival ran and failed
    skipped = model.revive_dead_units and model.architecture in RECURRENT_CELLS
    unrevived = (
        f" revive_dead_units does not apply to architecture={model.architecture!r} (its "
        "decoder reads the code at every step), so none was revived."
        if skipped
        else ""
    )
    if dead > DEAD_SHARE * model.latent_dim:
        warnings.warn(
            f"{type(model).__name__}: {dead} of the code's {model.latent_dim} units are 0 on "
            f"every one of {len(codes)} training rows (dead), so the code has "
            f"{model.latent_dim - dead}; a smaller sparsity_weight, or sparsity='kl' (a sigmoid "
            f"code has no dead units), keeps more.{unrevived}",
            UserWarning,
            stacklevel=caller_level(),
        )
