"""The VAEs' evaluation tools: ELBO, importance-weighted log-likelihood, KL per unit, active
units and latent interpolation."""

import numpy as np
import pytest
import torch
from conftest import DEVICE, assert_same_numbers
from scipy.special import logsumexp

import aekit
from aekit.data.datasets import load_digits

# Tiny models, on the suite's device (inference is float64 there too: batching shows nowhere).
TINY = {
    "hidden_layer_sizes": (32,),
    "learning_rate_init": 3e-3,
    "random_state": 0,
    "device": DEVICE,
}


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = load_digits()
    return X[:1000], y[:1000], X[1500:1600], y[1500:1600]


@pytest.fixture(scope="module")
def vae(data) -> aekit.VAE:
    X_train = data[0]
    # A small beta leaves q(z|x) narrower than the true posterior, so the importance-weighted
    # bound has nats to gain over the ELBO (on a well-fitted beta=1 model the gap is ~0.3 nats,
    # about the Monte Carlo noise of the 16-draw ELBO).
    return aekit.VAE(latent_dim=8, max_iter=30, beta=0.1, **TINY).fit(X_train)


@pytest.fixture(scope="module")
def cvae(data) -> aekit.ConditionalVAE:
    X_train, y_train = data[0], data[1]
    return aekit.ConditionalVAE(latent_dim=4, max_iter=30, **TINY).fit(X_train, y_train)


def test_elbo_is_score_samples(vae, cvae, data):
    _, _, X_test, y_test = data
    np.testing.assert_array_equal(vae.elbo(X_test), vae.score_samples(X_test))
    np.testing.assert_array_equal(cvae.elbo(X_test, y_test), cvae.score_samples(X_test, y_test))
    np.testing.assert_array_equal(cvae.elbo(X_test), cvae.score_samples(X_test))


def test_log_likelihood_bounds_the_elbo_and_tightens_with_k(vae, data):
    X_test = data[2]
    elbo = vae.elbo(X_test).mean()

    def bound(k: int, seeds: int) -> float:
        # A few seeds: the smaller k's bounds differ by tenths of a nat, so less noise helps.
        return np.mean(
            [vae.log_likelihood(X_test, n_samples=k, random_state=s).mean() for s in range(seeds)]
        )

    # E[L_1] is the ELBO; E[L_k] increases with k (Burda et al. 2015, Theorem 1).
    k1, k5, k50 = bound(1, 64), bound(5, 16), bound(50, 4)
    k500 = vae.log_likelihood(X_test, n_samples=500)
    assert k1 == pytest.approx(elbo, abs=0.4)
    assert k5 > k1 + 0.4
    assert k50 > k5 + 0.2
    assert k50 > elbo + 1
    assert k500.mean() > k5 + 0.5  # one seed: compared with a clearly looser bound
    assert k500.shape == (len(X_test),) and np.isfinite(k500).all()
    # Deterministic given random_state; another seed draws other eps.
    k50_0 = vae.log_likelihood(X_test, n_samples=50)
    np.testing.assert_array_equal(vae.log_likelihood(X_test, n_samples=50, random_state=0), k50_0)
    assert not np.array_equal(vae.log_likelihood(X_test, n_samples=50, random_state=1), k50_0)
    with pytest.raises(ValueError, match="n_samples"):
        vae.log_likelihood(X_test, n_samples=0)


def test_the_elbo_from_the_likelihoods_draws_never_exceeds_it(vae, data):
    # mean log weight <= log mean weight, row by row (Jensen); with k = 1 the two are one draw
    X_test = data[2]
    for k in (1, 7, 50):
        elbo = vae.elbo_estimate(X_test, n_samples=k, random_state=3)
        bound = vae.log_likelihood(X_test, n_samples=k, random_state=3)
        assert (elbo <= bound + 1e-9).all() and elbo.shape == bound.shape
    np.testing.assert_allclose(
        vae.elbo_estimate(X_test, n_samples=1), vae.log_likelihood(X_test, n_samples=1)
    )
    many = vae.elbo_estimate(X_test, n_samples=400).mean()  # the ELBO: 16 draws or 400 agree
    assert many == pytest.approx(vae.elbo(X_test).mean(), abs=0.4)


def test_log_likelihood_is_exact_for_a_linear_gaussian_model():
    # No hidden layers and a Gaussian likelihood: z ~ N(0, I), x_std | z ~ N(W z + b, s^2 I),
    # so p(x_std) = N(b, W W^T + s^2 I) exactly (probabilistic PCA, Tipping & Bishop 1999).
    rng = np.random.default_rng(0)
    mixing = np.array([[2.0, 0.3], [-1.0, 1.0], [0.5, -1.5]])
    X = rng.standard_normal((1000, 2)) @ mixing.T + 0.3 * rng.standard_normal((1000, 3))
    X = (X + [5.0, -2.0, 10.0]) * [1.0, 3.0, 0.2]  # scales the model must undo
    vae = aekit.VAE(
        hidden_layer_sizes=(),
        latent_dim=2,
        likelihood="gaussian",
        max_iter=40,
        learning_rate_init=1e-2,
        random_state=0,
        device=DEVICE,
    ).fit(X)
    model = vae.model_
    (linear,) = model.decoder.body
    W, b = linear.weight.detach().cpu().double(), linear.bias.detach().cpu().double()
    log_s = model.likelihood.log_scale.detach().cpu().double().clamp(min=np.log(1e-3))
    cov = W @ W.T + torch.exp(2 * log_s) * torch.eye(3, dtype=torch.float64)
    X_eval = X[:200]
    X_std = torch.from_numpy((X_eval - vae.data_mean_) / vae.data_scale_)
    exact = torch.distributions.MultivariateNormal(b, cov).log_prob(X_std).numpy()
    exact += vae._log_det_scale()  # a density of the data, as the estimator reports

    estimate = vae.log_likelihood(X_eval, n_samples=2000)
    np.testing.assert_allclose(estimate, exact, atol=0.05)
    # The ELBO (a 16-draw Monte Carlo estimate) stays below log p(x) up to its noise.
    assert vae.elbo(X_eval).mean() <= exact.mean() + 0.15
    # Few draws: a looser bound, further from the exact value on average.
    few = vae.log_likelihood(X_eval, n_samples=2)
    assert np.abs(few - exact).mean() > np.abs(estimate - exact).mean()


def test_results_do_not_depend_on_the_batch(vae, data, monkeypatch):
    # A row's draws are seeded by its values and inference runs in float64, so a row's value is
    # the same in any batch, up to float64 rounding (a matrix product's last bit can depend on
    # the row's position in it, as for score_samples).
    X_test = data[2]
    same = {"rtol": 1e-12, "atol": 0}
    full = vae.log_likelihood(X_test, n_samples=50)
    np.testing.assert_allclose(vae.log_likelihood(X_test[7:19], n_samples=50), full[7:19], **same)
    order = np.random.default_rng(0).permutation(len(X_test))
    np.testing.assert_allclose(vae.log_likelihood(X_test[order], n_samples=50), full[order], **same)
    single = [vae.log_likelihood(X_test[i : i + 1], n_samples=50)[0] for i in (0, 50, 99)]
    np.testing.assert_allclose(single, full[[0, 50, 99]], **same)
    kl = vae.kl_per_unit(X_test)
    monkeypatch.setattr("aekit.estimators._inference._INFERENCE_BATCH", 7)  # many small batches
    np.testing.assert_allclose(vae.log_likelihood(X_test, n_samples=50), full, **same)
    np.testing.assert_allclose(vae.kl_per_unit(X_test), kl, **same)


def _elbo_of_16_fixed_draws(model, X) -> np.ndarray:
    """The scores score_samples gave before n_draws existed, by the code it ran then:
    ``model.elbo(x, y, fixed_draws(16, latent_dim))`` batched, plus the log-determinant of the
    standardization."""
    from aekit.core.model import fixed_draws

    eps = fixed_draws(16, model.latent_dim)
    X_model = model._to_model(model._validate_X(X, reset=False))
    scores = model._batched(lambda m, x, yb: m.elbo(x, yb, eps.to(x)), X_model, None)
    return scores.numpy().astype(np.float64) + model._log_det_scale()


def test_n_draws_16_by_default_scores_bit_for_bit_as_before(vae, data):
    from pathlib import Path

    X_test = data[2]
    assert vae.n_draws == 16
    np.testing.assert_array_equal(vae.score_samples(X_test), _elbo_of_16_fixed_draws(vae, X_test))
    # a file written before the parameter existed loads with the default, and scores so
    old = aekit.load(Path(__file__).parent / "fixtures" / "format_v1" / "vae_gmm.safetensors")
    assert old.n_draws == 16
    np.testing.assert_array_equal(old.score_samples(X_test), _elbo_of_16_fixed_draws(old, X_test))


def test_more_draws_make_the_score_vary_less_across_seeds(vae, data, monkeypatch):
    # score_samples averages n_draws draws of eps fixed by seed 0; drawn from other seeds, the
    # score of a row is a Monte Carlo estimate of its ELBO whose variance falls as 1 / n_draws.
    import copy

    from aekit.core.model import fixed_draws

    X_test = data[2]
    model = copy.deepcopy(vae)  # the module's fixture stays as it is

    def variance_across_seeds(n_draws: int) -> float:
        scores = []
        for seed in range(12):
            monkeypatch.setattr(
                "aekit.estimators._inference.fixed_draws",
                lambda n, d, seed=seed: fixed_draws(n, d, seed=seed),
            )
            scores.append(model.set_params(n_draws=n_draws).score_samples(X_test))
        return float(np.var(scores, axis=0).mean())  # each row's variance, averaged

    few, many = variance_across_seeds(4), variance_across_seeds(64)
    assert many < few / 6  # 1/16 in expectation; 0.0770 against 0.0067 (1/11.6) when written
    # an n_draws below 1 is refused, at fit as every parameter, and at scoring after set_params
    with pytest.raises(ValueError, match="n_draws"):
        aekit.VAE(n_draws=0, max_iter=1, **TINY).fit(X_test)
    with pytest.raises(ValueError, match="n_draws=0"):
        model.set_params(n_draws=0).score_samples(X_test)


def test_n_draws_set_after_fit_scores_saves_and_keeps_minus_elbo_nll_plus_kl(vae, data, tmp_path):
    import copy
    import warnings

    X_test = data[2]
    model = copy.deepcopy(vae).set_params(n_draws=4)  # read when scoring: no refit needed
    assert not np.array_equal(model.score_samples(X_test), vae.score_samples(X_test))
    # reconstruction_error's draws follow by default: -ELBO = NLL + KL, row by row
    nll, kl = model.reconstruction_error(X_test, metric="nll"), model.kl_divergence(X_test)
    np.testing.assert_allclose(nll + kl, -model.elbo(X_test), rtol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "set_params changed n_draws after fit" warning
        model.save(tmp_path / "vae.safetensors")
    loaded = aekit.load(tmp_path / "vae.safetensors")
    assert loaded.n_draws == 4
    assert_same_numbers(loaded.score_samples(X_test), model.score_samples(X_test))


def test_interpolate_hits_the_reconstructions_of_its_endpoints(vae, data):
    X_test = data[2]
    ends = vae.inverse_transform(vae.transform(X_test[:2]))
    for method in ("linear", "slerp"):
        path = vae.interpolate(X_test[0], X_test[1], steps=6, method=method)
        assert path.shape == (6, X_test.shape[1])
        np.testing.assert_array_equal(path[0], ends[0])
        np.testing.assert_array_equal(path[-1], ends[1])
        assert not np.allclose(path[1], path[0])
    # One-row 2-D inputs work too, and the midpoint of a linear path decodes the mean code.
    path = vae.interpolate(X_test[:1], X_test[1:2], steps=3)
    middle = vae.inverse_transform(vae.transform(X_test[:2]).mean(axis=0, keepdims=True))
    np.testing.assert_allclose(path[1], middle[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="method"):
        vae.interpolate(X_test[0], X_test[1], method="cubic")
    with pytest.raises(ValueError, match="steps"):
        vae.interpolate(X_test[0], X_test[1], steps=1)
    with pytest.raises(ValueError, match="one row"):
        vae.interpolate(X_test[:2], X_test[1])


def test_slerp_keeps_the_norm_between_codes_of_equal_norm():
    from aekit.estimators._generative import _slerp

    a, b = np.array([3.0, 0.0]), np.array([0.0, 3.0])
    path = _slerp(a, b, np.linspace(0, 1, 5)[:, None])
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 3.0)
    np.testing.assert_allclose(path[2], [3 / np.sqrt(2), 3 / np.sqrt(2)])
    # Parallel codes: slerp is undefined and falls back to the straight line.
    np.testing.assert_allclose(_slerp(a, 2 * a, np.array([[0.5]])), [[4.5, 0.0]])


def test_a_large_beta_leaves_fewer_active_units(data):
    X_train, _, X_test, _ = data
    counts, kls = {}, {}
    for beta in (1.0, 50.0):
        model = aekit.VAE(latent_dim=4, max_iter=10, beta=beta, **TINY).fit(X_train)
        counts[beta], kls[beta] = model.active_units(X_test), model.kl_per_unit(X_test)
    assert counts[50.0] < counts[1.0]
    assert kls[50.0].sum() < kls[1.0].sum()
    # Burda et al.'s activity is the variance of the posterior mean across the data.
    activity = model.transform(X_test).astype(np.float64).var(axis=0)
    assert model.active_units(X_test, threshold=0.0) == int((activity > 0).sum())
    with pytest.raises(ValueError, match="threshold"):
        model.active_units(X_test, threshold=-1)


def test_beta_zero_warns_that_samples_from_the_prior_mean_little(data):
    """Without the KL term nothing keeps q(z|x) near N(0, I) (its KL is far above a beta=1
    model's), so draws of the prior decode to rows unlike the data: sample() says so, and the
    mixture sampler fitted to the codes is the way out."""
    import warnings

    X_train, _, X_test, _ = data
    free = aekit.VAE(latent_dim=4, max_iter=5, beta=0.0, **TINY).fit(X_train)
    tied = aekit.VAE(latent_dim=4, max_iter=5, beta=1.0, **TINY).fit(X_train)
    assert free.kl_divergence(X_test).mean() > 3 * tied.kl_divergence(X_test).mean()
    with pytest.warns(UserWarning, match="beta=0 trained no KL term.*sampler='gmm'"):
        free.sample(5, random_state=0)
    gmm = aekit.VAE(latent_dim=4, max_iter=5, beta=0.0, sampler="gmm", **TINY).fit(X_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gmm.sample(5, random_state=0)
        tied.sample(5, random_state=0)


def test_kl_per_unit_sums_to_the_mean_kl(vae, data):
    X_test = data[2]
    per_unit = vae.kl_per_unit(X_test)
    assert per_unit.shape == (vae.latent_dim,) and (per_unit >= 0).all()
    with torch.no_grad():
        device = next(vae.model_.parameters()).device  # the model's
        code = vae.model_.encode(torch.from_numpy(X_test).to(device))
        mu, log_var = code.mean.double().cpu(), code.log_var.double().cpu()
    expected = (-0.5 * (1 + log_var - mu**2 - log_var.exp())).mean(dim=0).numpy()
    np.testing.assert_allclose(per_unit, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(per_unit.sum(), vae.model_.latent.kl(code).mean().item(), rtol=1e-5)


def test_conditional_vae_uses_the_labels(cvae, data):
    _, _, X_test, y_test = data
    right = cvae.log_likelihood(X_test, y_test, n_samples=20)
    wrong = cvae.log_likelihood(X_test, (y_test + 1) % 10, n_samples=20)
    assert right.mean() > wrong.mean() + 2
    assert (right > wrong).mean() > 0.9
    # Without labels: log p(x) = logsumexp_y [log p(x | y) + log p(y)], p(y) the fitted prior
    # (the training rows' class shares, each count plus one)
    counts = np.bincount(cvae.classes_.searchsorted(data[1]), minlength=10) + 1.0
    np.testing.assert_allclose(cvae.class_prior_, counts / counts.sum())
    per_class = np.stack(
        [cvae.log_likelihood(X_test, np.full(len(X_test), c), n_samples=20) for c in range(10)],
        axis=1,
    )
    np.testing.assert_allclose(
        cvae.log_likelihood(X_test, n_samples=20),
        logsumexp(per_class + np.log(counts / counts.sum()), axis=1),
    )
    np.testing.assert_array_equal(per_class[np.arange(len(y_test)), y_test], right)

    assert cvae.kl_per_unit(X_test, y_test).shape == (4,)
    assert 0 <= cvae.active_units(X_test, y_test) <= 4
    path = cvae.interpolate(X_test[0], X_test[1], steps=4, y=3)
    ends = cvae.inverse_transform(cvae.transform(X_test[:2], [3, 3]), y=3)
    assert path.shape == (4, X_test.shape[1])
    np.testing.assert_array_equal(path[[0, -1]], ends)
    with pytest.raises(ValueError, match="one label"):
        cvae.interpolate(X_test[0], X_test[1])


def test_images_keep_their_shape():
    X, _ = load_digits(as_images=True)
    vae = aekit.VAE(
        architecture="conv",
        hidden_layer_sizes=(4,),
        latent_dim=2,
        max_iter=2,
        random_state=0,
        device=DEVICE,
    ).fit(X[:100])
    ll = vae.log_likelihood(X[100:110], n_samples=10)
    assert ll.shape == (10,) and np.isfinite(ll).all()
    np.testing.assert_allclose(vae.log_likelihood(X[103:105], n_samples=10), ll[3:5], rtol=1e-12)
    path = vae.interpolate(X[100], X[101], steps=3, method="slerp")
    assert path.shape == (3, 1, 8, 8)
    np.testing.assert_array_equal(path[0], vae.reconstruct(X[100:101])[0])


def _frechet(a, b):
    from scipy.linalg import sqrtm

    covariance_term = np.trace(
        np.cov(a.T) + np.cov(b.T) - 2 * np.real(sqrtm(np.cov(a.T) @ np.cov(b.T)))
    )
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + covariance_term)


def test_gmm_sampler_follows_the_training_codes_better_than_the_prior(tmp_path):
    X, _ = aekit.data.datasets.load_digits()
    params = dict(latent_dim=4, hidden_layer_sizes=(64,), max_iter=40, random_state=0)
    prior = aekit.VAE(**params).fit(X)
    gmm = aekit.VAE(sampler="gmm", **params).fit(X)
    codes = gmm.transform(X)
    gmm_codes = gmm.transform(gmm.sample(2000, random_state=0))
    prior_codes = gmm.transform(
        gmm._decode(np.random.default_rng(0).normal(size=(2000, 4)).astype(np.float32))
    )
    assert _frechet(gmm_codes, codes) < _frechet(prior_codes, codes)
    assert prior.sampler_ is None and gmm.sampler_["means"].shape == (10, 4)
    gmm.save(tmp_path / "gmm.safetensors")
    loaded = aekit.load(tmp_path / "gmm.safetensors", device=DEVICE)
    np.testing.assert_array_equal(loaded.sample(5, random_state=3), gmm.sample(5, random_state=3))


def test_traversal_moves_one_unit_and_passes_through_the_reconstruction():
    X, _ = aekit.data.datasets.load_digits()
    vae = aekit.VAE(latent_dim=3, hidden_layer_sizes=(32,), max_iter=5, random_state=0).fit(X)
    code = vae.transform(X[:1])[0]
    grid = vae.traverse(X[0], values=[-2.0, float(code[1]), 2.0])
    assert grid.shape == (3, 3, 64)
    np.testing.assert_allclose(grid[1, 1], vae.reconstruct(X[:1])[0], atol=1e-6)
    assert not np.allclose(grid[1, 0], grid[1, 2])


def test_manifold_grid_needs_two_latent_units_and_spans_the_prior():
    X, _ = aekit.data.datasets.load_digits()
    vae = aekit.VAE(latent_dim=2, hidden_layer_sizes=(32,), max_iter=5, random_state=0).fit(X)
    grid = vae.manifold_grid(n=5)
    assert grid.shape == (5, 5, 64)
    assert np.abs(grid[0, 0] - grid[-1, -1]).max() > 0.1  # opposite corners differ
    with pytest.raises(ValueError, match="latent_dim=2"):
        aekit.VAE(latent_dim=3, hidden_layer_sizes=(8,), max_iter=1).fit(X[:50]).manifold_grid()


def test_conditional_style_transfer_changes_the_class():
    from sklearn.linear_model import LogisticRegression

    X, y = aekit.data.datasets.load_digits()
    classifier = LogisticRegression(max_iter=2000).fit(X, y)
    # 20 epochs, not the default 100: 40 of 40 threes come out sevens either way (seeds 0-2)
    cvae = aekit.ConditionalVAE(max_iter=20, random_state=0).fit(X, y)
    threes = X[y == 3][:40]
    as_sevens = cvae.transfer(threes, y_from=3, y_to=7)
    assert as_sevens.shape == threes.shape
    assert (classifier.predict(as_sevens) == 7).mean() > 0.8
