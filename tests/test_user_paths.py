"""The Python API reads a path beginning with ``~`` as the shell does, as the command line
already did: ``save("~/models/m")`` wrote under a folder literally named ``~`` in the working
directory, and ``aekit.load("~/models/m")`` of the same string found nothing."""

import os
import warnings

import numpy as np
import pytest

import aekit


@pytest.fixture
def home(tmp_path, monkeypatch):
    """HOME is a fresh folder; the working directory another, to see where ``~`` lands."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return tmp_path / "home"


@pytest.fixture(scope="module")
def model():
    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)


def test_save_and_load_expand_the_home_folder(home, model):
    model.save("~/models/m.safetensors")
    assert (home / "models" / "m.safetensors").is_file()
    assert os.listdir(".") == []  # no folder named "~" beside the caller
    assert aekit.load("~/models/m.safetensors").n_features_in_ == 4


def test_a_missing_file_under_home_is_named_by_its_real_path(home):
    with pytest.raises(FileNotFoundError) as caught:
        aekit.load("~/nothing.safetensors")
    assert str(home / "nothing.safetensors") in str(caught.value)


def test_an_index_under_home(home):
    codes = np.random.default_rng(0).integers(0, 2, size=(5, 16)).astype(bool)
    aekit.HammingIndex(codes).save("~/codes.index")
    assert (home / "codes.index").is_file() and os.listdir(".") == []
    assert aekit.load_index("~/codes.index").n_rows == 5


def test_a_checkpoint_dir_under_home(home):
    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aekit.Autoencoder(
            max_iter=1, hidden_layer_sizes=(4,), latent_dim=2, checkpoint_dir="~/ck",
            random_state=0,
        ).fit(X)  # fmt: skip
    assert (home / "ck" / "checkpoint.safetensors").is_file() and os.listdir(".") == []


def test_data_and_outputs_under_home(home, model):
    X = np.random.default_rng(1).normal(size=(12, 4)).astype(np.float32)
    np.save(home / "x.npy", X)
    data = aekit.open_dataset("~/x.npy")
    written = model.score_samples(data, out="~/scores.npy")
    assert written == home / "scores.npy"
    np.testing.assert_allclose(np.load(written), model.score_samples(X), rtol=1e-5)
    assert os.listdir(".") == []


def test_load_array_and_load_mnist_under_home(home):
    np.save(home / "x.npy", np.ones((3, 2)))
    X, _ = aekit.datasets.load_array("~/x.npy")
    assert X.shape == (3, 2)
    with pytest.raises(FileNotFoundError, match=str(home)):  # the real folder, not "~"
        aekit.datasets.load_mnist("~/mnist")
