"""The masked likelihood of imputation: NaN in x marks a missing entry.

Missing entries enter the encoder as 0 (the column mean of standardized data) with each row's
observed entries rescaled, and they leave the likelihood, which then covers the observed entries
only: the masked likelihood of MIWAE (Mattei & Frellsen 2019, eq. 4). :func:`observed_entries`
is the one place that prepares such rows, in training and at inference alike.
"""

from __future__ import annotations

import torch

from aekit.core.objectives.training import AutoencoderModel, PenalizedReconstruction, Terms


def observed_entries(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(observed, filled, encoder_input)`` for rows ``x`` (n, ...) holding NaN where missing.

    ``observed`` is the boolean mask of non-NaN entries, ``filled`` is x with 0 for NaN, and
    ``encoder_input`` scales each row of ``filled`` by ``n_features / n_observed``, as inverted
    dropout does, so rows with holes look like complete rows to the encoder (in expectation).
    A complete row is scaled by exactly 1, so preparing prepared rows changes nothing.
    """
    observed = ~torch.isnan(x)
    filled = torch.where(observed, x, torch.zeros((), dtype=x.dtype, device=x.device))
    kept = observed.flatten(1).sum(dim=1).clamp(min=1).to(x.dtype)
    scale = (observed[0].numel() / kept).view(-1, *([1] * (x.dim() - 1)))
    return observed, filled, filled * scale


class MaskedReconstruction(PenalizedReconstruction):
    """:class:`PenalizedReconstruction` for rows with missing entries (NaN):
    ``-sum_{j observed} log p(x_j | z) + sum_t w_t(epoch) * T_t`` (Mattei & Frellsen 2019,
    eq. 4), the encoder seeing the rows of :func:`observed_entries` (then corrupted in training),
    at inference too (:meth:`encoder_input`)."""

    def __call__(
        self,
        model: AutoencoderModel,
        x: torch.Tensor,
        y: torch.Tensor | None,
        generator: torch.Generator | None,
        epoch: int,
    ) -> Terms:
        observed, filled, x_in = observed_entries(x)

        def observed_nll(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            """``-log p(x | z)`` per row over the observed entries only."""
            return (model.likelihood.nll_per_feature(output, target) * observed).flatten(1).sum(1)

        return self.penalized(model, filled, x_in, y, generator, epoch, observed_nll)

    def encoder_input(self, x: torch.Tensor) -> torch.Tensor:
        return observed_entries(x)[2]
