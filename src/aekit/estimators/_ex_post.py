"""Ex-post density estimation of the codes (Ghosh et al. 2020, sec. 4): Gaussian mixtures fitted
after training to the training rows' posterior means, which ``sample(sampler="gmm")`` draws from.

A variational autoencoder gets one mixture for all its rows. A conditional one gets one mixture
per label, fitted to the codes of that label's rows, and a row generated for label y draws its
code from y's mixture: an estimate of ``q(z | y)``, the codes the encoder gave y's rows. The
CVAE's model takes ``p(z | y) = N(0, I)`` for every label, but an encoder also sees x's label and
still puts some of it into z (in an exploratory run a logistic regression read Fashion-MNIST's
class from a code of 8 units at 0.39, where chance is 0.1), so decoding prior draws with label y
mixes in other labels' codes, and the samples follow their label less often
(``benchmarks/generative.py``; README, "Conditional samples").

The mixtures are stored as arrays (safetensors holds arrays only): ``"weights"`` ``(K,)``,
``"means"`` ``(K, d)``, ``"covariances"`` ``(K, d, d)`` for one mixture, with a leading label axis
for one per label; a label with fewer distinct codes than K has components of weight 0.
"""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture

COMPONENTS = 10  # components of each mixture (at most; no more than the rows it is fitted to)
_CHUNK_VALUES = 1 << 20  # values of the factors held at once while drawing (8 MB)


def fit_mixture(codes: np.ndarray, seed: int) -> dict:
    """One full-covariance Gaussian mixture of ``COMPONENTS`` components, or as many as there
    are distinct codes when fewer: duplicate rows have one code, and k-means, which starts the
    EM, warned of finding fewer distinct clusters than components."""
    distinct = len(np.unique(codes, axis=0))
    mixture = GaussianMixture(
        n_components=min(COMPONENTS, distinct), reg_covar=1e-4, random_state=seed
    ).fit(codes)
    return {
        "weights": mixture.weights_,
        "means": mixture.means_,
        "covariances": mixture.covariances_,
    }


def fit_mixture_per_label(
    codes: np.ndarray, label_index: np.ndarray, n_labels: int, seed: int
) -> dict:
    """One mixture per label (index 0 .. ``n_labels`` - 1), stacked on a leading axis; a label
    with fewer than two rows (one labelled example, or none that a semi-supervised fit's
    classifier guessed) gets the mixture of all rows, as every label did before: one code is
    no distribution, and asking for the label still draws plausible codes."""
    everyone = None  # fitted only when a label needs it
    per_label = []
    for label in range(n_labels):
        rows = codes[label_index == label]
        if len(rows) < 2 and everyone is None:
            everyone = fit_mixture(codes, seed)
        per_label.append(_padded(fit_mixture(rows, seed) if len(rows) >= 2 else everyone))
    return {key: np.stack([mix[key] for mix in per_label]) for key in per_label[0]}


def check_mixture(mixture: dict, latent_dim: int, n_labels: int | None) -> None:
    """``ValueError`` unless a model file's ``mixture`` is one for codes of ``latent_dim``
    units: one mixture, or one per label of a conditional model (``n_labels`` of them)."""
    if set(mixture) != {"weights", "means", "covariances"}:
        raise ValueError(
            f"the sampler holds {sorted(mixture)}; a mixture holds weights, means and covariances"
        )
    weights = mixture["weights"]
    if weights.ndim == 2 and n_labels is not None and len(weights) != n_labels:
        raise ValueError(
            f"the sampler holds mixtures for {len(weights)} labels, but the model has {n_labels} "
            "(classes_)"
        )
    if weights.ndim != 1 and not (weights.ndim == 2 and n_labels is not None):
        raise ValueError(f"the sampler's weights have shape {list(weights.shape)}")
    for key, tail in (("means", (latent_dim,)), ("covariances", (latent_dim, latent_dim))):
        if mixture[key].shape != (*weights.shape, *tail):
            raise ValueError(
                f"the sampler holds {key} of shape {list(mixture[key].shape)}; weights of shape "
                f"{list(weights.shape)} and latent_dim={latent_dim} need "
                f"{list((*weights.shape, *tail))}"
            )


def _padded(mixture: dict) -> dict:
    """``mixture`` with components of weight 0 up to ``COMPONENTS`` (so that every label's
    arrays have one shape and stack)."""
    missing = COMPONENTS - len(mixture["weights"])
    d = mixture["means"].shape[1]
    return {
        "weights": np.r_[mixture["weights"], np.zeros(missing)],
        "means": np.r_[mixture["means"], np.zeros((missing, d))],
        "covariances": np.r_[mixture["covariances"], np.broadcast_to(np.eye(d), (missing, d, d))],
    }


def draw(mixture: dict, n: int, label_index: np.ndarray | None, seed: int) -> np.ndarray:
    """``n`` codes from ``mixture``: a component by its weight, then ``z ~ N(mean, cov)``; from
    each row's label's mixture when the mixture has one per label (``label_index``: each row's
    label, 0 .. n_labels - 1). The random stream is the one-mixture sampler's of before the
    per-label mixtures (a VAE's draws are the same, bit for bit)."""
    rng = np.random.default_rng(seed)
    weights, means, covariances = mixture["weights"], mixture["means"], mixture["covariances"]
    if weights.ndim == 2:  # one mixture per label: each row's own
        cumulative = np.cumsum(weights[label_index], axis=1)
        chosen = (rng.random(n)[:, None] * cumulative[:, -1:] > cumulative).sum(axis=1)
        component = np.minimum(chosen, weights.shape[1] - 1)  # float rounding at the top end
        index = (label_index, component)
    else:
        index = (rng.choice(len(weights), size=n, p=weights),)
    # One Cholesky factor per (label, component), applied a chunk of rows at a time: a factor
    # per row, (n, d, d), would be 32 GB for 10**6 codes of 64 units.
    factors = np.linalg.cholesky(covariances)
    eps = rng.standard_normal((n, means.shape[-1]))
    z = means[index]
    rows = max(1, _CHUNK_VALUES // means.shape[-1] ** 2)
    for start in range(0, n, rows):
        part = tuple(i[start : start + rows] for i in index)
        z[start : start + rows] += np.einsum("nij,nj->ni", factors[part], eps[start : start + rows])
    return z
