"""Review 7, finding 1: a model fitted on [0, 1] data (the Bernoulli likelihood) refuses new X
outside [0, 1] wherever X reaches the network, as ``fit`` refuses such X, instead of giving it
large positive log-likelihoods (rows far outside the range used to rank as the most normal)."""

import numpy as np
import pytest
from conftest import CPU

import aekit
from aekit.data.datasets import load_digits

X, y = load_digits()
OUTSIDE = X[:3] * 16 - 3  # the digits' 0..16 grey levels before scaling, shifted
MESSAGE = r"needs data in \[0, 1\], but X ranges over \[-3, 13\]\. The model was fitted"


@pytest.fixture(scope="module")
def models():
    return {
        "ae": aekit.Autoencoder(**CPU).fit(X[:100]),
        "vae": aekit.VariationalAutoencoder(**CPU).fit(X[:100]),
        "cvae": aekit.ConditionalVAE(**CPU).fit(X[:100], y[:100]),
    }


CALLS = {
    "ae": {
        "score_samples": lambda m, X: m.score_samples(X),
        "score": lambda m, X: m.score(X),
        "nll": lambda m, X: m.reconstruction_error(X, metric="nll"),
        "squared": lambda m, X: m.reconstruction_error(X, per_feature=True),
        "transform": lambda m, X: m.transform(X),
        "reconstruct": lambda m, X: m.reconstruct(X),
    },
    "vae": {
        "elbo": lambda m, X: m.elbo(X),
        "log_likelihood": lambda m, X: m.log_likelihood(X, n_samples=2),
        "kl_divergence": lambda m, X: m.kl_divergence(X),
        "score_samples": lambda m, X: m.score_samples(X),
    },
    "cvae": {
        "score_samples": lambda m, X: m.score_samples(X),
        "score_samples_y": lambda m, X: m.score_samples(X, y[: len(X)]),
        "predict": lambda m, X: m.predict(X),
        "transfer": lambda m, X: m.transfer(X, y[: len(X)], 1),
    },
}
CASES = [(kind, name) for kind, calls in CALLS.items() for name in calls]


@pytest.mark.parametrize("kind, name", CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_X_outside_0_1_is_refused_as_fit_refuses_it(models, kind, name):
    call = CALLS[kind][name]
    call(models[kind], X[:3])  # in range: fine
    with pytest.raises(ValueError, match=MESSAGE):
        call(models[kind], OUTSIDE)


def test_the_edges_of_0_1_are_accepted_and_the_check_is_fits(models):
    ae = models["ae"]
    edges = np.zeros((2, 64))
    edges[1] = 1.0
    assert np.isfinite(ae.score_samples(edges)).all()
    with pytest.raises(ValueError, match=r"X ranges over \[-0\.5, 1\]"):
        ae.score_samples(np.vstack([edges, np.full((1, 64), -0.5)]))  # one value suffices
    with pytest.raises(ValueError, match=r"needs data in \[0, 1\], but X ranges over \[-3, 13\]"):
        aekit.Autoencoder(likelihood="bernoulli", **CPU).fit(OUTSIDE)
    # just outside: as many digits as show it outside ([1, 1] was written for 1.0001)
    with pytest.raises(ValueError, match=r"X ranges over \[0, 1\.0000001\]"):
        ae.score_samples(np.vstack([edges, np.full((1, 64), 1 + 1e-7)]))


def test_rows_on_disk_are_checked_as_they_are_read(models, tmp_path):
    np.save(tmp_path / "outside.npy", OUTSIDE.astype(np.float32))
    with pytest.raises(ValueError, match=MESSAGE):
        models["ae"].score_samples(aekit.open_dataset(tmp_path / "outside.npy"))


def test_a_gaussian_model_takes_any_values():
    ae = aekit.Autoencoder(**CPU).fit(X[:100] * 16 - 3)  # not in [0, 1]: Gaussian
    assert ae.likelihood_ == "gaussian"
    assert np.isfinite(ae.score_samples(X[:3] * 100 - 50)).all()
