"""``log_likelihood`` and ``elbo_estimate`` give each row k draws of its own
(:mod:`aekit.core.row_draws`), seeded by ``random_state`` and the row's values: a test set's
mean errs less the more rows it has, and a row's value still repeats whatever rows come with
it."""

import numpy as np
import pytest
from conftest import DEVICE

import aekit
from aekit.data.datasets import load_digits

X, _ = load_digits()


@pytest.fixture(scope="module")
def vae() -> aekit.VAE:
    return aekit.VAE(latent_dim=8, max_iter=10, beta=0.1, hidden_layer_sizes=(32,),
                     random_state=0, device=DEVICE).fit(X[:1000])  # fmt: skip


def test_a_test_sets_mean_bound_errs_less_than_one_rows(vae):
    # The errors of different rows cancel in their mean: over seeds it spreads about
    # 1/sqrt(rows) as much as one row's value (draws common to every row made every row err
    # alike: six seeds' means of L_100 over 397 digits spread 0.22 nats).
    X_test = X[1500:1600]
    values = np.array([vae.log_likelihood(X_test, n_samples=5, random_state=s) for s in range(8)])
    one_row = values.std(axis=0).mean()
    assert values.mean(axis=1).std() < 3 * one_row / np.sqrt(len(X_test))


def test_equal_rows_get_equal_draws_and_negative_zero_is_zero(vae):
    rows = X[1500:1503]
    doubled = vae.log_likelihood(np.concatenate([rows, rows]), n_samples=5)
    np.testing.assert_allclose(doubled[:3], doubled[3:], rtol=1e-12)  # float64 rounding
    signed = np.where(rows == 0, -0.0, rows)  # equal to rows everywhere, other bytes
    np.testing.assert_allclose(vae.log_likelihood(signed, n_samples=5), doubled[:3], rtol=1e-12)
