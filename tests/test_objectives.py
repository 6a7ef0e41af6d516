"""Analytic truths about the pieces under the estimators."""

import math

import numpy as np
import pytest
import torch
from torch.distributions import Bernoulli, Normal

import aekit
from aekit.core.latent import Code, GaussianLatent
from aekit.core.model import AutoencoderModel
from aekit.core.nets import ConvDecoder, ConvEncoder, MLPDecoder, MLPEncoder
from aekit.core.objectives import (
    BernoulliLikelihood,
    Corruption,
    GaussianLikelihood,
    KLDivergence,
    KLSparsity,
    jacobian_frobenius_sq,
)


def test_closed_form_kl_equals_monte_carlo():
    g = torch.Generator().manual_seed(0)
    mean = torch.randn(4, 3, generator=g)
    log_var = torch.randn(4, 3, generator=g) * 0.5
    code = Code(mean, log_var)
    closed = GaussianLatent.kl(code)
    q = Normal(mean, torch.exp(0.5 * log_var))
    z = q.sample((200_000,))
    monte_carlo = (q.log_prob(z) - Normal(0.0, 1.0).log_prob(z)).sum(-1).mean(0)
    torch.testing.assert_close(closed, monte_carlo, rtol=0.02, atol=0.01)


def test_kl_of_standard_normal_to_itself_is_zero():
    code = Code(torch.zeros(5, 4), torch.zeros(5, 4))
    assert torch.equal(GaussianLatent.kl(code), torch.zeros(5))


def test_reparameterized_samples_have_the_posterior_moments():
    code = Code(torch.full((1, 2), 3.0), torch.log(torch.full((1, 2), 4.0)))
    latent = GaussianLatent(1, 2)
    z = latent.sample(
        Code(code.mean.expand(100_000, 2), code.log_var.expand(100_000, 2)),
        torch.Generator().manual_seed(0),
    )
    assert z.mean().item() == pytest.approx(3.0, abs=0.03)
    assert z.std().item() == pytest.approx(2.0, abs=0.03)


def test_likelihoods_match_torch_distributions():
    g = torch.Generator().manual_seed(1)
    logits, x01 = torch.randn(6, 5, generator=g), torch.rand(6, 5, generator=g).round()
    expected = -Bernoulli(logits=logits).log_prob(x01).sum(1)
    torch.testing.assert_close(BernoulliLikelihood().nll(logits, x01), expected)

    gaussian = GaussianLikelihood(learn_scale=True)
    with torch.no_grad():
        gaussian.log_scale.fill_(math.log(0.7))
    mu, x = torch.randn(6, 5, generator=g), torch.randn(6, 5, generator=g)
    expected = -Normal(mu, 0.7).log_prob(x).sum(1)
    torch.testing.assert_close(gaussian.nll(mu, x), expected)
    # a target of another shape is refused by both, as torch's BCE refuses it (the Gaussian
    # broadcast a (6, 1) target against (6, 5) outputs into another loss, silently)
    for likelihood in (BernoulliLikelihood(), gaussian):
        with pytest.raises(
            ValueError, match=r"Target size \(torch\.Size\(\[6, 1\]\)\) must be the same"
        ):
            likelihood.nll(mu, x01[:, :1])


def test_contractive_penalty_of_a_linear_encoder_is_the_frobenius_norm_of_w():
    X, _ = aekit.data.datasets.load_digits()
    est = aekit.ContractiveAutoencoder(
        hidden_layer_sizes=(), latent_dim=5, max_iter=2, random_state=0
    ).fit(X[:200])
    x = torch.from_numpy(X[:10]).to(est.model_.latent.head.weight.device)  # the model's device
    penalty = jacobian_frobenius_sq(est.model_.encode_code, x)
    w = est.model_.latent.head.weight.detach()
    torch.testing.assert_close(penalty, w.pow(2).sum().expand(10))


def test_exact_jacobian_penalty_matches_autograd_for_a_nonlinear_conv_encoder():
    torch.manual_seed(0)
    conv = ConvEncoder((1, 7, 5), (4, 6), "tanh")
    encoder = torch.nn.Sequential(conv, torch.nn.Linear(conv.out_features, 3))
    x = torch.randn(3, 1, 7, 5)
    expected = torch.stack(
        [
            torch.autograd.functional.jacobian(lambda r: encoder(r.unsqueeze(0)).squeeze(0), row)
            .pow(2)
            .sum()
            for row in x
        ]
    )
    torch.testing.assert_close(jacobian_frobenius_sq(encoder, x), expected)


def test_linear_autoencoder_with_squared_error_spans_the_pca_subspace():
    # Three strong directions in 10-D plus small noise: a linear AE must find their span.
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(10, 3)))[0]
    X = rng.normal(size=(600, 3)) * [5.0, 3.0, 2.0] @ basis.T + 0.05 * rng.normal(size=(600, 10))
    est = aekit.Autoencoder(
        hidden_layer_sizes=(),
        latent_dim=3,
        likelihood="gaussian",
        learning_rate_init=1e-2,
        max_iter=300,
        batch_size=100,
        random_state=0,
    ).fit(X)
    decoder_columns = est.model_.decoder.body[0].weight.detach().cpu().numpy()  # (10, 3)
    Xs = (X - est.data_mean_) / est.data_scale_
    pca = np.linalg.svd(Xs - Xs.mean(0), full_matrices=False)[2][:3].T  # (10, 3)
    q_ae = np.linalg.qr(decoder_columns)[0]
    cosines = np.linalg.svd(q_ae.T @ pca, compute_uv=False)  # cosines of principal angles
    assert cosines.min() > 0.999


def test_kl_sparsity_is_zero_at_the_target_and_positive_elsewhere():
    term = KLSparsity(1.0, target=0.2)
    at_target = term(None, Code(torch.full((8, 4), 0.2)), None)
    assert at_target.item() == pytest.approx(0.0, abs=1e-6)
    assert term(None, Code(torch.full((8, 4), 0.6)), None).item() > 0.1


@pytest.mark.parametrize("noise", ["gaussian", "masking", "salt_pepper"])
def test_corruptions_stay_in_range_and_hit_the_requested_fraction(noise):
    x = torch.rand(2000, 50)
    corrupt = Corruption(noise, 0.3, torch.zeros(50), torch.ones(50))
    noisy = corrupt(x, torch.Generator().manual_seed(0))
    assert noisy.min() >= 0 and noisy.max() <= 1
    changed = (noisy != x).float().mean().item()
    if noise == "gaussian":
        assert changed > 0.99
    else:
        assert changed == pytest.approx(0.3, abs=0.01)
    if noise == "salt_pepper":
        hit = noisy != x
        assert set(noisy[hit].unique().tolist()) <= {0.0, 1.0}


def test_uniform_schedule_draws_each_rows_level_from_zero_to_the_level():
    # Unbounded range, so the noise is level * eps unclipped: a row's sample standard deviation
    # over 400 entries estimates its level (to ~4%); the levels are U(0, 0.8) across rows.
    x, inf = torch.zeros(3000, 400), torch.full((400,), float("inf"))
    uniform = Corruption("gaussian", 0.8, -inf, inf, schedule="uniform")
    levels = uniform(x, torch.Generator().manual_seed(0)).std(dim=1)
    deciles = torch.quantile(levels, torch.linspace(0.1, 0.9, 9))
    torch.testing.assert_close(deciles, 0.8 * torch.linspace(0.1, 0.9, 9), rtol=0, atol=0.03)
    fixed = Corruption("gaussian", 0.8, -inf, inf)(x, torch.Generator().manual_seed(0))
    assert fixed.std(dim=1).min() > 0.7  # the fixed schedule: every row at 0.8
    # the fixed schedule draws what it drew before the option existed: level * randn
    torch.testing.assert_close(
        fixed, 0.8 * torch.randn(3000, 400, generator=torch.Generator().manual_seed(0))
    )
    masked = Corruption("masking", 0.6, -inf, inf, schedule="uniform")(x + 1, None)
    hit = (masked == 0).float().mean(dim=1)  # each row's fraction masked ~ its level, U(0, 0.6)
    assert hit.mean().item() == pytest.approx(0.3, abs=0.02) and hit.max().item() < 0.7
    with pytest.raises(ValueError, match="noise_schedule='linear'"):
        Corruption("gaussian", 0.8, -inf, inf, schedule="linear")


@pytest.mark.parametrize("shape", [(1, 8, 8), (3, 7, 9), (1, 1, 5), (3, 33, 17), (1, 28, 28)])
def test_conv_decoder_mirrors_the_encoder_for_any_image_size(shape):
    encoder = ConvEncoder(shape, (8, 16), "relu")
    decoder = ConvDecoder(4, shape, (8, 16), "relu")
    features = encoder(torch.randn(2, *shape))
    assert features.shape == (2, encoder.out_features)
    assert decoder(torch.randn(2, 4)).shape == (2, *shape)


def test_mlp_encoder_without_hidden_layers_is_the_identity():
    x = torch.randn(3, 4)
    assert torch.equal(MLPEncoder(4, (), "relu")(x), x)


def test_the_epoch_argument_drives_the_kl_warmup_weight():
    """``forward(..., epoch=e)`` weighs the KL term by ``beta * min(1, (e + 1) / warmup)``; the
    same draws give the same reconstruction and KL whatever the epoch."""
    model = AutoencoderModel(
        MLPEncoder(6, (8,), "relu"),
        GaussianLatent(8, 2),
        MLPDecoder(2, (8,), 6, "relu"),
        BernoulliLikelihood(),
        [KLDivergence(beta=2.0, warmup_epochs=4)],
    )
    x = torch.rand(5, 6, generator=torch.Generator().manual_seed(0))
    first = model(x, None, torch.Generator().manual_seed(1), epoch=0)
    for epoch in range(6):
        terms = model(x, None, torch.Generator().manual_seed(1), epoch=epoch)
        weight = 2.0 * min(1.0, (epoch + 1) / 4)
        assert torch.equal(terms["kl"], first["kl"])
        torch.testing.assert_close(terms["loss"], terms["reconstruction"] + weight * terms["kl"])
    assert not hasattr(model, "epoch")  # the epoch is an argument, never the model's state


def test_objectives_and_terms_print_their_settings():
    # print(model_) showed Corruption(), KLDivergence(), PenalizedReconstruction(): no noise,
    # level, beta or warm-up
    from aekit.core.objectives import Corruption, ImportanceWeightedBound, KLDivergence

    corruption = Corruption("gaussian", 0.3, torch.zeros(2), torch.ones(2))
    assert repr(corruption) == "Corruption(noise='gaussian', level=0.3, schedule='fixed')"
    assert repr(KLDivergence(0.5, 3)) == "KLDivergence(beta=0.5, warmup_epochs=3)"
    assert repr(ImportanceWeightedBound(5)) == "ImportanceWeightedBound(k=5)"


def test_an_objectives_printed_settings_stay_short():
    # a tensor among them printed whole, over many lines
    from aekit.core.objectives.training import Objective

    class Weighted(Objective):
        def __init__(self) -> None:
            self.weights, self.k = torch.zeros(50, 50), 5

    shown = repr(Weighted())
    assert shown.endswith(", k=5)") and "\n" not in shown and len(shown) < 100, shown
