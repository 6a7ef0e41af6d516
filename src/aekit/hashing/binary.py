"""The autoencoder under :class:`aekit.SemanticHasher`: a binary bottleneck and a term that keeps
neighbours' codes close.

* :class:`BinaryLatent`: ``p = sigmoid(BN(W f + b))``; in training the decoder sees stochastic
  bits ``b ~ Bernoulli(p)`` with the straight-through gradient ``db/dp = 1`` (Bengio et al.
  2013), so it learns to reconstruct from binary codes, and the index stores ``1[p > 1/2]``
  (Salakhutdinov & Hinton 2009 pushed codes to 0/1 with noise before the sigmoid instead). The
  batch normalization keeps the bits balanced; without it the code collapsed to a constant in
  our runs.
* :class:`NeighbourContrast`: reconstruction alone spends bits on stroke thickness and slant as
  much as on shape, which Hamming ranking then cannot tell apart. This term treats each row's
  nearest neighbour in the batch (in input space) as its positive and the rest of the batch as
  negatives, an InfoNCE loss (van den Oord et al. 2018, eq. 4) on the codes' inner products, so
  rows that are close in the data get codes that are close in Hamming distance. It uses no
  labels: the hasher stays unsupervised.
"""

from __future__ import annotations

import os
from numbers import Real
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from aekit.core import sharding
from aekit.core.latent import Code
from aekit.core.objectives import Term
from aekit.data.intervals import Interval
from aekit.estimators import FITTED_ATTRIBUTES, WARM_START_PARAMETER, BaseAutoencoder


class BinaryLatent(nn.Module):
    """Bit probabilities ``p`` as the code's mean; hard bits with a straight-through gradient
    when sampled in training, hard bits at evaluation (the validation loss). The network's
    deterministic code is ``p``: its ``transform``, and ``reconstruct`` and ``score_samples``,
    which decode ``p``; :class:`aekit.SemanticHasher` thresholds it, ``1[p > 1/2]``, and
    ``inverse_transform`` of those bits decodes what the index stores."""

    stochastic = False

    def __init__(self, in_features: int, n_bits: int) -> None:
        super().__init__()
        self.latent_dim = n_bits
        self.head = nn.Linear(in_features, n_bits)
        # Each bit's logit is standardized over the batch (running statistics at inference), so
        # every bit is on for about half the rows: a balanced bit carries the most information
        # (Weiss et al. 2009, spectral hashing's balance constraint). Without it the code
        # collapses early to a constant the decoder can ignore.
        self.norm = nn.BatchNorm1d(n_bits, affine=False)

    def forward(self, features: torch.Tensor) -> Code:
        logits = self.head(features)
        if self.training and len(logits) == 1:  # batch statistics need two rows
            logits = F.batch_norm(logits, self.norm.running_mean, self.norm.running_var)
        else:
            logits = self.norm(logits)
        return Code(torch.sigmoid(logits))

    def sample(self, code: Code, generator: torch.Generator | None = None) -> torch.Tensor:
        p = code.mean
        if not self.training:
            return (p > 0.5).to(p.dtype)
        # stochastic binary units: b ~ Bernoulli(p), whose expectation is p, with the
        # straight-through gradient db/dp = 1; a hard threshold here lets every unit saturate
        # to a constant early on, where the sigmoid's gradient vanishes
        uniform = sharding.rand(p.shape, generator=generator, device=p.device, dtype=p.dtype)
        bits = (uniform < p).to(p.dtype)
        return bits + p - p.detach()


class NeighbourContrast(Term):
    """InfoNCE over the batch: each row's nearest other row (Euclidean, in the encoder's input
    space) is its positive. Similarity of codes ``s_ij = <2p_i - 1, 2p_j - 1> / n_bits``, which
    for hard bits is ``1 - 2 * hamming_ij / n_bits``; the loss is
    ``-log softmax_j(s_ij / temperature)[nearest(i)]`` averaged over rows."""

    name = "similarity"

    def __init__(self, weight: float, temperature: float) -> None:
        super().__init__(weight)
        self.temperature = float(temperature)

    def forward(self, x_in: torch.Tensor, code: Code, model: nn.Module) -> torch.Tensor:
        if len(x_in) < 2:
            return code.mean.sum() * 0.0
        with torch.no_grad():
            flat = x_in.flatten(1)
            distances = torch.cdist(flat, flat)
            distances.fill_diagonal_(float("inf"))
            nearest = distances.argmin(dim=1)
        signs = 2 * code.mean - 1
        similarity = signs @ signs.T / signs.shape[1]
        eye = torch.eye(len(signs), dtype=torch.bool, device=signs.device)
        logits = (similarity / self.temperature).masked_fill(eye, float("-inf"))
        return F.cross_entropy(logits, nearest)


class BinaryAutoencoder(BaseAutoencoder):
    __doc__ = (
        """Autoencoder with a ``latent_dim``-bit binary code; the network inside
    :class:`aekit.SemanticHasher` (use that for hashing: it returns 0/1 codes and builds
    indexes).

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
        + """    similarity_weight : float, default=300.0
        Weight of the :class:`NeighbourContrast` term against the reconstruction loss, per
        row; 0 gives a plain binary autoencoder.
    temperature : float, default=0.1
        Softmax temperature of that term.

    Attributes
    ----------"""
        + FITTED_ATTRIBUTES
        + "    "
    )

    _shown_as = "SemanticHasher"  # in progress bars
    # a SemanticHasher takes no likelihood: its pixel warning may not advise one
    _keep_the_gaussian = "or leave X as it is: the SemanticHasher keeps this model"
    _checks_convergence = False  # its codes are the point, and its tests measure them

    _parameter_constraints: ClassVar[dict[str, list]] = {
        **BaseAutoencoder._parameter_constraints,
        "similarity_weight": [Interval(Real, 0, None, closed="left")],
        "temperature": [Interval(Real, 0, None, closed="neither")],
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
        similarity_weight: float = 300.0,
        temperature: float = 0.1,
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
        self.similarity_weight = similarity_weight
        self.temperature = temperature

    def _make_latent(self, in_features: int) -> nn.Module:
        return BinaryLatent(in_features, self.latent_dim)

    def _make_terms(self) -> list[Term]:
        if self.similarity_weight == 0:
            return []
        return [NeighbourContrast(self.similarity_weight, self.temperature)]
