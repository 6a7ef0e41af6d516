"""ContractiveAutoencoder: codes that change little under small changes of the input."""

from __future__ import annotations

import os
from numbers import Real
from typing import Any, ClassVar

from aekit.core.objectives import ContractivePenalty, Term
from aekit.data.intervals import Interval
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._docs import FITTED_ATTRIBUTES, WARM_START_PARAMETER


class ContractiveAutoencoder(BaseAutoencoder):
    __doc__ = (
        """Autoencoder with the contractive penalty of Rifai et al. (2011).

    The penalty, ``contractive_weight * ||dh/dx~||_F^2``, is the exact squared Frobenius norm
    of the Jacobian of the code ``h`` with respect to the encoder's input ``x~``, for any
    encoder, so codes change little under small changes of the input. The loss is the batch
    mean of ``-log p(x | g(h(x~))) + contractive_weight * ||dh/dx~||_F^2``: Rifai et al.'s
    ``J_CAE``, a sum over the examples, divided by their number. With the Bernoulli likelihood
    the first term is their cross-entropy, so ``contractive_weight`` is their lambda; with the
    Gaussian one it is half their squared error (plus a constant), so their lambda on the
    squared error is ``2 * contractive_weight``. Two more things differ from Rifai et al.'s
    model:

    * **The input is the model's.** Gaussian features are standardized,
      ``x~_j = (x_j - data_mean_j) / data_scale_j``, so column j of the Jacobian is the raw
      one's times ``s_j = data_scale_j``, ``dh/dx~_j = s_j dh/dx_j``, and the penalty is
      ``sum_j s_j^2 ||dh/dx_j||^2``: contraction per standard deviation of each feature, not
      per unit of it, so features in different units weigh alike. On the raw digits (values
      0..16, 20 epochs; ``benchmarks/contractive.py``) the mean penalty was 4.30 where
      ``||dh/dx||_F^2`` in the data's units was 180.5 (a near-constant pixel, ``s_j = 0.024``,
      weighs ``1 / s_j^2`` more there). [0, 1] data is used as is: the two are the same.
    * **The code is linear** (Rifai et al.'s is a sigmoid) and the decoder untied, so the
      penalty also falls by shrinking the code's scale, which the decoder undoes. Digits / 16,
      60 epochs (same script), ``||J||_F^2`` and the code's total variance ``sum_j Var(h_j)``: plain
      :class:`Autoencoder` 289 and 54.9 (ratio 5.26, reconstruction error 0.85); weight 0.1
      2.68 and 1.00 (2.68, 1.19); weight 10 0.042 and 0.027 (1.57, 2.77). ``||J||_F^2`` falls
      100x to 7,000x, the scale-free sensitivity ``||J||_F^2 / sum_j Var(h_j)`` 2x to 3.4x:
      compare the codes of different weights after scaling them.

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
        + """    contractive_weight : float, default=0.1
        Weight of the Jacobian penalty (nats per row per unit of ``||dh/dx~||_F^2``).

    Attributes
    ----------"""
        + FITTED_ATTRIBUTES
        + "    "
    )

    _parameter_constraints: ClassVar[dict[str, list]] = {
        **BaseAutoencoder._parameter_constraints,
        "contractive_weight": [Interval(Real, 0, None, closed="left")],
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
        contractive_weight: float = 0.1,
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
        self.contractive_weight = contractive_weight

    def _make_terms(self) -> list[Term]:
        return [ContractivePenalty(self.contractive_weight)]
