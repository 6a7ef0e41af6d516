"""The autoencoder under :class:`aekit.Compressor`: a code that survives rounding.

Training follows Ballé, Laparra & Simoncelli (2017, "End-to-end optimized image compression",
sec. 2): rounding has no useful gradient, so in training the code is perturbed by additive
uniform noise ``z + u, u ~ U(-1/2, 1/2)``, which has the same marginal effect on the decoder as
quantizing with step 1; at compression time the code is rounded (with step ``step``). The rate
term is the code's cost under a Laplace prior of unit scale, ``sum_j |z_j|`` nats up to a
constant: with the noise width fixed, shrinking the code saves bits and costs fidelity, and
``rate_weight`` (the lambda of the rate-distortion objective ``D + lambda R``) sets the balance.
"""

from __future__ import annotations

import os
from numbers import Real
from typing import Any, ClassVar

import torch
from torch import nn

from aekit.core import sharding
from aekit.core.latent import Code, DeterministicLatent
from aekit.core.objectives import L1Sparsity, Term
from aekit.data.intervals import Interval
from aekit.estimators import FITTED_ATTRIBUTES, WARM_START_PARAMETER, BaseAutoencoder


class NoisyLatent(DeterministicLatent):
    """A deterministic code that, in training, is sampled as ``z + U(-1/2, 1/2)``."""

    def sample(self, code: Code, generator: torch.Generator | None = None) -> torch.Tensor:
        if not self.training:
            return code.mean
        z = code.mean
        noise = sharding.rand(z.shape, generator=generator, device=z.device, dtype=z.dtype)
        noise = noise - 0.5
        return z + noise


class LaplaceRate(L1Sparsity):
    """``sum_j |z_j|``: minus the log density of the code under a unit Laplace prior, up to a
    constant; a differentiable stand-in for the rate in nats."""

    name = "rate"


class QuantizingAutoencoder(BaseAutoencoder):
    __doc__ = (
        """Autoencoder trained for quantized codes; the network inside :class:`aekit.Compressor`.

    Parameters
    ----------
    latent_dim : int, default=8
        Size of the code (the bottleneck). At least the number of features makes the model
        overcomplete.
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
        + """    rate_weight : float, default=0.01
        lambda of ``distortion + lambda * rate`` (see :mod:`aekit.compression.quantized`).

    Attributes
    ----------"""
        + FITTED_ATTRIBUTES
        + "    "
    )

    _shown_as = "Compressor"  # in progress bars
    # a Compressor takes no likelihood: the pixel warning's "pass likelihood='gaussian'" was
    # refused ("Compressor has no parameter likelihood")
    _keep_the_gaussian = "or leave X as it is: the Compressor keeps this model"
    _checks_convergence = False  # the Compressor checks its decompressed rows itself

    _parameter_constraints: ClassVar[dict[str, list]] = {
        **BaseAutoencoder._parameter_constraints,
        "rate_weight": [Interval(Real, 0, None, closed="left")],
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
        rate_weight: float = 0.01,
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
        self.rate_weight = rate_weight

    def _make_latent(self, in_features: int) -> nn.Module:
        return NoisyLatent(in_features, self.latent_dim)

    def _make_terms(self) -> list[Term]:
        return [LaplaceRate(self.rate_weight)] if self.rate_weight else []
