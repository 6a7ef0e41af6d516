"""Per-feature anomaly scores from a fitted autoencoder, for each way of scoring a row.

All three are sums over features (plus, for the ELBO, the KL term), so a row's score splits
into each feature's share, which is what :meth:`AnomalyDetector.explain` reports:

- ``"reconstruction"``: squared error ``(x_j - x_hat_j)^2`` in the model's (standardized) space.
- ``"probability"``: the reconstruction probability of An & Cho (2015, Alg. 4),
  ``-log (1/L) sum_l p(x | z_l)`` over the draws (``reconstruction_error(metric="probability")``,
  split exactly over the features); for a deterministic autoencoder, ``-log p(x_j | z)``.
- ``"elbo"``: the negative ELBO, ``-E_q[log p(x | z)] + KL(q(z | x) || p(z))``
  (Kingma & Welling 2014, eq. 3); the KL part belongs to no feature.

Each is the autoencoder's public ``reconstruction_error`` (and ``kl_divergence``). For a VAE
every expectation over ``q(z | x)`` averages ``n_draws`` draws (PyOD's VAE scores one random
draw, which makes its scores noisy); the estimator fixes the draws ``eps`` and shares them
between all rows, so a row's score depends neither on the call nor on the other rows in it.
"""

from __future__ import annotations

import numpy as np

SCORES = ("reconstruction", "probability", "elbo")
# Each score type as the metric of ``reconstruction_error`` (and of an exported detector's graph).
METRICS = {"reconstruction": "squared", "probability": "probability", "elbo": "nll"}


def feature_scores(
    autoencoder, A: np.ndarray, score: str, n_draws: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(per_feature, rest)`` for the encoded rows ``A``: each row's per-feature scores
    ``(n, n_features)`` and the part of its score that belongs to no feature ``(n,)`` (the KL of
    the ELBO, else zeros)."""
    if score == "elbo" and not hasattr(autoencoder, "kl_divergence"):
        raise ValueError(
            "score_type='elbo' needs a VariationalAutoencoder; a deterministic autoencoder has no "
            "ELBO. Use score_type='reconstruction' or 'probability'."
        )
    per_feature = autoencoder.reconstruction_error(
        A, per_feature=True, metric=METRICS[score], n_draws=n_draws
    )
    rest = autoencoder.kl_divergence(A) if score == "elbo" else np.zeros(len(A))
    return per_feature, rest
