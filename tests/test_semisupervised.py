"""Semi-supervised ConditionalVAE (M2, Kingma et al. 2014): rows marked -1 are unlabelled."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import DEVICE
from sklearn.feature_selection import VarianceThreshold
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import aekit
from aekit.core.semisupervised import oversampled_order
from aekit.data.datasets import load_digits

TINY = {"hidden_layer_sizes": (64,), "batch_size": 128, "random_state": 0}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    rng = np.random.default_rng(0)
    train = rng.permutation(len(X))
    test, train = train[:500], train[500:]
    # 10 labels per class among the 1297 training rows; the rest unlabelled.
    few = np.concatenate([rng.choice(train[y[train] == c], 10, replace=False) for c in range(10)])
    y_semi = np.full(len(X), -1)
    y_semi[few] = y[few]
    return X, y, y_semi, train, test, few


@pytest.fixture(scope="module")
def m2(digits):
    X, _, y_semi, train, _, _ = digits
    return aekit.ConditionalVAE(latent_dim=8, max_iter=15, **TINY).fit(X[train], y_semi[train])


def test_unlabelled_rows_never_become_a_class(m2):
    assert m2.semi_supervised_
    assert m2.classes_.tolist() == list(range(10))  # -1 is not a class


def test_few_labels_beat_chance_and_logistic_regression_on_the_labelled_pixels(digits, m2):
    X, y, _, _, test, few = digits
    accuracy = np.mean(m2.predict(X[test]) == y[test])
    pixels_only = LogisticRegression(max_iter=2000).fit(X[few], y[few]).score(X[test], y[test])
    assert accuracy > 0.7  # chance is 0.1
    assert accuracy > pixels_only - 0.02, (accuracy, pixels_only)


def test_predict_proba_is_the_classifier_and_a_distribution(digits, m2):
    X, _, _, _, test, _ = digits
    proba = m2.predict_proba(X[test])
    assert proba.shape == (len(test), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(m2.classes_[proba.argmax(axis=1)], m2.predict(X[test]))


def test_save_load_keeps_the_classifier_and_its_predictions(digits, m2, tmp_path):
    X, _, _, _, test, _ = digits
    m2.save(tmp_path / "m2.safetensors")
    loaded = aekit.load(tmp_path / "m2.safetensors", device=DEVICE)
    assert loaded.semi_supervised_
    np.testing.assert_array_equal(loaded.predict_proba(X[test]), m2.predict_proba(X[test]))
    np.testing.assert_array_equal(loaded.transform(X[test]), m2.transform(X[test]))
    path = tmp_path / "damaged.safetensors"
    path.write_bytes((tmp_path / "m2.safetensors").read_bytes()[:-100])
    with pytest.raises(ValueError):
        aekit.load(path, device=DEVICE)


def test_fully_labelled_data_work_as_before(digits):
    """No unlabelled rows: no classifier, and predictions come from the ELBO under each label."""
    X, y, _, train, test, _ = digits
    cvae = aekit.ConditionalVAE(latent_dim=4, max_iter=10, **TINY).fit(X[train], y[train])
    assert not cvae.semi_supervised_
    assert not hasattr(cvae.model_, "classifier")
    assert np.mean(cvae.predict(X[test]) == y[test]) > 0.5


def test_classifier_true_trains_it_on_fully_labelled_data(digits):
    X, y, _, train, test, _ = digits
    cvae = aekit.ConditionalVAE(latent_dim=4, max_iter=20, classifier=True, **TINY)
    cvae.fit(X[train], y[train])
    assert cvae.semi_supervised_ and hasattr(cvae.model_, "classifier")
    assert np.mean(cvae.predict(X[test]) == y[test]) > 0.8


def test_string_labels_with_none_for_unlabelled(digits):
    X, y, y_semi, train, _, _ = digits
    names = np.array(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
        dtype=object,
    )
    labels = np.where(y_semi[train] >= 0, names[y[train]], None)
    cvae = aekit.ConditionalVAE(latent_dim=4, max_iter=1, **TINY).fit(X[train], labels)
    assert sorted(cvae.classes_.tolist()) == sorted(names.tolist())
    assert set(cvae.predict(X[:20]).tolist()) <= set(names.tolist())


def test_missing_labels_from_pandas_are_unlabelled_rows_like_minus_one(digits):
    """An empty cell as pandas reads it (NaN in an object column, NA in a "string" or nullable
    "Int64" column) marks an unlabelled row: the same model as -1, with the column's labels."""
    X, y = digits[:2]
    rows, labelled = X[:200], np.arange(200) % 4 == 0
    params = dict(latent_dim=2, max_iter=1, **TINY)
    marked = aekit.ConditionalVAE(**params).fit(rows, np.where(labelled, y[:200], -1))
    texts = pd.Series(y[:200].astype(str)).where(labelled)  # NaN where unlabelled
    numbers = pd.Series(y[:200]).where(labelled).astype("Int64")
    columns = [texts, texts.astype(object), texts.astype("string"), numbers]
    for column in columns:
        cvae = aekit.ConditionalVAE(**params).fit(rows, column)
        assert cvae.semi_supervised_ and len(cvae.classes_) == 10, column.dtype
        assert cvae.classes_.dtype.kind == ("i" if column.dtype == "Int64" else "U")
        np.testing.assert_array_equal(
            cvae.predict_proba(X[200:260]), marked.predict_proba(X[200:260])
        )


def test_continuous_labels_are_refused_as_a_classifier_refuses_them(digits):
    X = digits[0][:40]
    continuous = np.random.default_rng(0).random(40)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        aekit.ConditionalVAE(max_iter=1).fit(X, continuous)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        aekit.FineTunedClassifier(aekit.Autoencoder(max_iter=1)).fit(X, continuous)


def test_pipeline_of_encoder_features_and_m2(digits):
    """M1+M2: the M2 model fitted on a VAE's active units, in one scikit-learn pipeline."""
    X, y, y_semi, train, test, _ = digits
    pipe = make_pipeline(
        aekit.VAE(latent_dim=8, max_iter=30, **TINY),
        VarianceThreshold(0.01),  # the VAE's active units (Burda et al. 2015, sec. 5.2)
        aekit.ConditionalVAE(latent_dim=4, max_iter=5, **TINY),
    ).fit(X[train], y_semi[train])
    assert pipe.predict(X[test]).shape == (len(test),)
    assert np.mean(pipe.predict(X[test]) == y[test]) > 0.3  # chance is 0.1


def test_whole_number_labels_made_floats_by_nan_markers_stay_integers(digits):
    # a CSV's blank label cells read as NaN made the classes 0.0 .. 9.0: predictions written
    # as 7.0, and sample(y="7") of the command line refused
    X, y = digits[0][:60], digits[1][:60].astype(float)
    y[::3] = np.nan
    cvae = aekit.ConditionalVAE(max_iter=1, **TINY).fit(X, y)
    assert cvae.classes_.dtype == np.int64
    assert cvae.predict(X[:4]).dtype == np.int64 and cvae.sample(2, y=7).shape == (2, 64)
    fully = aekit.ConditionalVAE(max_iter=1, **TINY).fit(X[1::3], y[1::3])
    assert fully.classes_.dtype == np.float64  # float labels given as such stay floats


def test_bad_labels_raise_clear_errors(digits, m2):
    X, _, y_semi, _, _, _ = digits
    with pytest.raises(ValueError, match="all 40 rows unlabelled"):
        aekit.ConditionalVAE(max_iter=1).fit(X[:40], np.full(40, -1))
    with pytest.raises(ValueError, match="classifier='auto' or True"):
        aekit.ConditionalVAE(max_iter=1, classifier=False).fit(X, y_semi)
    with pytest.raises(ValueError, match="not seen in fit"):
        m2.transform(X[:5], y=np.full(5, 99))
    # -1 marks an unlabelled row, as in fit: its label is predicted (it was refused)
    np.testing.assert_array_equal(m2.transform(X[:5], y=np.full(5, -1)), m2.transform(X[:5]))
    for one in (-1, np.nan):  # one marker for every row, as the array: "not seen in fit: [-1]"
        np.testing.assert_array_equal(m2.transform(X[:5], y=one), m2.transform(X[:5]))
        assert m2.reconstruct(X[:5], one).shape == X[:5].shape
    with pytest.raises(ValueError, match="classifier_weight"):
        aekit.ConditionalVAE(classifier_weight=-1.0).fit(X[:40], np.arange(40) % 2)


def test_oversampled_order_gives_the_labelled_rows_their_share():
    y = torch.full((1000,), -1)
    y[:10] = torch.arange(10)
    order = oversampled_order(y, torch.Generator().manual_seed(0), labelled_share=0.5)
    assert torch.equal(torch.unique(order), torch.arange(1000))  # every row at least once
    assert (order < 10).sum() == 990  # as many labelled rows as unlabelled ones


def test_cli_trains_on_partly_labelled_table_and_predicts(digits, tmp_path):
    """``aekit train`` with -1 in the label column, then ``aekit predict`` writes labels."""
    import pandas as pd
    from typer.testing import CliRunner

    from aekit.cli import app

    X, y, y_semi, train, _, _ = digits
    frame = pd.DataFrame(X[train], columns=[f"p{i}" for i in range(64)])
    frame["digit"] = y_semi[train]
    frame.to_csv(tmp_path / "few.csv", index=False)
    runner = CliRunner()
    params = ["--param", "max_iter=10", "--param", "hidden_layer_sizes=[64]", "--quiet"]
    result = runner.invoke(
        app,
        ["train", str(tmp_path / "few.csv"), "--label-column", "digit", "--model", "cvae",
         *params, "--no-figures", "--out", str(tmp_path / "run")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = tmp_path / "labels.csv"
    args = ["predict", str(tmp_path / "run"), str(tmp_path / "few.csv"), "--label-column"]
    result = runner.invoke(app, [*args, "digit", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "on the 100 labelled rows" in result.output
    written = pd.read_csv(out)
    assert list(written.columns) == ["label", *(f"p_{c}" for c in range(10))]
    assert np.mean(written["label"].to_numpy() == y[train]) > 0.5
    result = runner.invoke(app, [*args, "digit", "-o", str(tmp_path / "labels.txt")])
    assert isinstance(result.exception, ValueError)  # main() turns it into exit code 2
    assert "write .npy, .csv or .parquet" in str(result.exception)
    assert not (tmp_path / "labels.txt").exists()


def test_a_classifier_weight_without_a_classifier_is_said_to_do_nothing():
    # every row labelled and classifier="auto": no q(y|x) is trained, and the weight set for it
    # was ignored silently
    X, y = load_digits()
    weighted = {"classifier_weight": 5.0, "max_iter": 1, "random_state": 0}
    with pytest.warns(UserWarning, match=r"classifier_weight=5.0 has no effect: every row"):
        aekit.ConditionalVAE(**weighted).fit(X[:60], y[:60])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        aekit.ConditionalVAE(classifier=True, **weighted).fit(X[:60], y[:60])
    assert not [w for w in seen if "classifier_weight" in str(w.message)]
