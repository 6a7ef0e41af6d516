"""Layer 2: recurrent sequence-to-sequence networks (LSTM or GRU) for sequences ``(C, L)``.

The encoder reads the sequence step by step; its features are the last layer's output after the
last step (its final hidden state), the summary of the whole sequence. The decoder is conditioned
on the code twice: its first layer's initial state is ``tanh(W z + b)``, and the code is its input
at every one of the L steps; a linear layer maps each step's output to the C channels. It emits
the sequence in reverse, last step first, as EncDec-AD does (Malhotra et al. 2016, sec. 2.1;
Sutskever et al. 2014 reverse the source for the same reason): the first steps to decode are the
last ones encoded, a short path for the gradient. On sine waves the forward-order decoder barely
beat the mean in the same number of steps. Stacked layers may have different widths, so each
width is its own ``nn.LSTM``/``nn.GRU``; the decoder mirrors the encoder's widths.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

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


class RecurrentDecoder(nn.Module):
    """``z (n, in_features) -> output (n, C, L)``: the mirrored stack started from the code and
    fed it at each of the L steps, each step's output mapped to C channels, read backwards."""

    def __init__(
        self, in_features: int, sequence_shape: Sequence[int], hidden: Sequence[int], cell: str
    ) -> None:
        super().__init__()
        channels, self.length = (int(v) for v in sequence_shape)
        widths = list(hidden)[::-1]
        self.stack = _Stack(cell, in_features, widths)
        self.initial = nn.Linear(in_features, int(widths[0]))
        self.head = nn.Linear(int(hidden[0]), channels)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        steps = z[:, None, :].expand(-1, self.length, -1)
        output = self.stack(steps, torch.tanh(self.initial(z)))  # (n, L, width), last step first
        return self.head(output).flip(1).transpose(1, 2)
