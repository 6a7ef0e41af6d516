"""Layer 2: recurrent sequence-to-sequence networks (LSTM or GRU) for sequences ``(C, L)``.

The encoder reads the sequence step by step; its features are the last layer's output after the
last step (its final hidden state), the summary of the whole sequence. The decoder is unrolled
over the same length with the code as its input at every step (the "repeat vector" decoder of
Srivastava et al. 2015's unconditioned-input variant turned conditional), and a linear layer maps
each step's output to the C channels. Stacked layers may have different widths, so each width is
its own ``nn.LSTM``/``nn.GRU``; the decoder mirrors the encoder's widths.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

RECURRENT_CELLS: dict[str, type[nn.RNNBase]] = {"lstm": nn.LSTM, "gru": nn.GRU}


class _Stack(nn.Module):
    """Recurrent layers of the given widths, one after another: ``(n, L, in) -> (n, L, w[-1])``."""

    def __init__(self, cell: str, in_features: int, widths: Sequence[int]) -> None:
        super().__init__()
        if not widths:
            raise ValueError(
                f"architecture={cell!r} needs at least one recurrent layer: give "
                "hidden_layer_sizes a width, e.g. (64,)."
            )
        sizes = [in_features, *widths]
        self.layers = nn.ModuleList(
            RECURRENT_CELLS[cell](n_in, n_out, batch_first=True)
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        )

    def forward(self, steps: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            steps, _ = layer(steps)
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


class RecurrentDecoder(nn.Module):
    """``z (n, in_features) -> output (n, C, L)``: the code fed at each of the L steps of the
    mirrored stack, each step's output mapped to C channels by one linear layer."""

    def __init__(
        self, in_features: int, sequence_shape: Sequence[int], hidden: Sequence[int], cell: str
    ) -> None:
        super().__init__()
        channels, self.length = (int(v) for v in sequence_shape)
        self.stack = _Stack(cell, in_features, list(hidden)[::-1])
        self.head = nn.Linear(int(hidden[0]), channels)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        steps = z[:, None, :].expand(-1, self.length, -1)
        return self.head(self.stack(steps)).transpose(1, 2)
