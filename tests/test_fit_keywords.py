"""``fit(X, sample_weight=w)``, which no aekit estimator supports, is refused naming the
estimator the user fitted and what to do instead; Python's own refusal named an internal class
("BaseAutoencoder.fit() got an unexpected keyword argument 'sample_weight'")."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.validation import has_fit_parameter

import aekit

X = np.random.default_rng(0).normal(size=(40, 4))
Y = np.arange(40) % 2
W = np.ones(40)
EPOCH = dict(max_iter=1, random_state=0)

# (estimator, whether fit takes labels, what its message advises)
REFUSING = [
    (aekit.Autoencoder(**EPOCH), False, r"repeat each row w times instead: "),
    (aekit.VAE(**EPOCH), False, r"fit\(np\.repeat\(X, w, axis=0\)\)\.$"),
    (aekit.ConditionalVAE(**EPOCH), True, r"fit\(np\.repeat\(X, w, axis=0\), np\.repeat\(y, w\)\)"),
    (aekit.AnomalyDetector(random_state=0), False, r"fit\(X\[w > 0\]\)"),
    (aekit.SeriesAnomalyDetector(random_state=0), False, r"stretch of the series"),
    (aekit.AutoencoderImputer(**EPOCH), False, r"repeat each row w times"),
    (aekit.SemanticHasher(**EPOCH), False, r"repeat each row w times"),
    (aekit.Compressor(**EPOCH), False, r"repeat each row w times"),
    (aekit.TabularEncoder(), False, r"repeat each row w times"),
    (aekit.FineTunedClassifier(**EPOCH), True, r"repeat each row and its label w times"),
    (aekit.FineTunedRegressor(**EPOCH), True, r"repeat each row and its label w times"),
]


@pytest.mark.parametrize(
    "estimator, labelled, advice", REFUSING, ids=[type(e).__name__ for e, _, _ in REFUSING]
)
def test_sample_weight_is_refused_naming_the_users_class_and_what_to_do(
    estimator, labelled, advice
):
    name = type(estimator).__name__
    args = (X, Y) if labelled else (X,)
    with pytest.raises(TypeError, match=rf"^{name}\.fit\(\) does not support sample_weight: ") as e:
        estimator.fit(*args, sample_weight=W)
    assert re.search(advice, str(e.value))
    assert not has_fit_parameter(estimator, "sample_weight")  # meta-estimators see no weights
    with pytest.raises(
        TypeError, match=rf"^{name}\.fit\(\) got an unexpected keyword argument 'w'"
    ):
        estimator.fit(*args, w=W)


def test_the_refusal_leaves_a_fitted_estimator_fitted_and_names_a_frames_rows():
    fitted = aekit.Autoencoder(latent_dim=2, **EPOCH).fit(X)
    codes = fitted.transform(X)
    frame = pd.DataFrame(X, columns=list("abcd"))
    with pytest.raises(TypeError, match=re.escape("fit(X.iloc[np.repeat(np.arange(len(X)), w)])")):
        fitted.fit(frame, sample_weight=W)
    np.testing.assert_array_equal(fitted.transform(X), codes)  # refused before any change


def test_fit_transform_and_fit_predict_pass_the_keyword_to_fit_and_its_refusal():
    with pytest.raises(TypeError, match=r"^Autoencoder\.fit\(\) does not support sample_weight"):
        aekit.Autoencoder(**EPOCH).fit_transform(X, sample_weight=W)
    series = aekit.SeriesAnomalyDetector(random_state=0)  # its own fit_predict took no keyword
    with pytest.raises(TypeError, match=r"^SeriesAnomalyDetector\.fit\(\) does not support"):
        series.fit_predict(X, sample_weight=W)


OWNERS = [  # estimators whose fit starts by forgetting an earlier fit (interrupted_fits)
    aekit.AnomalyDetector(n_estimators=1, random_state=0),
    aekit.SeriesAnomalyDetector(window=4, max_iter=1, random_state=0),
    aekit.AutoencoderImputer(**EPOCH),
    aekit.SemanticHasher(**EPOCH),
    aekit.Compressor(**EPOCH),
]


@pytest.mark.parametrize("owner", OWNERS, ids=[type(e).__name__ for e in OWNERS])
def test_the_refusal_leaves_a_fitted_owner_of_networks_fitted(owner):
    fitted = owner.fit(X)
    kept = sorted(name for name in vars(fitted) if name.endswith("_"))
    with pytest.raises(TypeError, match="does not support sample_weight"):
        fitted.fit(X, sample_weight=W)
    assert sorted(name for name in vars(fitted) if name.endswith("_")) == kept


@pytest.mark.parametrize("owner", OWNERS, ids=[type(e).__name__ for e in OWNERS])
@pytest.mark.parametrize(
    "call, refusal",
    [
        (lambda fitted: fitted.fit(), r"missing 1 required positional argument: 'X'"),
        (
            lambda fitted: fitted.fit(X, None, None, None, "extra"),
            r"takes from 2 to \d positional arguments but 6",
        ),
        (lambda fitted: fitted.fit(X, X=X), r"got multiple values for argument 'X'"),
    ],
    ids=["no X", "extra positional", "X twice"],
)
def test_a_call_python_refuses_leaves_a_fitted_owner_of_networks_fitted(owner, call, refusal):
    fitted = owner.fit(X)
    kept = sorted(name for name in vars(fitted) if name.endswith("_"))
    with pytest.raises(TypeError, match=rf"^{type(owner).__name__}\.fit\(\) {refusal}"):
        call(fitted)  # Python's own words, naming the user's class
    assert sorted(name for name in vars(fitted) if name.endswith("_")) == kept
