"""Messages for bad input that name the fix: the detector's missing values, Series rows, too
few rows and too large a k; the public estimator's name in a composite's feature-count error;
tensors numpy has no dtype for."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import aekit


def _detector(**params):
    member = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    return aekit.AnomalyDetector(estimator=member, n_estimators=1, random_state=0, **params)


def test_detector_messages_name_the_fix():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=40), "colour": rng.choice(["r", "g"], 40)})
    holes = rng.normal(size=(40, 3))
    holes[3, 1] = np.nan
    with pytest.raises(ValueError, match="handle_missing=True"):  # was: "e.g. SimpleImputer"
        _detector().fit(holes)
    assert _detector(handle_missing=True).fit(holes).predict(holes[:4]).shape == (4,)
    detector = _detector().fit(frame)
    with pytest.raises(ValueError, match=r"pandas Series; pass a DataFrame, e.g. df.iloc\[\[0\]\]"):
        detector.predict(frame.iloc[0])  # was: "X has non-numeric columns: 0"
    for rows in (frame.iloc[:0], frame.iloc[:1]):  # one minimum (empty: "a minimum of 1")
        with pytest.raises(ValueError, match="needs at least 2 rows"):
            _detector().fit(rows)
    with pytest.warns(UserWarning, match="n_neighbors gives k=100, but there are 40 training"):
        _detector(n_neighbors=100).fit(frame)


@pytest.mark.parametrize("make", [aekit.Compressor, aekit.SemanticHasher])
def test_composites_name_themselves_in_feature_count_errors(make):
    X = np.random.default_rng(0).random((40, 8))
    model = make(max_iter=1, random_state=0).fit(X)
    call = model.compress if make is aekit.Compressor else model.transform
    with pytest.raises(ValueError, match=f"but {make.__name__} is expecting 8 features"):
        call(X[:, :5])
    named = make(max_iter=1, random_state=0).fit(pd.DataFrame(X, columns=list("abcdefgh")))
    call = named.compress if make is aekit.Compressor else named.transform
    with pytest.warns(UserWarning, match=f"but {make.__name__} was fitted with feature names"):
        call(X[:3])


@pytest.mark.parametrize(
    "make",
    [aekit.Autoencoder, aekit.VariationalAutoencoder, aekit.Compressor, aekit.SemanticHasher],
)
def test_fit_of_no_rows_names_the_two_rows_it_needs(make):
    # 'a minimum of 1 is required' (scikit-learn's words) while one row is refused too; the
    # Compressor's "auto" epochs divided by the empty X's batches first: ZeroDivisionError
    with pytest.raises(ValueError, match=r"0 sample\(s\) .* a minimum of 2 is required"):
        make().fit(np.empty((0, 4)))
    with pytest.raises(ValueError, match="at least 2 rows"):
        make(max_iter=1).fit(np.zeros((1, 4)))


def test_float16_rows_are_read_without_numpy_overflow_warnings():
    # the finiteness check's fast sum overflowed float16 (65504) on the wine data: a
    # RuntimeWarning at fit, transform and score_samples, the result unchanged
    X = np.random.default_rng(0).uniform(0, 1500, size=(200, 8)).astype(np.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = aekit.Autoencoder(max_iter=2, random_state=0).fit(X)
        model.score_samples(X)
    with pytest.raises(ValueError, match="NaN"):
        model.transform(np.where(np.arange(8) == 2, np.float16("nan"), X))


def test_tensors_numpy_cannot_hold_are_read_or_refused_in_words():
    # bfloat16 rows failed in numpy ("Got unsupported ScalarType BFloat16"), a 'meta' tensor in
    # torch ("Cannot copy out of meta tensor; no data!")
    import torch

    rows = torch.from_numpy(np.random.default_rng(0).normal(size=(40, 3)))
    model = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    fitted = model.fit(rows.bfloat16())
    # bfloat16 holds fewer digits than float32: the codes are those of its rounded values
    np.testing.assert_array_equal(
        fitted.transform(rows.bfloat16()), fitted.transform(rows.bfloat16().float())
    )
    with pytest.raises(ValueError, match="X is a tensor on the 'meta' device, which has a shape"):
        fitted.transform(torch.empty(5, 3, device="meta"))
    cvae = aekit.ConditionalVAE(latent_dim=2, hidden_layer_sizes=(8,), max_iter=1, random_state=0)
    with pytest.raises(ValueError, match="y is a tensor on the 'meta' device"):
        cvae.fit(rows, torch.empty(40, device="meta"))
    # the fine-tuners' targets and interpolate's endpoints read them as fit's X does
    targets = rows[:, 0].bfloat16()
    regressor = aekit.FineTunedRegressor(fitted, max_iter=1, random_state=0).fit(rows, targets)
    assert regressor.predict(rows[:2]).shape == (2,)
    assert np.isfinite(regressor.score(rows, targets))  # scikit-learn's score read it raw
    with pytest.raises(ValueError, match="y is a tensor on the 'meta' device"):
        aekit.FineTunedClassifier(fitted, max_iter=1).fit(rows, torch.empty(40, device="meta"))
    vae = aekit.VAE(latent_dim=2, hidden_layer_sizes=(8,), max_iter=1, random_state=0).fit(rows)
    assert vae.interpolate(rows[0].bfloat16(), rows[1].bfloat16(), 3).shape == (3, 3)
