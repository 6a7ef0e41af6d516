"""Greedy layer-wise pretraining, stacked denoising autoencoders (Vincent et al. 2010, sec. 3.5;
Bengio et al. 2007): each layer is trained alone as a one-layer denoising autoencoder on the
clean outputs of the layers below it, then the layers are stacked into one encoder.

Plain PyTorch, for the benchmark only: the trained layers are put into an ``aekit.Autoencoder``
of the same widths (its encoder: Linear-ReLU per hidden layer, then a linear code), so that
``aekit.FineTunedClassifier`` and ``transform`` use them as any pretrained encoder.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

import aekit


def greedy_layers(
    X: np.ndarray, widths: list[int], epochs: int, noise_level: float, seed: int = 0
) -> list[nn.Linear]:
    """One ``nn.Linear`` per width, each trained as a denoising autoencoder (masking noise,
    tied to nothing: its own decoder) on the outputs of the ones before: Bernoulli
    cross-entropy on the pixels for the first, squared error on ReLU features above it."""
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.from_numpy(np.asarray(X, dtype=np.float32))
    layers = []
    for depth, width in enumerate(widths):
        last = depth == len(widths) - 1  # the code: linear, as aekit's deterministic latent
        encoder, decoder = nn.Linear(inputs.shape[1], width), nn.Linear(width, inputs.shape[1])
        for layer in (encoder, decoder):
            aekit_reset(layer, generator)
        optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=1e-3)
        for _ in range(epochs):
            for batch in torch.randperm(len(inputs), generator=generator).split(256):
                x = inputs[batch]
                kept = torch.rand(x.shape, generator=generator) >= noise_level
                h = encoder(x * kept)
                out = decoder(h if last else F.relu(h))
                if depth == 0:
                    loss = F.binary_cross_entropy_with_logits(out, x, reduction="sum") / len(x)
                else:
                    loss = (out - x).pow(2).sum() / len(x)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        with torch.no_grad():  # the clean features the next layer learns from
            h = encoder(inputs)
            inputs = h if last else F.relu(h)
        layers.append(encoder)
    return layers


def aekit_reset(layer: nn.Linear, generator: torch.Generator) -> None:
    from aekit.core.nets import reset_parameters

    reset_parameters(layer, generator)


def stacked_dae(X: np.ndarray, hidden: list[int], latent: int, epochs: int, noise: float):
    """An ``aekit.Autoencoder`` (widths ``hidden`` and ``latent``) whose encoder is the greedily
    pretrained stack (its decoder is an untrained one's: fine-tuning uses the encoder only)."""
    shell = aekit.Autoencoder(
        latent_dim=latent, hidden_layer_sizes=tuple(hidden), max_iter=1, random_state=0
    ).fit(X[:256])
    layers = greedy_layers(X, [*hidden, latent], epochs, noise)
    targets = [m for m in shell.model_.encoder.modules() if isinstance(m, nn.Linear)]
    targets.append(shell.model_.latent.head)
    with torch.no_grad():
        for target, trained in zip(targets, layers, strict=True):
            target.weight.copy_(trained.weight)
            target.bias.copy_(trained.bias)
    return shell
