"""Each kind's objective against its equation, computed by hand on a tiny network.

A kind is fitted for one epoch on a dozen rows (its weights are then whatever they are), copied
to float64 on the CPU, and its ``forward`` (the training loss and its recorded terms) or its
public scores are compared with the formula written out from the network's weights and
``torch.distributions``, the random draws taken from the same seeded generator:

* contractive: ``mean_r [-log p(x_r | g(h(x_r)))] + lambda * mean_r ||dh/dx~||_F^2`` (Rifai et al.
  2011), the Jacobian of a sigmoid layer in closed form, and in the data's units as the
  docstring writes it, ``sum_j s_j^2 ||dh/dx_j||^2``;
* sparse: ``+ w * sum_j KL(rho || rho_hat_j)``, ``rho_hat`` the batch mean of the sigmoid code
  (Ng 2011), or ``+ w * mean_r sum_j |h_j|`` on the ReLU code;
* denoising: the documented corruption on the encoder's input, the NLL against the clean x
  (Vincent et al. 2008), each entry hit independently;
* VAE: ``-log p(x | mu + sigma * eps) + beta * KL(q || N(0, I))`` in training, the beta-free
  ELBO in ``score_samples`` (nats of the data: constants and standardization included) and
  ``-L_k`` for the IWAE objective (Burda et al. 2015, eq. 8);
* ConditionalVAE: the one-hot label joins the encoder's and the decoder's inputs, the KL is
  against N(0, I), and without labels the score is ``logsumexp_y ELBO(x, y) - log K``;
* M2 (Kingma et al. 2014, eqs. 6-9), with the ELBO (``importance_samples=1``), beta and alpha;
* the detector's scores of a VAE member: An & Cho's reconstruction probability and the negative
  ELBO.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import DEVICE
from scipy.special import logsumexp
from torch.distributions import Bernoulli, Normal

import aekit
from aekit.core.model import fixed_draws
from aekit.core.objectives import Corruption, ImportanceWeightedBound

TINY = {"hidden_layer_sizes": (3,), "latent_dim": 2, "max_iter": 1, "random_state": 0}
RNG = np.random.default_rng(0)
GAUSSIAN = (RNG.normal(size=(12, 4)) * [1.0, 2.0, 3.0, 0.5] + 3).astype(np.float32)
BINARY = (RNG.random(size=(12, 4)) < 0.4).astype(np.float32)  # the Bernoulli's support
LABELS = np.arange(12) % 3


def _float64(estimator):
    """The fitted network, float64 on the CPU, in training mode (its forward is the loss)."""
    return copy.deepcopy(estimator.model_).cpu().double().train()


def _model_space(estimator, X: np.ndarray) -> torch.Tensor:
    """X as the network sees it: standardized for Gaussian data, as is for [0, 1] data."""
    if estimator.data_mean_ is not None:
        X = (X - estimator.data_mean_) / estimator.data_scale_
    return torch.from_numpy(np.asarray(X, dtype=np.float64))


def _log_p(model, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``log p(x | z)`` per row from ``torch.distributions``: Bernoulli on logits, or a
    Gaussian of the likelihood's sigma (1 for the deterministic kinds, learnt by VAEs)."""
    if model.likelihood.name == "bernoulli":
        return Bernoulli(logits=output).log_prob(x).sum(-1)
    return Normal(output, model.likelihood.log_scale.detach().exp()).log_prob(x).sum(-1)


def _gaussian_kl(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """``KL(N(mu, sigma^2) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)``."""
    return 0.5 * (mu**2 + log_var.exp() - 1 - log_var).sum(-1)


def test_contractive_penalty_is_the_squared_frobenius_norm_of_the_encoders_jacobian():
    est = aekit.ContractiveAutoencoder(
        activation="logistic", contractive_weight=0.7, device=DEVICE, **TINY
    ).fit(GAUSSIAN)
    model, x = _float64(est), _model_space(est, GAUSSIAN)
    terms = model(x)
    # h = W2 sigmoid(W1 x + b1) + b2: J = W2 diag(sigmoid'(a)) W1, a = W1 x + b1 (per row).
    first, head = model.encoder.body[0], model.latent.head
    a = x @ first.weight.T + first.bias
    slope = torch.sigmoid(a) * (1 - torch.sigmoid(a))
    jacobian = torch.einsum("jh,rh,hi->rji", head.weight, slope, first.weight)
    penalty = jacobian.pow(2).sum((1, 2)).mean()  # mean over rows of ||J||_F^2
    h = torch.sigmoid(a) @ head.weight.T + head.bias
    reconstruction = -Normal(model.decoder(h), 1.0).log_prob(x).sum(-1).mean()  # sigma = 1
    torch.testing.assert_close(terms["contractive"], penalty)
    torch.testing.assert_close(terms["reconstruction"], reconstruction)
    torch.testing.assert_close(terms["loss"], reconstruction + 0.7 * penalty)
    # So, less the constant: half of Rifai et al.'s squared-error objective with lambda 2 * 0.7.
    squared_error = (x - model.decoder(h)).pow(2).sum(-1).mean()
    torch.testing.assert_close(
        terms["loss"] - 2 * math.log(2 * math.pi), 0.5 * (squared_error + 2 * 0.7 * penalty)
    )

    # The docstring's penalty in the data's units: sum_j s_j^2 ||dh/dx_j||^2, x raw.
    mean, scale = (
        torch.from_numpy(v.astype(np.float64)) for v in (est.data_mean_, est.data_scale_)
    )
    raw = torch.from_numpy(GAUSSIAN.astype(np.float64))
    by_unit = torch.stack(
        [
            torch.autograd.functional.jacobian(
                lambda r: model.encode_code(((r - mean) / scale)[None])[0], row
            )
            for row in raw
        ]
    )  # (rows, code, features): dh/dx in the data's units
    torch.testing.assert_close((scale**2 * by_unit.pow(2)).sum((1, 2)).mean(), penalty)


@pytest.mark.parametrize("sparsity", ["kl", "l1"])
def test_sparsity_penalty_is_the_documented_one(sparsity):
    X = GAUSSIAN if sparsity == "kl" else BINARY  # KL as in Ng's notes: on a squared error
    target = {"sparsity_target": 0.1} if sparsity == "kl" else {}  # l1 has no target rate
    est = aekit.SparseAutoencoder(
        sparsity=sparsity, sparsity_weight=0.3, device=DEVICE, **target, **TINY
    ).fit(X)
    model, x = _float64(est), _model_space(est, X)
    terms = model(x)
    first, head = model.encoder.body[0], model.latent.head
    a = torch.relu(x @ first.weight.T + first.bias) @ head.weight.T + head.bias
    if sparsity == "kl":  # sigmoid code, rho_hat_j the batch's mean activation of unit j
        h = torch.sigmoid(a)
        rho, rho_hat = 0.1, h.mean(0)
        kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
        penalty = kl.sum()
    else:  # ReLU code, sum_j |h_j| per row, averaged over the rows
        h = torch.relu(a)
        penalty = h.abs().sum(1).mean()
    reconstruction = -_log_p(model, model.decoder(h), x).mean()
    torch.testing.assert_close(terms["sparsity"], penalty)
    torch.testing.assert_close(terms["loss"], reconstruction + 0.3 * penalty)
    if sparsity == "kl":  # less the constant, Ng's J_sparse: mean of half the SE + beta * KL
        half_squared_error = 0.5 * (x - model.decoder(h)).pow(2).sum(-1).mean()
        torch.testing.assert_close(
            terms["loss"] - 2 * math.log(2 * math.pi), half_squared_error + 0.3 * penalty
        )


@pytest.mark.parametrize("noise", ["gaussian", "masking"])
def test_denoising_loss_compares_the_corrupted_inputs_reconstruction_with_the_clean_row(noise):
    level = 0.4
    est = aekit.DenoisingAutoencoder(noise=noise, noise_level=level, device=DEVICE, **TINY).fit(
        GAUSSIAN
    )
    model, x = _float64(est), _model_space(est, GAUSSIAN)
    seen = []
    hook = model.encoder.register_forward_pre_hook(lambda _, args: seen.append(args[0]))
    terms = model(x, None, torch.Generator().manual_seed(3))
    hook.remove()
    (x_tilde,) = seen
    if noise == "gaussian":  # x + sigma * eps, clipped to each feature's training range
        eps = torch.randn(x.shape, generator=torch.Generator().manual_seed(3), dtype=x.dtype)
        torch.testing.assert_close(
            x_tilde, torch.clamp(x + level * eps, x.min(0).values, x.max(0).values)
        )
    else:  # entries set to 0 (standardized: the feature's training mean), the rest kept
        hit = x_tilde != x
        assert hit.any() and (x_tilde[hit] == 0).all()
    output = model.decoder(model.latent(model.encoder(x_tilde)).mean)
    torch.testing.assert_close(terms["loss"], -_log_p(model, output, x).mean())  # clean x
    assert not torch.allclose(terms["loss"], -_log_p(model, output, x_tilde).mean())


@pytest.mark.parametrize("noise", ["masking", "salt_pepper", "dropout"])
def test_entries_are_hit_independently_so_a_rows_count_is_binomial(noise):
    """As documented (not Vincent et al.'s exactly ``level * d`` entries of every row): the
    number of hit entries of a row of d = 20 is Binomial(20, 0.3), mean 6, variance 4.2."""
    x = torch.full((4000, 20), 0.5, dtype=torch.float64)
    corrupt = Corruption(noise, 0.3, torch.zeros(20), torch.ones(20))
    noisy = corrupt(x, torch.Generator().manual_seed(0))
    hits = ((noisy == 0) | (noisy == 1)).sum(1).double()  # dropout scales the others by 1/0.7
    assert hits.mean().item() == pytest.approx(6.0, abs=0.1)
    assert hits.var().item() == pytest.approx(4.2, rel=0.1)


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
def test_vae_loss_scores_and_iwae_bound_are_the_documented_formulas(likelihood):
    X = BINARY if likelihood == "bernoulli" else GAUSSIAN
    est = aekit.VAE(beta=0.4, likelihood=likelihood, device=DEVICE, **TINY).fit(X)
    model, x = _float64(est), _model_space(est, X)
    if likelihood == "gaussian":  # a sigma other than 1, in the fitted model as in the copy
        for m in (model, est.model_):
            m.likelihood.log_scale.data.fill_(math.log(0.8))
    code = model.latent(model.encoder(x))
    mu, log_var = code.mean, code.log_var
    sigma, kl = torch.exp(0.5 * log_var), _gaussian_kl(mu, log_var)

    # Training: one reparameterized draw z = mu + sigma * eps, and beta on the KL alone.
    terms = model(x, None, torch.Generator().manual_seed(1))
    eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(1), dtype=x.dtype)
    log_px = _log_p(model, model.decoder(mu + sigma * eps), x)
    torch.testing.assert_close(terms["kl"], kl.mean())
    torch.testing.assert_close(terms["loss"], -log_px.mean() + 0.4 * kl.mean())

    # score_samples: the ELBO (no beta) over the 16 fixed draws, in nats of the data.
    with torch.no_grad():
        draws = fixed_draws(16, 2).double()
        log_px = torch.stack([_log_p(model, model.decoder(mu + sigma * e), x) for e in draws])
        elbo = (log_px.mean(0) - kl).numpy()
    log_det = 0.0 if est.data_scale_ is None else -np.log(est.data_scale_).sum()
    np.testing.assert_allclose(est.score_samples(X), elbo + log_det, rtol=1e-6)

    # -L_k, k = 3: -mean_r [logsumexp_i (log p(x|z_i) + log p(z_i) - log q(z_i|x)) - log k].
    terms = ImportanceWeightedBound(3)(model, x, None, torch.Generator().manual_seed(2), 0)
    eps = torch.randn(3, *mu.shape, generator=torch.Generator().manual_seed(2), dtype=x.dtype)
    z = mu + sigma * eps
    log_w = (
        _log_p(model, model.decoder(z), x)
        + Normal(0.0, 1.0).log_prob(z).sum(-1)
        - Normal(mu, sigma).log_prob(z).sum(-1)
    )
    torch.testing.assert_close(terms["loss"], -(torch.logsumexp(log_w, 0) - math.log(3)).mean())


def test_conditional_vae_conditions_encoder_and_decoder_on_the_one_hot_label():
    est = aekit.ConditionalVAE(beta=0.7, device=DEVICE, **TINY).fit(BINARY, LABELS)
    model, x = _float64(est), _model_space(est, BINARY)

    def parts(y: torch.Tensor):
        """mu, sigma, KL and the decoder of (z, y), from the weights, one-hot y appended."""
        one_hot = F.one_hot(y, 3).double()
        first = model.encoder.body[0]
        features = torch.relu(torch.cat([x, one_hot], 1) @ first.weight.T + first.bias)
        mu, log_var = model.latent.head(features).chunk(2, -1)
        decode = lambda z: model.decoder.body(torch.cat([z, one_hot], 1))  # noqa: E731
        return mu, torch.exp(0.5 * log_var), _gaussian_kl(mu, log_var), decode

    y = torch.from_numpy(LABELS)
    terms = model(x, y, torch.Generator().manual_seed(1))
    mu, sigma, kl, decode = parts(y)
    eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(1), dtype=x.dtype)
    log_px = Bernoulli(logits=decode(mu + sigma * eps)).log_prob(x).sum(-1)
    torch.testing.assert_close(terms["kl"], kl.mean())  # against N(0, I) whatever the label
    torch.testing.assert_close(terms["loss"], -log_px.mean() + 0.7 * kl.mean())

    # Without labels, score_samples sums them out: logsumexp_y ELBO(x, y) - log K.
    elbos = []
    with torch.no_grad():
        for c in range(3):
            mu, sigma, kl, decode = parts(torch.full((12,), c))
            log_px = [
                Bernoulli(logits=decode(mu + sigma * e)).log_prob(x).sum(-1)
                for e in fixed_draws(16, 2).double()
            ]
            elbos.append((torch.stack(log_px).mean(0) - kl).numpy())
    by_hand = logsumexp(np.stack(elbos, axis=1), axis=1) - np.log(3)
    np.testing.assert_allclose(est.score_samples(BINARY), by_hand, rtol=1e-6)
    np.testing.assert_allclose(est.score_samples(BINARY, LABELS), np.choose(LABELS, elbos))


def test_m2_loss_is_kingmas_bound_with_the_entropy_and_alpha():
    """``J / n = (sum_l L(x, y) + sum_u U(x)) / n + alpha * mean_l -log q(y|x)`` with
    ``L(x, y) = -log p(x | y, z) + beta * KL - log p(y)`` (one draw; p(y) the labelled rows'
    class shares, each count plus one) and ``U(x) = sum_y q(y|x) L(x, y) - H(q(y|x))`` (Kingma
    et al. 2014, eqs. 6, 7 and 9)."""
    y_few = np.where(np.arange(12) < 5, LABELS, -1)  # 5 labelled rows, 7 unlabelled
    est = aekit.ConditionalVAE(beta=0.5, classifier_weight=0.3, device=DEVICE, **TINY).fit(
        BINARY, y_few
    )
    assert est.semi_supervised_
    counts = np.bincount(LABELS[:5], minlength=3) + 1.0
    np.testing.assert_allclose(est.class_prior_, counts / counts.sum())
    log_prior = torch.log(torch.from_numpy(counts / counts.sum()))
    model, x = _float64(est), _model_space(est, BINARY)
    y = torch.from_numpy(y_few)
    terms = model(x, y, torch.Generator().manual_seed(4))
    labelled = y >= 0
    x_l, y_l, x_u = x[labelled], y[labelled], x[~labelled]
    n_l, n_u = len(x_l), len(x_u)
    # The objective's one draw per (row, label): the labelled rows, then each class's block.
    eps = torch.randn(n_l + 3 * n_u, 2, generator=torch.Generator().manual_seed(4), dtype=x.dtype)

    def bound(rows: torch.Tensor, labels: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        code = model.encode(rows, labels)
        z = code.mean + torch.exp(0.5 * code.log_var) * e
        log_px = Bernoulli(logits=model.decode(z, labels)).log_prob(rows).sum(-1)
        return -log_px + 0.5 * _gaussian_kl(code.mean, code.log_var) - log_prior[labels]

    with torch.no_grad():
        bound_l = bound(x_l, y_l, eps[:n_l])
        bound_u = torch.stack(  # (n_u, K)
            [
                bound(x_u, torch.full((n_u,), c), eps[n_l + c * n_u : n_l + (c + 1) * n_u])
                for c in range(3)
            ],
            dim=1,
        )
        logits = model.classifier(x)
    q = torch.softmax(logits[~labelled], dim=1)
    entropy = -(q * q.log()).sum(1)
    unlabelled = (q * bound_u).sum(1) - entropy
    cross_entropy = -torch.log_softmax(logits[labelled], 1)[torch.arange(n_l), y_l].mean()
    expected = (bound_l.sum() + unlabelled.sum()) / 12 + 0.3 * cross_entropy
    torch.testing.assert_close(terms["loss"].detach(), expected)
    torch.testing.assert_close(terms["label_entropy"].detach(), entropy.sum() / 12)
    torch.testing.assert_close(terms["classification"].detach(), cross_entropy)


@pytest.mark.parametrize("score_type", ["probability", "elbo"])
def test_detector_scores_a_vae_member_by_an_and_chos_probability_or_the_negative_elbo(score_type):
    """``score_type="probability"``: ``-log (1/L) sum_l p(x | z_l)`` (An & Cho 2015, Alg. 4);
    ``"elbo"``: ``-(1/L) sum_l log p(x | z_l) + KL``, over the detector's L = ``n_draws`` fixed
    draws, in the member's space, divided by the member's spread (the only part here)."""
    X = (RNG.normal(size=(40, 4)) * [1.0, 2.0, 3.0, 0.5]).astype(np.float32)
    member = aekit.VAE(device=DEVICE, **TINY)
    detector = aekit.AnomalyDetector(
        estimator=member,
        score_type=score_type,
        contamination=0.1,  # a quantile: 40 rows are too few for the tail fit
        n_draws=5,
        n_estimators=1,
        n_neighbors=0,
        preprocessing=None,
        random_state=0,
    ).fit(X)
    (vae,) = detector.estimators_
    model, x = _float64(vae), _model_space(vae, X)
    with torch.no_grad():
        code = model.encode(x)
        sigma = torch.exp(0.5 * code.log_var)
        log_p = torch.stack(
            [_log_p(model, model.decode(code.mean + sigma * e), x) for e in fixed_draws(5, 2)]
        )  # (L, rows)
    if score_type == "probability":
        by_hand = -(torch.logsumexp(log_p, 0) - math.log(5))
    else:
        by_hand = -log_p.mean(0) + _gaussian_kl(code.mean, code.log_var)
    np.testing.assert_allclose(
        detector.anomaly_score(X) * detector.error_scales_[0], by_hand.numpy(), rtol=1e-6
    )


@pytest.mark.parametrize("kind", ["vae", "cvae"])
def test_posterior_std_is_the_sigma_whose_closed_form_kl_the_model_reports(kind):
    """``q(z|x) = N(mu, sigma^2)``: ``KL(q || N(0, 1))`` per unit is
    ``(mu^2 + sigma^2 - 1) / 2 - log sigma`` with mu from ``transform`` and sigma from
    ``posterior_std`` (a student could read the mean alone)."""
    if kind == "vae":
        model, y = aekit.VAE(device=DEVICE, **TINY).fit(GAUSSIAN), None
    else:
        model, y = aekit.ConditionalVAE(device=DEVICE, **TINY).fit(GAUSSIAN, LABELS), LABELS
    mu = model.transform(GAUSSIAN, y).astype(np.float64)
    sigma = model.posterior_std(GAUSSIAN, y).astype(np.float64)
    assert sigma.shape == mu.shape and (sigma > 0).all()
    by_hand = (0.5 * (mu**2 + sigma**2 - 1) - np.log(sigma)).mean(axis=0)
    np.testing.assert_allclose(model.kl_per_unit(GAUSSIAN, y), by_hand, rtol=1e-4, atol=1e-6)
