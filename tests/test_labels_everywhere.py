"""One code path for labels: every autoencoder's methods take ``y``, models without labels ignore
it, and a ConditionalVAE uses, predicts, draws or sums out its labels, or says it needs them."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from conftest import DEVICE
from sklearn.exceptions import ConvergenceWarning

import aekit
from aekit.data.datasets import load_digits
from aekit.data.validation import MissingLabelsError

TINY = dict(hidden_layer_sizes=(16,), max_iter=2, random_state=0, device=DEVICE)
KINDS = [
    aekit.Autoencoder,
    aekit.DenoisingAutoencoder,
    aekit.SparseAutoencoder,
    aekit.ContractiveAutoencoder,
    aekit.VariationalAutoencoder,
    aekit.ConditionalVAE,
]
METHODS = ["transform", "inverse_transform", "reconstruct", "score_samples", "score"]
METHODS += ["reconstruction_error"]
VARIATIONAL_METHODS = ["sample", "elbo", "log_likelihood", "kl_divergence", "kl_per_unit"]
VARIATIONAL_METHODS += ["active_units", "interpolate", "traverse", "manifold_grid"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X[:120], y[:120]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_every_method_takes_y_with_default_none(kind):
    methods = METHODS + (VARIATIONAL_METHODS if hasattr(kind, "sample") else [])
    for method in methods:
        parameter = inspect.signature(getattr(kind, method)).parameters.get("y")
        assert parameter is not None and parameter.default is None, f"{kind.__name__}.{method}"
        assert "y : " in inspect.getdoc(getattr(kind, method)), f"{kind.__name__}.{method}"


@pytest.mark.parametrize("kind", KINDS[:-1], ids=lambda k: k.__name__)
def test_models_without_labels_ignore_y(kind, digits):
    X, y = digits
    model = kind(latent_dim=2, **TINY).fit(X, y)
    Z = model.transform(X)
    np.testing.assert_array_equal(model.transform(X, y), Z)
    np.testing.assert_array_equal(model.inverse_transform(Z, y), model.inverse_transform(Z))
    np.testing.assert_array_equal(model.reconstruct(X, y), model.reconstruct(X))
    np.testing.assert_array_equal(model.score_samples(X, y), model.score_samples(X))
    assert model.score(X, y) == model.score(X)
    np.testing.assert_array_equal(model.reconstruction_error(X, y), model.reconstruction_error(X))
    if not hasattr(model, "sample"):
        return
    np.testing.assert_array_equal(
        model.sample(3, 7, random_state=1), model.sample(3, random_state=1)
    )
    np.testing.assert_array_equal(model.elbo(X, y), model.elbo(X))
    np.testing.assert_array_equal(
        model.log_likelihood(X, y, n_samples=3), model.log_likelihood(X, n_samples=3)
    )
    np.testing.assert_array_equal(model.kl_divergence(X, y), model.kl_divergence(X))
    np.testing.assert_array_equal(model.kl_per_unit(X, y), model.kl_per_unit(X))
    assert model.active_units(X, y) == model.active_units(X)
    np.testing.assert_array_equal(model.interpolate(X[0], X[1], y=3), model.interpolate(X[0], X[1]))
    np.testing.assert_array_equal(model.traverse(X[0], y=3), model.traverse(X[0]))
    np.testing.assert_array_equal(model.manifold_grid(3, y=3), model.manifold_grid(3))


def test_a_conditional_vae_predicts_its_labels_where_it_can(digits):
    X, y = digits
    cvae = aekit.ConditionalVAE(latent_dim=2, **TINY).fit(X, y)
    predicted = cvae.predict(X)
    np.testing.assert_array_equal(cvae.reconstruct(X), cvae.reconstruct(X, predicted))
    np.testing.assert_array_equal(
        cvae.reconstruct(X, y), cvae.inverse_transform(cvae.transform(X, y), y)
    )
    np.testing.assert_array_equal(cvae.kl_per_unit(X), cvae.kl_per_unit(X, predicted))
    assert cvae.score(X, y) == pytest.approx(cvae.score_samples(X, y).mean())
    assert cvae.score(X) < cvae.score(X, y) + np.log(len(cvae.classes_))  # labels summed out
    # Decoding needs labels: one for all codes, one per code, or an error saying so.
    Z = cvae.transform(X[:3], y[:3])
    np.testing.assert_array_equal(cvae.inverse_transform(Z, 4), cvae.inverse_transform(Z, [4] * 3))
    for needs_labels in (
        lambda: cvae.inverse_transform(Z),
        lambda: cvae.traverse(X[0]),
        lambda: cvae.manifold_grid(3),
        lambda: cvae.interpolate(X[0], X[1]),
        lambda: aekit.ConditionalVAE().fit(X),
    ):
        with pytest.raises(MissingLabelsError):
            needs_labels()
    with pytest.raises(ValueError, match="one label for the path") as error:
        cvae.interpolate(X[0], X[1], y=[1, 2])
    assert not isinstance(error.value, MissingLabelsError)  # labels given, of the wrong shape


def test_one_label_stands_for_every_row_in_every_method_that_takes_y(digits):
    """A ConditionalVAE reads one label as that label for every row wherever it takes y, as it
    does for decoding and sampling; labels of another shape are refused in the same words."""
    X, y = digits
    cvae = aekit.ConditionalVAE(latent_dim=2, **TINY).fit(X, y)
    rows, label = X[:5], y[7]
    every = np.full(len(rows), label)
    for method in METHODS + VARIATIONAL_METHODS[1:6]:
        if method == "inverse_transform":
            args = (cvae.transform(rows, every),)
        else:
            args = (rows,)
        np.testing.assert_array_equal(
            getattr(cvae, method)(*args, label), getattr(cvae, method)(*args, every), method
        )
    for method in ("transform", "score_samples", "inverse_transform"):
        with pytest.raises(ValueError, match=r"y must be 1-D \(one label, or one per row\)"):
            getattr(cvae, method)(np.zeros((5, 2)) if method[0] == "i" else rows, [every] * 2)


def test_a_label_written_as_another_type_is_the_class_it_writes(digits):
    # Labels from folder names are text: sample(y=7) was refused ("labels not seen in fit: [7];
    # known ['0', ...]") while `aekit generate --label 7` worked on the same model.
    X, y = digits
    texts = aekit.ConditionalVAE(latent_dim=2, **TINY).fit(X, y.astype(str))
    rows = X[:4]
    for method in ("transform", "reconstruct", "score_samples", "elbo"):
        np.testing.assert_array_equal(
            getattr(texts, method)(rows, 7), getattr(texts, method)(rows, "7"), method
        )
    Z = texts.transform(rows, [1, 2, 3, 4])
    np.testing.assert_array_equal(
        texts.inverse_transform(Z, [1, 2, 3, 4]), texts.inverse_transform(Z, list("1234"))
    )
    np.testing.assert_array_equal(
        texts.sample(3, y=7, random_state=0), texts.sample(3, y="7", random_state=0)
    )
    np.testing.assert_array_equal(texts.transfer(rows, 1, 2), texts.transfer(rows, "1", "2"))
    numbers = aekit.ConditionalVAE(latent_dim=2, **TINY).fit(X, y)  # and the other way round
    np.testing.assert_array_equal(numbers.transform(rows, "7"), numbers.transform(rows, 7))
    with pytest.raises(ValueError, match=r"labels not seen in fit: \[11\]; known labels are"):
        texts.sample(2, y=11)  # a true unknown is still refused, named as given


@pytest.mark.parametrize("kind", KINDS[:-1], ids=lambda k: k.__name__)
def test_a_y_shaped_like_x_is_said_to_be_ignored(kind, digits):
    # Keras' fit(x_noisy, x_clean): y was dropped silently and the model learned the noisy rows.
    X, labels = digits
    noisy = np.clip(X + 0.3 * np.random.RandomState(0).normal(size=X.shape), 0, 1)
    with pytest.warns(UserWarning, match=r"y has X's shape \(120, 64\) and is ignored") as said:
        kind(**TINY).fit(noisy, X)
    assert said[0].filename == __file__  # the user's line
    images = X.reshape(-1, 1, 8, 8)
    with pytest.warns(UserWarning, match=r"y has X's shape \(120, 1, 8, 8\)"):
        kind(**TINY).fit(X, images)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # two epochs do not learn
        kind(**TINY).fit(X, labels)  # labels, or targets of another width: no word
        kind(**TINY).fit(X, np.c_[labels, labels])
        from aekit.estimators._labels import warn_of_ignored_targets

        warn_of_ignored_targets("A", labels[:, None], X[:, :1])  # one column each: labels
        warn_of_ignored_targets("A", np.eye(10)[labels], X[:, :10])  # one-hot, as wide as X
