"""Per-feature anomaly scores from a fitted autoencoder, for each way of scoring a row.

All three are sums over features (plus, for the ELBO, the KL term), so a row's score splits
into each feature's share, which is what :meth:`AnomalyDetector.explain` reports:

- ``"reconstruction"``: squared error ``(x_j - x_hat_j)^2`` in the model's (standardized) space.
- ``"probability"``: the reconstruction probability of An & Cho (2015, Alg. 4), as a negative
  log-likelihood ``-log p(x_j | z)`` per feature.
- ``"elbo"``: the negative ELBO, ``-E_q[log p(x | z)] + KL(q(z | x) || p(z))``
  (Kingma & Welling 2014, eq. 3); the KL part belongs to no feature.

Each is the autoencoder's public ``reconstruction_error`` (and ``kl_divergence``). For a VAE
every expectation over ``q(z | x)`` averages ``n_draws`` draws (PyOD's VAE scores one random
draw, which makes its scores noisy); the estimator fixes the draws ``eps`` and shares them
between all rows, so a row's score depends neither on the call nor on the other rows in it.
"""

from __future__ import annotations

import numpy as np
import torch

SCORES = ("reconstruction", "probability", "elbo")
_METRIC = {"reconstruction": "squared", "probability": "nll", "elbo": "nll"}


DRAW_SEED = 0  # the latent draws of VAE scores: fixed, so scores are reproducible


def score_draws(n_draws: int, latent_dim: int, seed: int = DRAW_SEED) -> torch.Tensor:
    """The fixed standard-normal draws ``eps`` (n_draws, latent_dim) of a VAE member's score."""
    return torch.randn(n_draws, latent_dim, generator=torch.Generator().manual_seed(seed))


def row_feature_scores(model, x: torch.Tensor, score: str, eps: torch.Tensor) -> torch.Tensor:
    """``(n, n_features + 1)`` for rows ``x`` in the model's space: each feature's score, then
    the part that belongs to no feature (the KL of the ELBO, else 0). A plain torch function of
    the network (``model``, an :class:`aekit.core.model.AutoencoderModel`), so an exported
    detector computes exactly this in its graph."""
    stochastic = model.latent.stochastic
    code = model.encode(x)
    if stochastic:
        draws = [model.latent.sample(code, eps=e.to(x).expand_as(code.mean)) for e in eps]
    else:
        draws = [code.mean]
    terms = torch.zeros_like(x)
    for z in draws:
        output = model.decode(z)
        if score == "reconstruction":
            terms += (x - model.likelihood.mean(output)) ** 2
        else:
            terms += model.likelihood.nll_per_feature(output, x)
    terms = terms.flatten(1) / len(draws)
    # x.new_zeros(x.shape[0]), not torch.zeros(len(x)): len() would fix the batch of a graph
    kl = model.latent.kl(code) if score == "elbo" else x.new_zeros(x.shape[0])
    return torch.cat([terms, kl.reshape(-1, 1).to(terms)], dim=1)


def feature_scores(
    autoencoder, A: np.ndarray, score: str, n_draws: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(per_feature, rest)`` for the encoded rows ``A``: each row's per-feature scores
    ``(n, n_features)`` and the part of its score that belongs to no feature ``(n,)`` (the KL of
    the ELBO, else zeros)."""
    if score == "elbo" and not hasattr(autoencoder, "kl_divergence"):
        raise ValueError(
            "score='elbo' needs a VariationalAutoencoder; a deterministic autoencoder has no "
            "ELBO. Use score='reconstruction' or 'probability'."
        )
    per_feature = autoencoder.reconstruction_error(
        A, per_feature=True, metric=_METRIC[score], n_draws=n_draws
    )
    rest = autoencoder.kl_divergence(A) if score == "elbo" else np.zeros(len(A))
    return per_feature, rest
