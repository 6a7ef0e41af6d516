"""``reconstruction_error`` and ``kl_divergence``: the public errors anomaly scores are made of.

They are checked against what they must equal: the squared error of ``reconstruct`` in the
standardized space, minus ``score_samples`` (deterministic kinds) and minus the ELBO (VAEs) up to
the standardization's constant, and the sum of ``kl_per_unit``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DEVICE
from sklearn.exceptions import NotFittedError

import aekit
from aekit.data.datasets import load_digits

TINY = dict(hidden_layer_sizes=(16,), max_iter=3, random_state=0, device=DEVICE)


@pytest.fixture(scope="module")
def table() -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(150, 5)) * [1, 2, 5, 10, 0.1] + 7).astype(np.float32)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X[:150], y[:150]


@pytest.fixture(scope="module")
def ae(table):
    return aekit.Autoencoder(latent_dim=2, **TINY).fit(table)


@pytest.fixture(scope="module")
def vae(table):
    return aekit.VAE(latent_dim=2, **TINY).fit(table)


def _log_scale(model) -> float:
    return float(np.log(model.data_scale_).sum())


def test_squared_error_is_that_of_reconstruct_in_the_standardized_space(ae, table):
    per_entry = ae.reconstruction_error(table, per_feature=True)
    standardized = (table - ae.data_mean_) / ae.data_scale_
    rebuilt = (ae.reconstruct(table) - ae.data_mean_) / ae.data_scale_
    assert per_entry.shape == table.shape and per_entry.dtype == np.float64
    np.testing.assert_allclose(per_entry, (standardized - rebuilt) ** 2, atol=1e-4)
    np.testing.assert_allclose(ae.reconstruction_error(table), per_entry.sum(axis=1))


def test_nll_of_a_deterministic_kind_is_minus_its_score(ae, table):
    nll = ae.reconstruction_error(table, metric="nll")
    np.testing.assert_allclose(nll, -ae.score_samples(table) - _log_scale(ae), rtol=1e-10)


def test_a_vaes_nll_and_kl_make_minus_its_elbo(vae, table):
    nll, kl = vae.reconstruction_error(table, metric="nll"), vae.kl_divergence(table)
    assert kl.shape == (len(table),) and (kl >= 0).all()
    np.testing.assert_allclose(nll + kl, -vae.elbo(table) - _log_scale(vae), rtol=1e-10)
    np.testing.assert_allclose(kl.mean(), vae.kl_per_unit(table).sum(), rtol=1e-10)


def test_a_vaes_errors_average_fixed_draws(vae, table):
    first = vae.reconstruction_error(table, n_draws=4)
    np.testing.assert_array_equal(first, vae.reconstruction_error(table, n_draws=4))
    np.testing.assert_allclose(vae.reconstruction_error(table[7:9], n_draws=4), first[7:9])
    assert not np.allclose(first, vae.reconstruction_error(table, n_draws=1))


def test_images_give_one_error_per_pixel(digits):
    images = digits[0].reshape(-1, 1, 8, 8)
    conv = aekit.Autoencoder(
        latent_dim=2, architecture="conv", **{**TINY, "hidden_layer_sizes": (4,)}
    )
    conv.fit(images)
    per_pixel = conv.reconstruction_error(images, per_feature=True, metric="nll")
    assert per_pixel.shape == (len(images), 64)
    np.testing.assert_allclose(per_pixel.sum(axis=1), -conv.score_samples(images), rtol=1e-10)


def test_a_conditional_vae_uses_its_labels_or_its_predictions(digits):
    X, y = digits
    cvae = aekit.ConditionalVAE(latent_dim=2, **TINY).fit(X, y)
    predicted = cvae.predict(X)
    np.testing.assert_array_equal(
        cvae.reconstruction_error(X), cvae.reconstruction_error(X, predicted)
    )
    np.testing.assert_array_equal(cvae.kl_divergence(X), cvae.kl_divergence(X, predicted))
    other = cvae.reconstruction_error(X, (y + 1) % 10)
    assert not np.allclose(cvae.reconstruction_error(X, y), other)  # decoded under y


def test_bad_arguments_are_named(ae, table):
    with pytest.raises(ValueError, match="metric='abs' is not supported"):
        ae.reconstruction_error(table, metric="abs")
    with pytest.raises(ValueError, match="n_draws=0 must be an int of at least 1"):
        ae.reconstruction_error(table, n_draws=0)
    with pytest.raises(ValueError, match="X has 4 features"):
        ae.reconstruction_error(table[:, :4])
    with pytest.raises(NotFittedError):  # before the arguments are looked at
        aekit.Autoencoder().reconstruction_error(table, metric="abs")
    assert not hasattr(ae, "kl_divergence")  # a deterministic code has no posterior


def test_the_detector_turns_its_own_scores_into_probabilities(table):
    detector = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(table)
    scores = detector.anomaly_score(table[:20])
    np.testing.assert_array_equal(
        detector.scores_to_proba(scores), detector.predict_proba(table[:20])
    )
    with pytest.raises(NotFittedError):
        aekit.AnomalyDetector().scores_to_proba(scores)


def test_probability_is_minus_the_log_of_the_mean_likelihood_over_the_draws(vae, ae, table):
    """An & Cho (2015, Alg. 4): -log (1/L) sum_l p(x | z_l), computed here by hand from the
    network's pieces and the same fixed draws, with the Gaussian density written out."""
    import copy

    import torch
    from scipy.special import logsumexp

    from aekit.core.model import fixed_draws

    model = copy.deepcopy(vae.model_).cpu().double().eval()
    x = torch.from_numpy(((table - vae.data_mean_) / vae.data_scale_).astype(np.float64))
    eps = fixed_draws(16, vae.latent_dim).double()
    sigma = float(np.exp(model.likelihood.log_scale.item()))
    with torch.no_grad():
        code = model.encode(x)
        log_p = []  # (L, n): log p(x | z_l)
        for e in eps:
            mean = model.decode(code.mean + torch.exp(0.5 * code.log_var) * e).numpy()
            z2 = ((x.numpy() - mean) / sigma) ** 2
            log_p.append((-0.5 * z2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)).sum(axis=1))
    by_hand = -(logsumexp(np.array(log_p), axis=0) - np.log(16))
    per_entry = vae.reconstruction_error(table, per_feature=True, metric="probability")
    np.testing.assert_allclose(per_entry.sum(axis=1), by_hand, rtol=1e-6)
    nll = vae.reconstruction_error(table, metric="nll")  # the mean of -log p over the draws
    assert (per_entry.sum(axis=1) <= nll + 1e-9).all() and (per_entry.sum(axis=1) < nll).any()
    np.testing.assert_allclose(nll, -np.mean(log_p, axis=0), rtol=1e-6)
    # One code, one draw: the mean of one likelihood is that likelihood.
    np.testing.assert_allclose(
        ae.reconstruction_error(table, per_feature=True, metric="probability"),
        ae.reconstruction_error(table, per_feature=True, metric="nll"),
        rtol=1e-12,
    )
