"""Layer 3: the one autoencoder machine every kind is built from.

``AutoencoderModel`` = encoder + latent bottleneck + decoder + likelihood + weighted terms
(+ training-time corruption, + label conditioning). Like nanoGPT's model, ``forward`` returns the
loss itself together with each named term, so the trainer needs to know nothing else.

Shapes: ``x`` is ``(n, D)`` for the MLP or ``(n, C, H, W)`` for the conv network, already in the
model's space (standardized for Gaussian data, as is for [0, 1] data); ``y`` holds class indices
``(n,)`` for conditional models.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from aekit.latent import Code
from aekit.objectives import Corruption, Likelihood, Term


class AutoencoderModel(nn.Module):
    def __init__(
        self,
        encoder: nn.Module,
        latent: nn.Module,
        decoder: nn.Module,
        likelihood: Likelihood,
        terms: list[Term],
        corruption: Corruption | None = None,
        n_classes: int = 0,
    ) -> None:
        super().__init__()
        self.encoder, self.latent, self.decoder = encoder, latent, decoder
        self.likelihood = likelihood
        self.terms = nn.ModuleList(terms)
        self.corruption = corruption
        self.n_classes = n_classes
        self.epoch = 0  # set by the trainer; drives weight schedules such as KL warm-up

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    # -- conditioning: a one-hot label joins the encoder input and the decoder's latent input --
    def _one_hot(self, y: torch.Tensor | None) -> torch.Tensor | None:
        if not self.n_classes:
            return None
        if y is None:
            raise ValueError("this model is conditional: pass the labels y.")
        return F.one_hot(y, self.n_classes).to(torch.get_default_dtype())

    @staticmethod
    def _join(x: torch.Tensor, one_hot: torch.Tensor | None) -> torch.Tensor:
        """Append the one-hot label to x: as features for vectors, as constant channels for
        images (the label is then visible at every pixel)."""
        if one_hot is None:
            return x
        if x.dim() == 4:
            one_hot = one_hot[:, :, None, None].expand(-1, -1, *x.shape[2:])
        return torch.cat([x, one_hot.to(x.dtype)], dim=1)

    # -- the three stages ------------------------------------------------------------------
    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> Code:
        return self.latent(self.encoder(self._join(x, self._one_hot(y))))

    def encode_code(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The deterministic code: the posterior mean for VAEs."""
        return self.encode(x, y).mean

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Likelihood parameters (logits or means), shaped like x."""
        return self.decoder(self._join(z, self._one_hot(y)))

    # -- training objective ------------------------------------------------------------------
    def forward(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> dict[str, torch.Tensor]:
        """Loss and each named term (batch means). Corruption applies in training mode only."""
        x_in = x
        if self.corruption is not None and self.training:
            x_in = self.corruption(x, generator)
        code = self.encode(x_in, y)
        output = self.decode(self.latent.sample(code, generator), y)
        terms = {"reconstruction": self.likelihood.nll(output, x).mean()}
        loss = terms["reconstruction"]
        for term in self.terms:
            value = term(x_in, code, self)
            terms[term.name] = value
            loss = loss + term.current_weight(self.epoch) * value
        return {"loss": loss, **terms}

    # -- evaluation ------------------------------------------------------------------------
    def reconstruction_nll(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """``-log p(x | h(x))`` per row through the deterministic code (no corruption)."""
        return self.likelihood.nll(self.decode(self.encode_code(x, y), y), x)

    def elbo(self, x: torch.Tensor, y: torch.Tensor | None, eps: torch.Tensor) -> torch.Tensor:
        """ELBO per row, ``E_q[log p(x|z)] - KL(q(z|x) || p(z))`` (Kingma & Welling 2014, eq. 3),
        with the expectation averaged over the draws ``eps`` (S, latent_dim). The same draws serve
        every row, so a row's value does not depend on which other rows share its batch."""
        code = self.encode(x, y)
        log_px = torch.stack(
            [
                -self.likelihood.nll(
                    self.decode(self.latent.sample(code, eps=e.expand_as(code.mean)), y), x
                )
                for e in eps
            ]
        ).mean(dim=0)
        return log_px - self.latent.kl(code)
