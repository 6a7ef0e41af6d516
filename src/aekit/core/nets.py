"""Layer 1: plain ``nn.Module`` builders for encoders and decoders.

Dense and convolutional networks, each decoder the mirror image of its encoder (the recurrent
ones are in :mod:`aekit.core.recurrent`, the table of names in :mod:`aekit.core.architectures`):

* ``MLPEncoder``/``MLPDecoder``: vectors (tabular rows, flattened images, signals).
* ``ConvEncoder``/``ConvDecoder``: images ``(C, H, W)`` or sequences ``(C, L)`` of any size, odd
  sizes included, by 2-D or 1-D convolutions. Each stride-2 convolution rounds its output size
  up; the mirrored transposed convolution gets exactly the ``output_padding`` that restores the
  size it came from, so no cropping is needed.

An encoder maps its input to a flat feature vector (``out_features`` attribute); the latent head
that turns features into a code lives in :mod:`aekit.core.latent`. A decoder maps a flat vector to
output parameters (logits or means), shaped like the input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,  # scikit-learn's name for the sigmoid
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "leaky_relu": nn.LeakyReLU,
}


def make_activation(name: str) -> nn.Module:
    """Return a fresh activation module for ``name`` (one of :data:`ACTIVATIONS`)."""
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(
            f"activation={name!r} is not supported; use one of {sorted(ACTIVATIONS)}."
        ) from None


def mlp(sizes: Sequence[int], activation: str, activate_last: bool) -> nn.Sequential:
    """Linear layers through ``sizes`` with ``activation`` between them."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2 or activate_last:
            layers.append(make_activation(activation))
    return nn.Sequential(*layers)


class MLPEncoder(nn.Module):
    """``x (n, in_features) -> features (n, hidden[-1])``; identity when ``hidden`` is empty."""

    def __init__(self, in_features: int, hidden: Sequence[int], activation: str) -> None:
        super().__init__()
        self.body = mlp([in_features, *hidden], activation, activate_last=True)
        self.out_features = hidden[-1] if hidden else in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class MLPDecoder(nn.Module):
    """``z (n, in_features) -> output (n, out_features)``, the last layer linear."""

    def __init__(
        self, in_features: int, hidden: Sequence[int], out_features: int, activation: str
    ) -> None:
        super().__init__()
        self.body = mlp([in_features, *hidden, out_features], activation, activate_last=False)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(z)


def _downsampled(size: int, kernel_size: int) -> int:
    # Conv(kernel=k, stride=2, padding=k // 2) for odd k:
    # out = floor((size + 2 * (k // 2) - k) / 2) + 1 = floor((size - 1) / 2) + 1 = ceil(size / 2).
    return (size + 2 * (kernel_size // 2) - kernel_size) // 2 + 1


def conv_sizes(
    spatial: Sequence[int], n_layers: int, kernel_size: int = 3
) -> list[tuple[int, ...]]:
    """Spatial sizes (``(H, W)`` of an image, ``(L,)`` of a sequence) before and after each
    stride-2 convolution, input size first.

    A side of 1 or 2 is not halved any more (the layer uses stride 1 along it), so tiny images
    such as the 8x8 digits, or short sequences, still work with several layers.
    """
    if kernel_size % 2 == 0:
        raise ValueError(f"kernel_size={kernel_size} must be odd (same padding on both sides).")
    sizes = [tuple(int(s) for s in spatial)]
    for _ in range(n_layers):
        sizes.append(tuple(_downsampled(s, kernel_size) if s > 2 else s for s in sizes[-1]))
    return sizes


# One class per spatial rank: images are (C, H, W), sequences (C, L).
_CONV = {1: nn.Conv1d, 2: nn.Conv2d}
_CONV_TRANSPOSE = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d}


def _conv_classes(shape: Sequence[int]) -> tuple[type[nn.Module], type[nn.Module]]:
    rank = len(shape) - 1
    if rank not in _CONV:
        raise ValueError(
            f"a convolutional network takes (C, H, W) images or (C, L) sequences; got {shape}."
        )
    return _CONV[rank], _CONV_TRANSPOSE[rank]


class ConvEncoder(nn.Module):
    """``x (n, C, *spatial) -> features (n, channels[-1] * prod(spatial_out))`` by stride-2
    convolutions of width ``kernel_size`` (odd), 2-D for images ``(C, H, W)`` and 1-D for
    sequences ``(C, L)``."""

    def __init__(
        self,
        image_shape: Sequence[int],
        channels: Sequence[int],
        activation: str,
        kernel_size: int = 3,
    ) -> None:
        super().__init__()
        conv, _ = _conv_classes(image_shape)
        in_channels, *spatial = image_shape
        self.sizes = conv_sizes(spatial, len(channels), kernel_size)
        layers: list[nn.Module] = []
        for size, size_out, c_in, c_out in zip(
            self.sizes[:-1], self.sizes[1:], [in_channels, *channels], channels
        ):
            stride = tuple(2 if o < s else 1 for s, o in zip(size, size_out))
            layers += [
                conv(c_in, c_out, kernel_size, stride, padding=kernel_size // 2),
                make_activation(activation),
            ]
        layers.append(nn.Flatten())
        self.body = nn.Sequential(*layers)
        self.out_features = (channels[-1] if channels else in_channels) * math.prod(self.sizes[-1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class ConvDecoder(nn.Module):
    """``z (n, in_features) -> output (n, C, *spatial)``: the mirror image of
    :class:`ConvEncoder`, restoring the exact size (odd ones included)."""

    def __init__(
        self,
        in_features: int,
        image_shape: Sequence[int],
        channels: Sequence[int],
        activation: str,
        kernel_size: int = 3,
    ) -> None:
        super().__init__()
        _, transpose = _conv_classes(image_shape)
        out_channels, *spatial = image_shape
        sizes = conv_sizes(spatial, len(channels), kernel_size)[::-1]  # smallest first
        channels = list(channels)[::-1]
        first = channels[0] if channels else out_channels
        self.start_shape = (first, *sizes[0])
        layers: list[nn.Module] = [nn.Linear(in_features, math.prod(self.start_shape))]
        targets = [*channels[1:], out_channels]
        for size, size_out, c_in, c_out in zip(sizes[:-1], sizes[1:], channels, targets):
            stride = tuple(2 if o > s else 1 for s, o in zip(size, size_out))
            # ConvTranspose(k, stride 2, padding k // 2), odd k: out = 2 * size - 1 +
            # output_padding, so output_padding = 1 restores an even size and 0 an odd one.
            padding_out = tuple(
                o - 2 * s + 1 if st == 2 else 0 for s, o, st in zip(size, size_out, stride)
            )
            layers.append(make_activation(activation))
            layers.append(
                transpose(c_in, c_out, kernel_size, stride, kernel_size // 2, padding_out)
            )
        self.first = layers[0]
        self.body = nn.Sequential(*layers[1:])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(self.first(z).view(-1, *self.start_shape))


def reset_parameters(module: nn.Module, generator: torch.Generator) -> None:
    """Re-draw every weight from ``generator`` with PyTorch's default scheme.

    PyTorch layers initialise from the global RNG; drawing again from a private generator makes
    ``random_state`` the only source of randomness without touching global state.
    Default scheme (``nn.Linear.reset_parameters``): weight and bias ~ U(-1/sqrt(fan_in),
    1/sqrt(fan_in)), which is kaiming_uniform with a = sqrt(5); for recurrent layers
    (``nn.LSTM.reset_parameters``) every weight and bias ~ U(-1/sqrt(hidden), 1/sqrt(hidden)).
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, *_CONV.values(), *_CONV_TRANSPOSE.values())):
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            if layer.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
        elif isinstance(layer, nn.RNNBase):
            bound = 1 / math.sqrt(layer.hidden_size)
            for weight in layer.parameters():
                nn.init.uniform_(weight, -bound, bound, generator=generator)
