"""Layer 2: recurrent sequence-to-sequence networks (LSTM or GRU) for sequences ``(C, L)``.

The encoder reads the sequence step by step; its features are the last layer's output after the last
step (its final hidden state), the summary of the whole sequence. The decoder is conditioned on the
code twice: its first layer's initial state is ``tanh(W z + b)``, and the code is its input at every
one of the L steps, beside the step's position (sines and cosines of t / L, the transformer's
positional encoding on one period); a linear layer maps each step's output to the C channels.
Without the position a decoder fed the same code at every step has to count the steps in its state
to place a beat's peak: on ECG5000's 140-step beats it scored anomalies at ROC-AUC 0.871 against
0.956 with it (``benchmarks/ecg.py``, 3 seeds); a peak at
a fixed place of 140 steps came out 8 times the mean's squared error
(``tests/test_recurrent_positions.py``). It emits the sequence in reverse, last step first, as
EncDec-AD does (Malhotra et al. 2016, sec. 2.1; Sutskever et al. 2014 reverse the source for the
same reason): the first steps to decode are the last ones encoded, a short path for the gradient. On
sine waves the forward-order decoder barely beat the mean in the same number of steps. Stacked
layers may have different widths, so each width is its own ``nn.LSTM``/``nn.GRU``; the decoder
mirrors the encoder's widths.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

# The decoder's position features per step: sines and cosines of 1..4 half-periods over the
# sequence, enough to tell every step of a beat apart without a learned table of L positions.
POSITION_FEATURES = 8

RECURRENT_CELLS: dict[str, type[nn.LSTM] | type[nn.GRU]] = {"lstm": nn.LSTM, "gru": nn.GRU}


class _Stack(nn.Module):
    """Recurrent layers of the given widths, one after another: ``(n, L, in) -> (n, L, w[-1])``;
    ``first_state`` is the first layer's initial hidden state (zeros when None)."""

    def __init__(self, cell: str, in_features: int, widths: Sequence[int]) -> None:
        super().__init__()
        if not widths:
            raise ValueError(
                f"architecture={cell!r} needs at least one recurrent layer: give "
                "hidden_layer_sizes a width, e.g. (64,)."
            )
        self.cell = cell
        sizes = [in_features, *widths]
        self.layers = nn.ModuleList(
            RECURRENT_CELLS[cell](n_in, n_out, batch_first=True)
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        )

    def forward(self, steps: torch.Tensor, first_state: torch.Tensor | None = None) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            state = None
            if i == 0 and first_state is not None:
                h0 = first_state[None]  # (num_layers=1, n, width)
                state = (h0, torch.zeros_like(h0)) if self.cell == "lstm" else h0
            steps, _ = layer(steps, state)
        return steps


class RecurrentEncoder(nn.Module):
    """``x (n, C, L) -> features (n, hidden[-1])``: the last step's output of the last layer."""

    def __init__(self, sequence_shape: Sequence[int], hidden: Sequence[int], cell: str) -> None:
        super().__init__()
        channels, _ = sequence_shape
        self.stack = _Stack(cell, channels, hidden)
        self.out_features = int(hidden[-1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.stack(x.transpose(1, 2))[:, -1]


def step_positions(length: int, features: int) -> torch.Tensor:
    """``(length, features)``: step t's sin(pi f t / L) and cos(pi f t / L) for f = 1 .. features/2,
    in the order the decoder emits the steps (last first)."""
    if features == 0:
        return torch.zeros(length, 0)
    t = torch.arange(length - 1, -1, -1, dtype=torch.float32)[:, None] / length
    angles = math.pi * t * torch.arange(1, features // 2 + 1, dtype=torch.float32)[None]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class RecurrentDecoder(nn.Module):
    """``z (n, in_features) -> output (n, C, L)``: the mirrored stack started from the code and
    fed it with each step's position at each of the L steps, each step's output mapped to C
    channels, read backwards. ``position_features=0`` is the decoder of model files written
    before the positions, fed the code alone (:func:`add_position_inputs`)."""

    def __init__(
        self,
        in_features: int,
        sequence_shape: Sequence[int],
        hidden: Sequence[int],
        cell: str,
        position_features: int = POSITION_FEATURES,
    ) -> None:
        super().__init__()
        channels, self.length = (int(v) for v in sequence_shape)
        widths = list(hidden)[::-1]
        self.in_features = int(in_features)
        self.stack = _Stack(cell, self.in_features + position_features, widths)
        self.initial = nn.Linear(in_features, int(widths[0]))
        self.head = nn.Linear(int(hidden[0]), channels)
        # Not saved: it follows from L, so model files hold the weights alone.
        self.register_buffer(
            "positions", step_positions(self.length, position_features), persistent=False
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        steps = torch.cat(
            [
                z[:, None, :].expand(-1, self.length, -1),
                self.positions.to(z.dtype).expand(z.shape[0], -1, -1),
            ],
            dim=2,
        )
        output = self.stack(steps, torch.tanh(self.initial(z)))  # (n, L, width), last step first
        return self.head(output).flip(1).transpose(1, 2)


def add_position_inputs(
    module: nn.Module, state: dict[str, torch.Tensor]
) -> dict[str, torch.Tensor]:
    """``state`` (weights for ``module``) with zero input weights for each recurrent decoder's
    position features where a model file written before them has none: the decoder then
    computes exactly what it computed when saved."""
    if not isinstance(state, dict):
        return state  # not a tree of tensors: the shape check says so
    upgraded = dict(state)
    for name, part in module.named_modules():
        if not isinstance(part, RecurrentDecoder):
            continue
        key = f"{name}.stack.layers.0.weight_ih_l0".lstrip(".")  # "": the module itself
        weights = upgraded.get(key)
        if isinstance(weights, torch.Tensor) and weights.ndim == 2:
            if weights.shape[1] == part.in_features:
                zeros = weights.new_zeros(len(weights), part.positions.shape[1])
                upgraded[key] = torch.cat([weights, zeros], dim=1)
    return upgraded
