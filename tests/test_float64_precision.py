"""float64 columns whose variation float32 would round away: standardized in float64 first.

Values around 1e6 that vary by 0.01 become float32 steps of 0.06, so a model that casts before
standardizing sees every row alike (user review). The autoencoders keep such rows float64 until
they are standardized, and their statistics float64 in their model files; the detector's encoder
standardizes every array in float64.
"""

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import CPU
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import roc_auc_score

import aekit

rng = np.random.default_rng(0)
signal = rng.normal(size=(600, 2))
# the third column is the first one's variation around 1e6: 0.01 * signal, finer than float32
X = np.column_stack([signal, 1e6 + 0.01 * signal[:, 0] + 1e-4 * rng.normal(size=600)])
TRAINED = {**CPU, "latent_dim": 2, "max_iter": 60}


@functools.cache
def fitted():
    """The model of X, fitted once for the tests that only read it (60 epochs each before)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no float32 warning: nothing is lost
        warnings.simplefilter("ignore", ConvergenceWarning)
        return aekit.Autoencoder(**TRAINED).fit(X)


def test_an_offset_column_is_reconstructed_with_its_variation():
    model = fitted()
    assert model.data_mean_.dtype == np.float64
    reconstruction = model.reconstruct(X)
    assert reconstruction.dtype == np.float64  # float32 would round it to steps of 0.06 again
    # the reconstruction follows the column's variation (cast before standardizing, the
    # column held two or three values and its reconstruction was a constant)
    assert np.corrcoef(reconstruction[:, 2], X[:, 2])[0, 1] > 0.9
    assert np.abs(reconstruction[:, 2] - X[:, 2]).mean() < 0.5 * X[:, 2].std()


def test_one_row_is_read_in_the_models_precision():
    model = fitted()  # a single row shows no spread: the fitted model's precision decides
    np.testing.assert_allclose(model.transform(X[:1]), model.transform(X)[:1], atol=1e-6)


def test_float64_statistics_survive_save_and_load(tmp_path):
    model = fitted()
    model.save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors")
    assert loaded.data_mean_.dtype == np.float64
    np.testing.assert_array_equal(loaded.data_mean_, model.data_mean_)
    np.testing.assert_array_equal(loaded.reconstruct(X), model.reconstruct(X))


def test_ordinary_rows_keep_the_float32_path():
    # float64 rows float32 holds well enough (and [0, 1] data from a MinMaxScaler, whose
    # maximum may be 1 + 2e-16, stays Bernoulli data as float32)
    for rows in (signal, signal.astype(np.float32)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # latent_dim = the 2 features
            model = aekit.Autoencoder(**TRAINED).fit(rows)
        assert model.data_mean_.dtype == np.float32
        assert model.reconstruct(rows).dtype == np.float32


def test_the_model_standardizes_in_its_own_precision_whatever_the_rows_dtype():
    model = fitted()
    rows = X.astype(np.float32)  # rounded by the user: standardized in float64 all the same
    np.testing.assert_array_equal(model.transform(rows), model.transform(rows.astype(np.float64)))


def test_the_torch_modules_of_a_float64_model_compute_in_float32():
    # float64 statistics in float32 buffers: float64 ones made every layer after them fail
    # with a dtype error (the modules take float32 rows, rounded already where X needs float64)
    model = fitted()
    rows = torch.from_numpy(X.astype(np.float32))
    # ... and say that their outputs differ from the Python API's there (review)
    with pytest.warns(UserWarning, match=r"torch module \(and ONNX graph\) reads float32"):
        encoder = model.encoder_module()
    codes = encoder(rows)
    assert codes.dtype == torch.float32 and codes.shape == (len(X), 2)
    with pytest.warns(UserWarning, match="column 2, around 1e"):
        assert model.decoder_module()(codes).dtype == torch.float32
        assert model.score_module()(rows).dtype == torch.float32


def test_rows_from_disk_for_a_float64_model_are_warned_of(tmp_path):
    # readers hand out float32 rows: a model of float64 statistics scored them rounded, silently
    model = fitted()
    np.save(tmp_path / "x.npy", X)
    with pytest.warns(UserWarning, match="A dataset on disk reads float32 rows"):
        model.transform(aekit.open_dataset(tmp_path / "x.npy"))


def test_fitting_a_dataset_on_disk_that_needs_float64_is_warned_of(tmp_path):
    # its rows are read as float32 (already rounded): the streaming statistics saw a constant
    # column, silently; in memory the column keeps float64
    pd.DataFrame(X, columns=["a", "b", "big"]).to_parquet(tmp_path / "x.parquet", index=False)
    np.save(tmp_path / "x.npy", X)
    quick = {**CPU, "latent_dim": 2, "max_iter": 1}
    for path, column in (("x.parquet", "column 'big'"), ("x.npy", "column 2")):
        with pytest.warns(UserWarning, match=f"{path}'s {column} varies by about 0.0"):
            aekit.Autoencoder(**quick).fit(aekit.open_dataset(tmp_path / path))
    with warnings.catch_warnings():  # a table float32 holds: no word
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch: said, and not this
        ok = pd.DataFrame(X[:, :2], columns=["a", "b"]).assign(c=3 * X[:, 0])
        ok.to_parquet(tmp_path / "ok.parquet", index=False)
        aekit.Autoencoder(**quick).fit(aekit.open_dataset(tmp_path / "ok.parquet"))


def test_sequences_needing_float64_keep_it():
    steps = 1e6 + 0.01 * np.sin(np.linspace(0, 60, 600 * 8)).reshape(600, 1, 8)
    model = aekit.Autoencoder(**{**TRAINED, "architecture": "conv1d"}).fit(steps)
    assert model.data_mean_.dtype == np.float64
    assert np.corrcoef(model.reconstruct(steps).ravel(), steps.ravel())[0, 1] > 0.5


@pytest.mark.parametrize("kind", ["array", "frame"])
def test_the_detector_flags_rows_off_in_the_offset_column_alone(kind):
    normal = X[:400]
    test = X[400:].copy()
    test[:20, 2] += 0.06  # six of the column's standard deviations, in it alone
    truth = np.r_[np.ones(20), np.zeros(len(test) - 20)]
    if kind == "frame":
        normal, test = (pd.DataFrame(v, columns=["a", "b", "balance"]) for v in (normal, test))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        detector = aekit.AnomalyDetector(n_estimators=2, random_state=0).fit(normal)
    assert roc_auc_score(truth, detector.anomaly_score(test)) > 0.95
    one = detector.anomaly_score(test[:1] if kind == "array" else test.iloc[:1])
    np.testing.assert_allclose(one, detector.anomaly_score(test)[:1], rtol=1e-5)


def test_a_constant_column_is_no_variation_lost():
    # A column holding one value (0.1 in each of 100 rows: a scaled column that a CV fold's
    # rows do not vary in) has numpy's std 2.8e-17, the mean's rounding; it was read as
    # variation float32 loses: FineTunedClassifier warned "its variation is lost" in a grid
    # search over make_pipeline(StandardScaler(), ...), and the autoencoders left float32.
    rows = np.column_stack([signal[:100], np.full(100, 0.1)])
    assert np.std(rows[:, 2]) > 0  # the rounding the check must not take for variation
    labels = (rows[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = aekit.Autoencoder(**{**TRAINED, "max_iter": 1}).fit(rows)
        aekit.FineTunedClassifier(autoencoder=model, max_iter=1, random_state=0).fit(rows, labels)
    assert model.data_mean_.dtype == np.float32


def test_float32_rows_are_standardized_in_one_copy():
    # (flat - mean) / scale held two arrays of X's size at once: score_samples of 1,000,000
    # float32 rows of 64 columns peaked 488 MiB over its 244 MiB input
    import tracemalloc

    from aekit.estimators._data_scale import standardized

    rows = np.random.default_rng(0).random((20_000, 64), dtype=np.float32)
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    tracemalloc.start()
    try:
        out = standardized(rows, mean, scale)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(out, (rows - mean) / scale)
    assert peak < 1.2 * rows.nbytes, peak / rows.nbytes
    # a DataFrame of float32 columns was read through float64: 3 times its size at once
    from aekit.data.validation import as_numeric_array

    frame = pd.DataFrame(rows)
    tracemalloc.start()
    try:
        array = as_numeric_array(frame)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert array.dtype == np.float32 and np.array_equal(array, rows)
    assert peak < 1.2 * rows.nbytes, peak / rows.nbytes
