"""Layer 3: the one autoencoder machine every kind is built from.

``AutoencoderModel`` = encoder + latent bottleneck + decoder + likelihood + weighted terms
(+ training-time corruption, + label conditioning, + a classifier ``q(y|x)`` for M2) + the
objective that says how they make a loss (:mod:`aekit.core.objectives.training`), all given when
the model is built. Like nanoGPT's model, ``forward`` returns the loss itself together with each
named term, so the trainer needs to know nothing else.

Shapes: ``x`` is ``(n, D)`` for the MLP, ``(n, C, H, W)`` for the conv network or ``(n, C, L)``
for the sequence networks (conv1d, lstm, gru), already in the model's space (standardized for
Gaussian data, as is for [0, 1] data); ``y`` holds class indices ``(n,)`` for conditional models.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from aekit.core.latent import Code
from aekit.core.objectives import Corruption, Likelihood, Objective, PenalizedReconstruction, Term


def one_hot_labels(y: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Labels as one-hot rows (n, n_classes): class indices (n,) are encoded, floating rows
    (n, n_classes) are taken as given (one-hot or soft labels, e.g. from an exported module).
    A comparison rather than ``torch.nn.functional.one_hot``, so that it traces into ONNX."""
    if y.is_floating_point():
        return y
    classes = torch.arange(n_classes, device=y.device)
    return (y[:, None] == classes).to(torch.get_default_dtype())


def join_label(x: torch.Tensor, one_hot: torch.Tensor | None) -> torch.Tensor:
    """Append the one-hot label to x: as features for vectors, as constant channels for
    images and sequences (the label is then visible at every pixel or step)."""
    if one_hot is None:
        return x
    if x.dim() > 2:
        one_hot = one_hot[(..., *[None] * (x.dim() - 2))].expand(-1, -1, *x.shape[2:])
    return torch.cat([x, one_hot.to(x.dtype)], dim=1)


class AutoencoderModel(nn.Module):
    """The networks and the pieces of the objective, fixed when the model is built.

    Parameters
    ----------
    encoder, latent, decoder : nn.Module
        ``x -> features -> Code -> likelihood parameters``.
    likelihood : Likelihood
        ``p(x | z)``.
    terms : list of Term
        Weighted regularizers (e.g. the KL term of a VAE); the objective decides how they enter.
    corruption : Corruption or None, default=None
        Training-time noise on the encoder's input (denoising).
    n_classes : int, default=0
        > 0 for a conditional model: a one-hot label joins the encoder's and decoder's inputs.
    objective : Objective or None, default=None
        What ``forward`` returns; None is :class:`PenalizedReconstruction` (the reconstruction
        NLL plus the weighted terms).
    classifier : nn.Module or None, default=None
        ``q(y|x)``, x -> logits (n, n_classes), for the M2 objective; registered as
        ``model.classifier`` only when given.
    """

    def __init__(
        self,
        encoder: nn.Module,
        latent: nn.Module,
        decoder: nn.Module,
        likelihood: Likelihood,
        terms: list[Term],
        corruption: Corruption | None = None,
        n_classes: int = 0,
        objective: Objective | None = None,
        classifier: nn.Module | None = None,
    ) -> None:
        super().__init__()
        self.encoder, self.latent, self.decoder = encoder, latent, decoder
        self.likelihood = likelihood
        self.terms = nn.ModuleList(terms)
        self.corruption = corruption
        self.n_classes = n_classes
        if classifier is not None:  # registered last: its weights are drawn after the VAE's
            self.classifier = classifier
        self.objective = PenalizedReconstruction() if objective is None else objective
        self.objective.check(self)

    def extra_repr(self) -> str:
        return f"objective={self.objective!r}"  # not a module (it owns no parameters): say it

    # -- conditioning: a one-hot label joins the encoder input and the decoder's latent input --
    def _one_hot(self, y: torch.Tensor | None) -> torch.Tensor | None:
        if not self.n_classes:
            return None
        if y is None:
            raise ValueError("this model is conditional: pass the labels y.")
        return one_hot_labels(y, self.n_classes)

    _join = staticmethod(join_label)

    # -- the three stages ------------------------------------------------------------------
    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> Code:
        return self.latent(self.encoder(self._join(x, self._one_hot(y))))

    def encode_code(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The deterministic code of rows as given: the posterior mean for VAEs. Rows first
        become what the encoder saw in training (missing entries filled, for the masked
        objective of imputation)."""
        return self.encode(self.objective.encoder_input(x), y).mean

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Likelihood parameters (logits or means), shaped like x."""
        return self.decoder(self._join(z, self._one_hot(y)))

    # -- training objective ------------------------------------------------------------------
    def forward(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
        epoch: int = 0,
    ) -> dict[str, torch.Tensor]:
        """The objective's loss and each named term (batch means) for the batch ``x`` (and its
        labels ``y``) in epoch ``epoch`` (from 0), which drives weight schedules such as the KL
        warm-up. Binarization and corruption apply in training mode only."""
        return self.objective(self, x, y, generator, epoch)

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

    def log_importance_weights(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None,
        eps: torch.Tensor,
        max_rows: int = 2048,
        parts: dict[str, torch.Tensor] | None = None,
    ) -> torch.Tensor:
        """Log importance weights ``log w_i = log p(x, z_i) - log q(z_i | x)``, shape (k, n).

        ``z_i = mu(x) + sigma(x) * eps_i`` for the standard-normal draws ``eps``: (k, latent_dim),
        the same for every row, or (k, n, latent_dim), each row's own
        (:mod:`aekit.core.row_draws`, what the estimators' bounds use). Then
        ``logsumexp_i log w_i - log k`` is the importance-weighted bound ``L_k`` of Burda et al.
        (2015, eq. 8); ``L_1`` is a one-sample ELBO and ``L_k -> log p(x)`` as k grows.

        Parameters
        ----------
        x : torch.Tensor of shape (n, ...)
            Rows in the model's space.
        y : torch.Tensor of shape (n,) or None
            Class indices, for conditional models.
        eps : torch.Tensor of shape (k, latent_dim) or (k, n, latent_dim)
            Standard-normal draws: common to every row, or k for each row.
        max_rows : int, default=2048
            Decode at most about this many (draw, row) pairs at once (at least one draw of every
            row), which bounds memory for any k.
        parts : dict, optional
            Filled with the bound's pieces (detached), from the same pass: ``"log_px_z"``
            (k, n), each draw's ``log p(x | z_i)``, and ``"kl"`` (n,), the closed-form
            ``KL(q(z | x) || p(z))``; ``mean_i log p(x | z_i) - kl`` is then a k-draw ELBO.

        Returns
        -------
        log_w : torch.Tensor of shape (k, n)
        """
        code = self.encode(x, y)
        n = len(x)
        # log q(z|x) for z = mu + sigma * eps is, by the change of variables from eps,
        # log N(z; mu, diag(sigma^2)) = log N(eps; 0, I) - sum_j log sigma_j; computing it from
        # eps avoids dividing (z - mu) by a tiny sigma.
        log_sigma = 0.5 * code.gaussian_log_var().sum(dim=-1)  # (n,)
        # Written into one tensor allocated up front: appending thousands of small chunks
        # between the large decoded batches fragmented glibc's heap (20+ GB at k = 5000).
        log_w = torch.empty(len(eps), n, dtype=x.dtype, device=x.device)
        start = 0
        for e in eps.split(max(1, max_rows // n)):
            c = len(e)
            e = e if e.dim() == 3 else e[:, None, :]  # (c, n or 1, latent_dim)
            z = self.latent.sample(code, eps=e)  # (c, n, latent_dim), by broadcasting
            flat_z = z.reshape(c * n, -1)
            x_rep = x.expand(c, *x.shape).reshape(c * n, *x.shape[1:])
            y_rep = None if y is None else y.repeat(c)
            log_px_z = -self.likelihood.nll(self.decode(flat_z, y_rep), x_rep).view(c, n)
            log_pz = _log_standard_normal(z)  # log N(z; 0, I), the prior
            log_qz = _log_standard_normal(e) - log_sigma  # (c, n)
            log_w[start : start + c] = log_px_z + log_pz - log_qz
            if parts is not None:
                parts.setdefault("log_px_z", torch.empty_like(log_w))[start : start + c] = (
                    log_px_z.detach()
                )
            start += c
        if parts is not None:
            parts["kl"] = self.latent.kl(code).detach()
        return log_w

    def entry_errors(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None,
        metric: str,
        eps: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Each entry's reconstruction error, shape (n, n_features) with images flattened, over
        the draws ``z_l = mu + sigma * eps_l`` (S, latent_dim) of a Gaussian latent, or the code
        itself for a deterministic one (``eps`` None, S = 1):

        * ``"squared"``: ``(x_j - E[x_j | z_l])^2`` averaged over the draws;
        * ``"nll"``: ``-log p(x_j | z_l)`` averaged over the draws (the ELBO's reconstruction
          term);
        * ``"probability"``: the reconstruction probability of An & Cho (2015, Alg. 4),
          ``-log (1/S) sum_l p(x | z_l)``, split over the entries (see
          :func:`reconstruction_probability`).

        One definition for the estimators' ``reconstruction_error`` and an exported detector's
        graph."""
        code = self.encode(self.objective.encoder_input(x), y)
        if eps is None:
            draws = [code.mean]
        else:
            draws = [self.latent.sample(code, eps=e.to(x).expand_as(code.mean)) for e in eps]
        if metric == "probability":
            per_draw = [self.likelihood.nll_per_feature(self.decode(z, y), x) for z in draws]
            return reconstruction_probability(torch.stack([e.flatten(1) for e in per_draw]))
        errors = torch.zeros_like(x)
        for z in draws:
            output = self.decode(z, y)
            if metric == "squared":
                errors += (x - self.likelihood.mean(output)) ** 2
            else:
                errors += self.likelihood.nll_per_feature(output, x)
        return errors.flatten(1) / len(draws)

    def kl_per_unit(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """``KL(q(z_j|x) || N(0, 1))`` per row and latent unit, shape (n, latent_dim); each
        row sums to the latent's KL. Each unit is passed to the latent's own closed form as a
        one-dimensional code (Kingma & Welling 2014, App. B)."""
        code = self.encode(x, y)
        return self.latent.kl(Code(code.mean[..., None], code.gaussian_log_var()[..., None]))


def reconstruction_probability(nll: torch.Tensor) -> torch.Tensor:
    """An & Cho's (2015, Alg. 4) reconstruction probability as a score, split over the entries.

    ``nll`` (S, n, D) holds ``-log p(x_j | z_l)`` of each draw l, row and entry. A row's score
    is ``-log (1/S) sum_l p(x | z_l) = log S - logsumexp_l(-a_l)``, ``a_l = sum_j nll_lj``
    (computed stably), the negative log of the mean likelihood over the draws, which never
    exceeds the mean of ``a_l`` (Jensen). With the draws' posterior weights
    ``w_l = softmax_l(-a_l)`` it is exactly ``sum_j [sum_l w_l nll_lj] + (log S - H(w))``:
    entry j's share is its NLL weighted towards the draws that explain the row, and the rest,
    ``log S - H(w)`` (>= 0, 0 for a single draw), belongs to no entry and is spread evenly over
    the D entries, so the entries sum to the row's score. Returns (n, D)."""
    row = nll.sum(dim=2)  # (S, n): a_l
    log_w = torch.log_softmax(-row, dim=0)  # finite for finite rows
    weights = log_w.exp()
    per_entry = (weights[..., None] * nll).sum(dim=0)  # (n, D)
    rest = math.log(len(nll)) + (weights * log_w).sum(dim=0)  # log S - H(w), (n,)
    return per_entry + rest[:, None] / nll.shape[2]


def fixed_draws(n_draws: int, latent_dim: int, seed: int = 0) -> torch.Tensor:
    """Standard-normal draws ``eps`` (n_draws, latent_dim) from a fixed seed: the draws every
    evaluation of an expectation over ``q(z|x)`` shares (ELBO scores, reconstruction errors,
    exported graphs), so a row's value does not depend on its batch, up to float rounding
    (about 1e-14: a batch's matrix products sum in another order than one row's)."""
    return torch.randn(n_draws, latent_dim, generator=torch.Generator().manual_seed(seed))


def _log_standard_normal(v: torch.Tensor) -> torch.Tensor:
    """``log N(v; 0, I)`` over the last axis: ``-1/2 sum_j v_j^2 - d/2 log(2 pi)``."""
    return -0.5 * v.pow(2).sum(dim=-1) - 0.5 * v.shape[-1] * math.log(2 * math.pi)
