"""The fine-tuners' ``head_layer_sizes`` reads layer widths as ``hidden_layer_sizes`` does, and
their ``score`` refuses None as ``predict`` does."""

import numpy as np
import pytest
from sklearn.base import clone

import aekit


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(0)
    X = rng.random((40, 6))
    return X, (X[:, 0] > 0.5).astype(int)


def test_head_layer_sizes_takes_any_1d_sequence_of_ints(rows, tmp_path):
    # np.array([8]) was refused ("must be an instance of 'tuple' or an instance of 'list'"),
    # though hidden_layer_sizes takes it, as MLPRegressor does
    X, y = rows
    ae = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=1, random_state=0)
    settings = {"autoencoder": ae.fit(X), "max_iter": 1, "min_rows_per_epoch": 1, "random_state": 0}
    reference = aekit.FineTunedClassifier(head_layer_sizes=(8, 4), **settings).fit(X, y)
    for widths in (np.array([8, 4]), [np.int64(8), np.int32(4)]):
        est = clone(aekit.FineTunedClassifier(head_layer_sizes=widths, **settings))
        np.testing.assert_array_equal(est.fit(X, y).predict_proba(X), reference.predict_proba(X))
    est.save(tmp_path / "m.safetensors")  # numpy ints written to the file's JSON
    loaded = aekit.load(tmp_path / "m.safetensors")
    np.testing.assert_array_equal(loaded.predict_proba(X), reference.predict_proba(X))
    one = aekit.FineTunedRegressor(head_layer_sizes=8, **settings).fit(X, X[:, 0])
    assert [m.out_features for m in one.network_.head if hasattr(m, "out_features")] == [8, 1]


@pytest.mark.parametrize("wrong", [np.array([[8, 4]]), [8.0], [8, 0], [(8,), 4]])
def test_head_layer_sizes_refuses_what_is_no_layer_widths(rows, wrong):
    X, y = rows
    with pytest.raises(ValueError, match=r"head_layer_sizes=.* must hold ints of at least 1"):
        aekit.FineTunedClassifier(head_layer_sizes=wrong, max_iter=1).fit(X, y)


def test_score_refuses_none_as_predict_does(rows):
    # score(None, y) said "object of type 'NoneType' has no len()" (classifier), score(X, None)
    # "this model is conditioned on labels" (classifier) or r2_score's "'y_true' parameter"
    X, y = rows
    ae = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=1, random_state=0)
    settings = {"autoencoder": ae.fit(X), "max_iter": 1, "min_rows_per_epoch": 1}
    for model, targets, what in (
        (aekit.FineTunedClassifier(**settings).fit(X, y), y, "labels"),
        (aekit.FineTunedRegressor(**settings).fit(X, X[:, 0]), X[:, 0], "targets"),
    ):
        with pytest.raises(ValueError, match=r"^X is None; pass an array-like of shape"):
            model.score(None, targets)
        with pytest.raises(ValueError, match=rf"^y is None; pass the true {what} of X's rows"):
            model.score(X, None)
