"""``ConditionalVAE(fit_prior=True)``: the label prior p(y) fitted to the labelled rows' class
shares. Under Kingma et al.'s uniform prior, M2 on skewed classes called far too many rows the
rare class (the digits below: 94 of 363 unlabelled rows called 8, 18 of them 8s)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import DEVICE
from model_files import rewrite_header

import aekit
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def rare_eights():
    """The digits 3 and 5 and twenty 8s; 10, 10 and 2 of them labelled, the rest -1."""
    X, y = load_digits()
    rng = np.random.default_rng(0)
    eights = rng.choice(np.flatnonzero(y == 8), 20, replace=False)
    rows = np.concatenate([np.flatnonzero(y == 3), np.flatnonzero(y == 5), eights])
    X, y = X[rows], y[rows]
    labelled = np.zeros(len(y), bool)
    for label, count in [(3, 10), (5, 10), (8, 2)]:
        labelled[rng.choice(np.flatnonzero(y == label), count, replace=False)] = True
    return X, y, np.where(labelled, y, -1)


def fit(X, y_few, **params):
    return aekit.ConditionalVAE(
        **{"max_iter": 15, "random_state": 0, "device": DEVICE, **params}
    ).fit(X, y_few)


def test_a_fitted_prior_keeps_the_rare_class_rare(rare_eights):
    X, y, y_few = rare_eights
    unlabelled = y_few == -1
    fitted, uniform = fit(X, y_few), fit(X, y_few, fit_prior=False)
    np.testing.assert_allclose(fitted.class_prior_, np.array([11, 11, 3]) / 25)  # counts + 1
    np.testing.assert_allclose(uniform.class_prior_, np.full(3, 1 / 3))
    true_eights = int((y[unlabelled] == 8).sum())  # 18
    called = {}
    for name, model in (("fitted", fitted), ("uniform", uniform)):
        predicted = model.predict(X[unlabelled])
        called[name] = (int((predicted == 8).sum()), (predicted == y[unlabelled]).mean())
    # uniform: 94 rows called 8, accuracy 0.79; fitted: 32 and 0.94 (15 epochs, seed 0)
    assert abs(called["fitted"][0] - true_eights) < abs(called["uniform"][0] - true_eights) / 2
    assert called["fitted"][1] > called["uniform"][1] + 0.05


def test_the_prior_is_in_the_summed_out_scores_and_the_recorded_loss(rare_eights, tmp_path):
    X, _, y_few = rare_eights
    model = fit(X, y_few, max_iter=2)
    per_class = np.stack([model.elbo(X[:20], np.full(20, c)) for c in (3, 5, 8)], axis=1)
    log_prior = np.log(model.class_prior_)
    summed = np.log(np.exp(per_class + log_prior).sum(axis=1))  # log p(x) = log sum p(x|y)p(y)
    np.testing.assert_allclose(model.elbo(X[:20]), summed, rtol=1e-6)
    # the history's -log p(y): between the rarest class's and the commonest's
    assert -log_prior.max() < model.history_["label_prior"][-1] < -log_prior.min()
    assert fit(X, y_few, max_iter=1, fit_prior=False).history_["label_prior"][-1] == (
        pytest.approx(math.log(3))
    )
    model.save(tmp_path / "m.safetensors")
    again = aekit.load(tmp_path / "m.safetensors")
    assert again.fit_prior is True
    np.testing.assert_array_equal(again.class_prior_, model.class_prior_)
    np.testing.assert_allclose(again.elbo(X[:20]), model.elbo(X[:20]), rtol=1e-6)


def test_a_file_from_before_the_prior_loads_with_the_uniform_one_it_had(rare_eights, tmp_path):
    X, y, _ = rare_eights
    model = fit(X, y, max_iter=2, fit_prior=False, hidden_layer_sizes=(8,))  # every row labelled
    model.save(tmp_path / "m.safetensors")

    def written_before_the_prior(header):
        del header["fitted"]["class_prior_"]
        del header["params"]["fit_prior"]

    rewrite_header(
        tmp_path / "m.safetensors", tmp_path / "old.safetensors", written_before_the_prior
    )
    old = aekit.load(tmp_path / "old.safetensors")
    assert old.fit_prior is False
    np.testing.assert_allclose(old.class_prior_, np.full(3, 1 / 3))
    np.testing.assert_allclose(old.elbo(X[:20]), model.elbo(X[:20]), rtol=1e-6)


def test_a_warm_start_fit_keeps_the_prior_its_objective_trains_on(rare_eights):
    # class_prior_ was refitted to the second fit's labels while the network's objective kept
    # the first's: predict and the scores used one prior, training another
    X, y, y_few = rare_eights
    model = fit(X, y_few, max_iter=1)
    first = model.class_prior_.copy()
    mostly_threes = np.where((y == 3) | (np.arange(len(y)) % 40 == 0), y, -1)
    model.set_params(warm_start=True).fit(X, mostly_threes)
    np.testing.assert_array_equal(model.class_prior_, first)
    np.testing.assert_allclose(np.exp(model.model_.objective.log_prior), first)
