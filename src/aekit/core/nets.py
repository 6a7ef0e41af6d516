"""Layer 1: plain ``nn.Module`` builders for encoders and decoders.

Two architectures, both mirror images of themselves:

* ``mlp``: vectors (tabular rows, flattened images, signals).
* ``conv``: images ``(C, H, W)`` of any size, odd sizes included. Each stride-2 convolution
  rounds its output size up; the mirrored transposed convolution gets exactly the
  ``output_padding`` that restores the size it came from, so no cropping is needed.

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


def _downsampled(size: int) -> int:
    # Conv2d(kernel=3, stride=2, padding=1): out = floor((size - 1) / 2) + 1 = ceil(size / 2).
    return (size - 1) // 2 + 1


def conv_sizes(height: int, width: int, n_layers: int) -> list[tuple[int, int]]:
    """Spatial sizes before and after each stride-2 convolution, input size first.

    A side of 1 or 2 pixels is not halved any more (the layer uses stride 1), so tiny images
    such as the 8x8 digits still work with several layers.
    """
    sizes = [(height, width)]
    for _ in range(n_layers):
        h, w = sizes[-1]
        sizes.append((_downsampled(h) if h > 2 else h, _downsampled(w) if w > 2 else w))
    return sizes


class ConvEncoder(nn.Module):
    """``x (n, C, H, W) -> features (n, channels[-1] * h * w)`` by 3x3 stride-2 convolutions."""

    def __init__(
        self, image_shape: Sequence[int], channels: Sequence[int], activation: str
    ) -> None:
        super().__init__()
        in_channels, height, width = image_shape
        self.sizes = conv_sizes(height, width, len(channels))
        layers: list[nn.Module] = []
        for (h, w), (h_out, w_out), c_in, c_out in zip(
            self.sizes[:-1], self.sizes[1:], [in_channels, *channels], channels
        ):
            stride = (2 if h_out < h else 1, 2 if w_out < w else 1)
            layers += [nn.Conv2d(c_in, c_out, 3, stride, padding=1), make_activation(activation)]
        layers.append(nn.Flatten())
        self.body = nn.Sequential(*layers)
        h, w = self.sizes[-1]
        self.out_features = (channels[-1] if channels else in_channels) * h * w

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class ConvDecoder(nn.Module):
    """``z (n, in_features) -> output (n, C, H, W)``: the mirror image of :class:`ConvEncoder`."""

    def __init__(
        self, in_features: int, image_shape: Sequence[int], channels: Sequence[int], activation: str
    ) -> None:
        super().__init__()
        out_channels, height, width = image_shape
        sizes = conv_sizes(height, width, len(channels))[::-1]  # smallest first
        channels = list(channels)[::-1]
        h0, w0 = sizes[0]
        first = channels[0] if channels else out_channels
        self.start_shape = (first, h0, w0)
        layers: list[nn.Module] = [nn.Linear(in_features, math.prod(self.start_shape))]
        targets = [*channels[1:], out_channels]
        for (h, w), (h_out, w_out), c_in, c_out in zip(sizes[:-1], sizes[1:], channels, targets):
            stride = (2 if h_out > h else 1, 2 if w_out > w else 1)
            # ConvTranspose2d(3, stride 2, padding 1): out = 2 * size - 1 + output_padding, so
            # output_padding = 1 restores an even size and 0 an odd one.
            padding_out = (
                h_out - 2 * h + 1 if stride[0] == 2 else 0,
                w_out - 2 * w + 1 if stride[1] == 2 else 0,
            )
            layers.append(make_activation(activation))
            layers.append(nn.ConvTranspose2d(c_in, c_out, 3, stride, 1, padding_out))
        self.first = layers[0]
        self.body = nn.Sequential(*layers[1:])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(self.first(z).view(-1, *self.start_shape))


def reset_parameters(module: nn.Module, generator: torch.Generator) -> None:
    """Re-draw every weight from ``generator`` with PyTorch's default scheme.

    PyTorch layers initialise from the global RNG; drawing again from a private generator makes
    ``random_state`` the only source of randomness without touching global state.
    Default scheme (``nn.Linear.reset_parameters``): weight and bias ~ U(-1/sqrt(fan_in),
    1/sqrt(fan_in)), which is kaiming_uniform with a = sqrt(5).
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            if layer.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
