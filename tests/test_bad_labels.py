"""Bad labels and counts get a ValueError that names them; a model used before fit raises
NotFittedError and a failed fit leaves none; codes of the wrong width are named."""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd
import pytest
from conftest import CPU
from sklearn.exceptions import NotFittedError

import aekit

# --- ConditionalVAE labels -----------------------------------------------------------------------


def test_cvae_fit_needs_labels(digits):
    with pytest.raises(ValueError, match=r"requires y to be passed, but the target y is None"):
        aekit.ConditionalVAE(**CPU).fit(digits[0])


def test_cvae_labels_of_wrong_length(digits, fitted_cvae):
    X, y = digits
    with pytest.raises(ValueError, match="y has 59 labels but X has 60 rows"):
        aekit.ConditionalVAE(**CPU).fit(X, y[:-1])
    with pytest.raises(ValueError, match="y has 2 labels but X has 5 rows"):
        fitted_cvae.transform(X[:5], ["cat", "dog"])
    with pytest.raises(ValueError, match="y has 2 labels but Z has 3 rows"):
        fitted_cvae.inverse_transform(np.zeros((3, 4)), ["cat", "dog"])


def test_cvae_labels_not_one_per_row(digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"y must be 1-D .*got shape \(6, 10\)"):
        aekit.ConditionalVAE(**CPU).fit(X, y.reshape(6, 10))


def test_cvae_infinite_and_missing_labels(digits, fitted_cvae):
    """NaN marks an unlabelled row in fit (test_semisupervised); infinity is no label, and
    where every row needs a label a missing one is refused."""
    X, y = digits
    with pytest.raises(ValueError, match="1 infinite labels"):
        aekit.ConditionalVAE(**CPU).fit(X, np.where(np.arange(len(X)) == 3, np.inf, y % 2))
    labels = pd.Series(["cat", pd.NA, "dog"], dtype="string")
    Z = np.zeros((3, fitted_cvae.latent_dim))
    with pytest.raises(ValueError, match="1 missing labels .* first at row 1; every row needs"):
        fitted_cvae.inverse_transform(Z, labels)  # decoding: every row needs its label
    # where a label can be predicted (transform), a missing one is an unlabelled row, as in fit
    given = fitted_cvae.classes_[[0, 0, 1]]
    given[1] = fitted_cvae.predict(X[1:2])[0]
    np.testing.assert_allclose(
        fitted_cvae.transform(X[:3], np.where(pd.isna(labels), None, given)),
        fitted_cvae.transform(X[:3], given),
        atol=1e-6,
    )


def test_cvae_decoding_needs_labels(fitted_cvae):
    with pytest.raises(ValueError, match="needs labels y here"):
        fitted_cvae.inverse_transform(np.zeros((3, fitted_cvae.latent_dim)))


def test_cvae_unseen_labels_are_named(fitted_cvae, digits):
    X = digits[0][:4]
    with pytest.raises(ValueError, match=r"labels not seen in fit: \['eel', 'fox'\]"):
        fitted_cvae.transform(X, ["cat", "eel", "fox", "eel"])
    with pytest.raises(ValueError, match=r"not seen in fit: \['owl'\]; known labels are"):
        fitted_cvae.score_samples(X, ["owl", "cat", "cat", "dog"])


def test_cvae_sample_with_unseen_label(fitted_cvae):
    with pytest.raises(ValueError, match=r"labels not seen in fit: \['yak'\]"):
        fitted_cvae.sample(3, y="yak")
    with pytest.raises(ValueError, match=r"labels not seen in fit: \[7\]"):
        fitted_cvae.sample(3, y=7)
    assert fitted_cvae.sample(3, y="dog", random_state=0).shape == (3, 64)


# Counts: one shared check (aekit.data.validation.check_count). A float was cut short by int()
# (sample(2.5) drew 2 rows), and a count below its minimum named no type.
COUNTS = {
    "sample": lambda m, X, n: m.sample(n, y="dog"),
    "log_likelihood": lambda m, X, n: m.log_likelihood(X, n_samples=n),
    "reconstruction_error": lambda m, X, n: m.reconstruction_error(X, n_draws=n),
}
COUNT_NAMES = {
    "sample": "n_samples",
    "log_likelihood": "n_samples",
    "reconstruction_error": "n_draws",
}


@pytest.mark.parametrize("call", COUNTS)
@pytest.mark.parametrize("bad", [2.5, np.float64(3.0), True, "3", 0, -2])
def test_counts_must_be_ints_of_at_least_one(call, bad, fitted_cvae, digits):
    name = COUNT_NAMES[call]
    if isinstance(bad, int) and not isinstance(bad, bool):
        pattern = rf"^{name}={bad} must be an int of at least 1\.$"
    else:
        pattern = rf"^{name}={re.escape(repr(bad))} is a {type(bad).__name__}; give an int of at"
    with pytest.raises(ValueError, match=pattern):
        COUNTS[call](fitted_cvae, digits[0][:4], bad)


def test_path_and_grid_counts_name_their_minimum(fitted_cvae, digits):
    X = digits[0]
    with pytest.raises(
        ValueError, match=r"^steps=4\.0 is a float; give an int of at least 2 \(the"
    ):
        fitted_cvae.interpolate(X[0], X[1], steps=4.0, y="cat")
    with pytest.raises(
        ValueError, match=r"^steps=1 must be an int of at least 2 \(the endpoints\)"
    ):
        fitted_cvae.interpolate(X[0], X[1], steps=1, y="cat")


# --- not fitted ----------------------------------------------------------------------------------

UNFITTED_CALLS = {
    "transform": lambda m, X: m.transform(X),
    "inverse_transform": lambda m, X: m.inverse_transform(np.zeros((2, 4))),
    "score_samples": lambda m, X: m.score_samples(X),
    "score": lambda m, X: m.score(X),
    "reconstruct": lambda m, X: m.reconstruct(X),
    "get_feature_names_out": lambda m, X: m.get_feature_names_out(),
}


@pytest.mark.parametrize("call", UNFITTED_CALLS)
@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.VariationalAutoencoder])
def test_calls_before_fit(kind, call, digits):
    with pytest.raises(NotFittedError, match=f"This {kind.__name__} instance is not fitted yet"):
        UNFITTED_CALLS[call](kind(), digits[0])


def test_sample_before_fit():
    with pytest.raises(NotFittedError):
        aekit.VariationalAutoencoder().sample(2)
    with pytest.raises(NotFittedError):
        aekit.ConditionalVAE().sample(2, y=1)
    with pytest.raises(NotFittedError):
        aekit.ConditionalVAE().sample(2)


def test_cvae_calls_before_fit(digits):
    X, y = digits
    model = aekit.ConditionalVAE()
    for call in (model.transform, model.score_samples, model.score):
        with pytest.raises(NotFittedError):
            call(X, y)
    with pytest.raises(NotFittedError):
        model.inverse_transform(np.zeros((2, 4)), y=1)


def test_save_before_fit_writes_nothing(tmp_path):
    with pytest.raises(NotFittedError):
        aekit.Autoencoder().save(tmp_path / "model.safetensors")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "kind, params, labels",
    [
        (aekit.Autoencoder, {"image_shape": (1, 3, 3)}, False),  # fails after n_features_in_
        (aekit.ConditionalVAE, {}, True),  # fails on the labels, after n_features_in_
    ],
    ids=["bad-image_shape", "bad-labels"],
)
def test_failed_fit_leaves_the_estimator_unfitted(kind, params, labels, digits):
    X, y = digits
    model = kind(**CPU, **params)
    with pytest.raises(ValueError):
        model.fit(X, *([y[:5]] if labels else []))
    with pytest.raises(NotFittedError):
        model.transform(X, *([y] if labels else []))


def test_failed_refit_does_not_keep_the_old_model(digits):
    X, _ = digits
    model = aekit.Autoencoder(**CPU).fit(X)
    model.set_params(image_shape=(1, 3, 3))
    with pytest.raises(ValueError, match="image_shape"):
        model.fit(X)
    with pytest.raises(NotFittedError):
        model.transform(X)


# --- codes ---------------------------------------------------------------------------------------


def test_codes_of_wrong_width(fitted):
    with pytest.raises(
        ValueError, match=r"Z must have shape \(n, 4\) \(the latent_dim\); got \(3, 5\)"
    ):
        fitted.inverse_transform(np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"Z must have 2 axes"):
        fitted.inverse_transform(np.zeros(4))


def test_a_conditional_vae_of_a_label_per_row_warns_and_one_of_classes_does_not():
    # 300 classes of 300 rows (an id given as y) were taken without a word
    import warnings

    X = np.random.default_rng(0).normal(size=(300, 5))
    with pytest.warns(UserWarning, match="300 classes among 300 labelled rows"):
        aekit.ConditionalVAE(max_iter=1, random_state=0).fit(X, np.arange(300))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*classes among")
        aekit.ConditionalVAE(max_iter=1, random_state=0).fit(X, np.arange(300) % 30)


def test_codes_of_the_wrong_shape_are_told_of_codes_not_images():
    # inverse_transform(np.zeros(16)) said "Z must have 2 axes ..., 3 (n, channels, length) or
    # 4 (n, C, H, W)" and "X.reshape(...)": a code is never an image, and it is Z (image review)
    X = np.random.default_rng(0).random((40, 4))
    model = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=2).fit(X)
    with pytest.raises(ValueError) as caught:
        model.inverse_transform(np.zeros(2))
    assert str(caught.value) == (
        "Z must have 2 axes (n_samples, n_features); got shape (2,). Reshape your data either "
        "using Z.reshape(-1, 1) if it has a single feature or Z.reshape(1, -1) if it is a "
        "single sample."
    )
    assert model.inverse_transform(np.zeros(2).reshape(1, -1)).shape == (1, 4)  # as advised
