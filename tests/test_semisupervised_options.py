"""The semi-supervised ConditionalVAE (M2) trains with the variational training options: dynamic
binarization and the importance-weighted bound. (They were once silently ignored when rows were
unlabelled: the M2 model was rebuilt without them.)"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.distributions import Bernoulli, Normal

import aekit
from aekit.core.nets import MLPEncoder
from aekit.core.objectives import DynamicBinarization, SemiSupervisedBound
from aekit.data.datasets import load_digits

SMALL = {"hidden_layer_sizes": (32,), "batch_size": 128, "random_state": 0, "latent_dim": 4}
N_CLASSES = 10


@pytest.fixture(scope="module")
def few_labels():
    """400 digits, one in ten labelled (-1 marks the others)."""
    X, y = load_digits()
    X, y = X[:400], y[:400]
    return X, y, np.where(np.arange(len(y)) % 10 == 0, y, -1)


@pytest.fixture
def seen_inputs():
    """Every batch an MLP (the encoder or the classifier's body) receives in training mode."""
    batches = []

    def record(module, args):
        if isinstance(module, MLPEncoder) and module.training:
            batches.append(args[0].detach().clone())

    handle = torch.nn.modules.module.register_module_forward_pre_hook(record)
    yield batches
    handle.remove()


@pytest.mark.parametrize("binarize", [False, "dynamic"])
def test_dynamic_binarization_reaches_semi_supervised_training(few_labels, seen_inputs, binarize):
    X, _, y_few = few_labels
    m2 = aekit.ConditionalVAE(max_iter=1, binarize=binarize, **SMALL).fit(X, y_few)
    assert m2.semi_supervised_
    assert len(seen_inputs) > 2  # the encoder and the classifier, every batch
    values = set(torch.unique(torch.cat([b.flatten() for b in seen_inputs])).tolist())
    if binarize:
        # x ~ Bernoulli(p) for the encoder (its one-hot label is 0/1 too) and the classifier.
        assert values <= {0.0, 1.0}
        assert isinstance(m2.model_.objective, DynamicBinarization)
        assert isinstance(m2.model_.objective.objective, SemiSupervisedBound)
    else:
        assert len(values) > 2  # the grey levels themselves
        assert isinstance(m2.model_.objective, SemiSupervisedBound)


@pytest.fixture(scope="module")
def m2_fits(few_labels):
    X, _, y_few = few_labels
    return {
        k: aekit.ConditionalVAE(max_iter=2, importance_samples=k, **SMALL).fit(X, y_few)
        for k in (1, 3)
    }


def test_importance_samples_change_semi_supervised_training(m2_fits):
    elbo, iw = m2_fits[1], m2_fits[3]
    assert iw.semi_supervised_ and iw.model_.objective.importance_samples == 3
    assert elbo.model_.objective.importance_samples == 1
    # L_k has no KL term; its k-draw ELBO's parts are recorded beside it, as the ELBO's are.
    assert set(iw.history_) == set(elbo.history_) >= {"classification", "reconstruction", "kl"}
    assert min(iw.history_["kl"]) > 0
    assert np.isfinite(iw.history_["loss"]).all()
    assert iw.history_["loss"] != elbo.history_["loss"]


def test_on_fixed_weights_the_iw_objective_lies_below_the_elbo_objective(few_labels, m2_fits):
    """``E[L_k] >= E[L_1]`` for every (row, class) (Burda et al. 2015, Theorem 1), so the M2
    objective built on ``-L_k`` is lower in expectation, on labelled and unlabelled rows."""
    X, _, y_few = few_labels
    model = m2_fits[1].model_.train()
    device = next(model.parameters()).device  # the model's: its data and its random draws
    x, y = torch.from_numpy(X[:60]).to(device), torch.from_numpy(y_few[:60]).to(device)

    def mean_loss(k: int) -> float:
        objective = SemiSupervisedBound(1.0, importance_samples=k)
        with torch.no_grad():
            return np.mean(
                [objective(model, x, y, torch.Generator(device).manual_seed(s), 0)["loss"].item()
                 for s in range(20)]
            )  # fmt: skip

    assert mean_loss(5) < mean_loss(1) - 0.02  # ~9 standard errors of the means here


def negative_iw_bound(model, x, y, eps):
    """``-L_k(x, y)`` per row from torch.distributions: ``-logsumexp_i log w_i + log k`` with
    ``log w_i = log p(x | y, z_i) + log p(z_i) - log q(z_i | x, y)``, ``z_i = mu + sigma eps_i``
    (Burda et al. 2015, eq. 8); ``eps`` is (k, n, latent_dim)."""
    code = model.encode(x, y)
    q = Normal(code.mean, torch.exp(0.5 * code.log_var))
    z = code.mean + torch.exp(0.5 * code.log_var) * eps  # (k, n, d)
    k, n = eps.shape[:2]
    logits = model.decode(z.reshape(k * n, -1), y.repeat(k)).view(k, n, -1)
    log_w = (
        Bernoulli(logits=logits).log_prob(x).sum(-1)
        + Normal(0.0, 1.0).log_prob(z).sum(-1)
        - q.log_prob(z).sum(-1)
    )
    return -(torch.logsumexp(log_w, dim=0) - math.log(k))


@pytest.fixture(scope="module")
def iw_model(m2_fits):
    """The k=3 M2 network in float64, in training mode, binary rows (Bernoulli supports) and
    ``-log p(y)`` of each class under the fitted label prior."""
    model = copy.deepcopy(m2_fits[3].model_).cpu().double().train()  # the CPU's draws below
    X = torch.from_numpy(load_digits()[0][400:412]).double().round()
    return model, X, -torch.log(torch.from_numpy(m2_fits[3].class_prior_))


def test_labelled_term_is_the_negative_iw_bound_minus_log_prior(iw_model):
    """On labelled rows the loss is ``mean(-L_k(x, y) - log p(y)) + alpha * CE``."""
    model, x, minus_log_prior = iw_model
    y = torch.arange(len(x)) % N_CLASSES
    objective = model.objective
    terms = objective(model, x, y, torch.Generator().manual_seed(0), 0)
    eps = torch.randn(3, len(x), 4, generator=torch.Generator().manual_seed(0), dtype=x.dtype)
    with torch.no_grad():
        bound = negative_iw_bound(model, x, y, eps) + minus_log_prior[y]
        cross_entropy = F.cross_entropy(model.classifier(x), y)
    expected = bound.mean() + objective.classifier_weight * cross_entropy
    torch.testing.assert_close(terms["loss"].detach(), expected)
    torch.testing.assert_close(terms["classification"].detach(), cross_entropy)


def test_unlabelled_term_is_the_expected_negative_iw_bound_minus_the_entropy(iw_model):
    """On unlabelled rows, ``U(x) = sum_y q(y|x) (-L_k(x, y) - log p(y)) - H(q(y|x))`` (Kingma
    et al. 2014, eq. 7), with fresh draws for every (row, class): class-major, as documented."""
    model, x, minus_log_prior = iw_model
    n = len(x)
    terms = model.objective(model, x, torch.full((n,), -1), torch.Generator().manual_seed(1), 0)
    eps = torch.randn(
        3, N_CLASSES * n, 4, generator=torch.Generator().manual_seed(1), dtype=x.dtype
    )
    with torch.no_grad():
        bounds = (
            torch.stack(
                [
                    negative_iw_bound(model, x, torch.full((n,), c), eps[:, c * n : (c + 1) * n])
                    for c in range(N_CLASSES)
                ],
                dim=1,
            )
            + minus_log_prior
        )  # (n, K)
        q = torch.softmax(model.classifier(x), dim=1)
    expected = ((q * bounds).sum(1) + (q * q.log()).sum(1)).mean()
    torch.testing.assert_close(terms["loss"].detach(), expected)


def test_the_fits_own_y_is_read_as_fit_read_it(few_labels):
    # score_samples(X, y), transform(X, y) and score(X, y) with the -1 of unlabelled rows said
    # "y contains labels not seen in fit: [-1]", so cross_val_score failed in every fold
    X, y, marked = few_labels
    model = aekit.ConditionalVAE(max_iter=2, **SMALL).fit(X, marked)
    unlabelled = marked == -1
    scores = model.score_samples(X, marked)
    np.testing.assert_allclose(scores[unlabelled], model.score_samples(X[unlabelled]))
    np.testing.assert_allclose(scores[~unlabelled], model.score_samples(X, y)[~unlabelled])
    codes = model.transform(X, marked)
    np.testing.assert_allclose(codes[unlabelled], model.transform(X[unlabelled]), atol=1e-6)
    np.testing.assert_allclose(codes[~unlabelled], model.transform(X, y)[~unlabelled], atol=1e-6)
    assert model.score(X, marked) == pytest.approx(scores.mean())


def test_the_recorded_parts_of_the_m2_loss_add_up_to_it(m2_fits, few_labels):
    # metrics.csv's reconstruction, kl and classification did not add up to the loss: the
    # term -log p(y) and the label entropy of the unlabelled rows were not recorded
    X, _, y_few = few_labels
    model = m2_fits[1].model_.train()
    device = next(model.parameters()).device
    x, y = torch.from_numpy(X[:60]).to(device), torch.from_numpy(y_few[:60]).to(device)
    assert (y == -1).any() and (y != -1).any()
    terms = model.objective(model, x, y, torch.Generator(device).manual_seed(0), 1)
    beta = sum(t.current_weight(1) for t in model.terms if t.name == "kl")
    alpha = model.objective.classifier_weight
    parts = (
        terms["reconstruction"]
        + beta * terms["kl"]
        + terms["label_prior"]
        - terms["label_entropy"]
        + alpha * terms["classification"]
    )
    torch.testing.assert_close(parts, terms["loss"])
    # -log p(y) of the labelled rows' classes, expected under q(y|x) for the others
    minus_log_prior = -np.log(m2_fits[1].class_prior_)
    assert minus_log_prior.min() < terms["label_prior"].item() < minus_log_prior.max()
    assert 0 < terms["label_entropy"].item() <= math.log(N_CLASSES)
    assert {"label_prior", "label_entropy"} <= set(m2_fits[1].history_)
