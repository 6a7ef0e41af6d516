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

from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from aekit.core.latent import Code
from aekit.core.objectives import Term
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._params import is_number


class BinaryLatent(nn.Module):
    """Bit probabilities ``p`` as the code's mean; hard bits with a straight-through gradient
    when sampled in training, hard bits at evaluation."""

    stochastic = False

    def __init__(self, in_features: int, n_bits: int) -> None:
        super().__init__()
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
        uniform = torch.rand(p.shape, generator=generator, device=p.device, dtype=p.dtype)
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
    """Autoencoder with a ``latent_dim``-bit binary code; the network inside
    :class:`aekit.SemanticHasher` (use that for hashing: it returns 0/1 codes and builds
    indexes).

    Parameters
    ----------
    similarity_weight : float, default=300.0
        Weight of the :class:`NeighbourContrast` term against the reconstruction loss, per
        row; 0 gives a plain binary autoencoder.
    temperature : float, default=0.1
        Softmax temperature of that term.
    {shared_parameters}
    """

    _own_params: ClassVar[dict[str, Any]] = {"similarity_weight": 300.0, "temperature": 0.1}

    def _param_checks(self) -> dict[str, bool]:
        return {
            **super()._param_checks(),
            "similarity_weight": is_number(self.similarity_weight) and self.similarity_weight >= 0,
            "temperature": is_number(self.temperature) and self.temperature > 0,
        }

    def _make_latent(self, in_features: int) -> nn.Module:
        return BinaryLatent(in_features, self.latent_dim)

    def _make_terms(self) -> list[Term]:
        if self.similarity_weight == 0:
            return []
        return [NeighbourContrast(self.similarity_weight, self.temperature)]
