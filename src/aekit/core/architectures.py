"""Layer 2: the architectures by name, the one place that turns ``architecture=`` and a row's
shape into an encoder and its mirrored decoder.

=========  =====================  ==========================================================
name       one row                networks
=========  =====================  ==========================================================
mlp        (D,)                   dense layers (:class:`aekit.core.nets.MLPEncoder`)
conv       (C, H, W)              3x3 stride-2 convolutions (:class:`aekit.core.nets.ConvEncoder`)
conv1d     (C, L)                 width-7 stride-2 1-D convolutions, same classes
lstm, gru  (C, L)                 a sequence-to-sequence RNN (:mod:`aekit.core.recurrent`)
=========  =====================  ==========================================================

A conditional model's one-hot label joins the encoder's input as extra features (mlp) or
constant channels (the others), so the encoder is built for ``C + n_classes`` channels.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from aekit.core.nets import ConvDecoder, ConvEncoder, MLPDecoder, MLPEncoder
from aekit.core.recurrent import RECURRENT_CELLS, RecurrentDecoder, RecurrentEncoder

SEQUENCE_ARCHITECTURES = ("conv1d", *RECURRENT_CELLS)
ARCHITECTURES = ("mlp", "conv", *SEQUENCE_ARCHITECTURES)

# Encoder widths (channels for convolutions), the decoder mirroring them. conv1d follows the
# Keras time-series anomaly-detection example (Conv1D 32 then 16 filters, kernel 7, stride 2):
# a kernel of 7 samples sees a local shape (a QRS complex at 140 samples per beat) where 3
# sees little more than a slope; the code's dense layer sees the whole (downsampled) sequence.
DEFAULT_HIDDEN: dict[str, tuple[int, ...]] = {
    "mlp": (256, 128),
    "conv": (32, 64),
    "conv1d": (32, 16),
    "lstm": (64,),
    "gru": (64,),
}
KERNEL_SIZE = {"conv": 3, "conv1d": 7}


def make_encoder(
    architecture: str, shape: Sequence[int], hidden: Sequence[int], activation: str
) -> nn.Module:
    """``x (n, *shape) -> features (n, out_features)``; ``activation`` is unused by RNNs (their
    gates have their own)."""
    if architecture == "mlp":
        return MLPEncoder(int(shape[0]), hidden, activation)
    if architecture in KERNEL_SIZE:
        return ConvEncoder(shape, hidden, activation, KERNEL_SIZE[architecture])
    return RecurrentEncoder(shape, hidden, architecture)


def make_decoder(
    architecture: str,
    in_features: int,
    shape: Sequence[int],
    hidden: Sequence[int],
    activation: str,
) -> nn.Module:
    """``z (n, in_features) -> output (n, *shape)``, the mirror image of :func:`make_encoder`."""
    if architecture == "mlp":
        return MLPDecoder(in_features, list(hidden)[::-1], int(shape[0]), activation)
    if architecture in KERNEL_SIZE:
        return ConvDecoder(in_features, shape, hidden, activation, KERNEL_SIZE[architecture])
    return RecurrentDecoder(in_features, shape, hidden, architecture)
