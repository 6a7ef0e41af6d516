"""Tests for model files: aekit.save / aekit.load round trips, the file format, refusal of bad
files, atomic writes, and pickling / cloning of estimators."""

from __future__ import annotations

import json
import os
import pickle
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import CPU, DEVICE
from safetensors import safe_open
from safetensors.torch import load_file
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import aekit
import aekit.io.tensors
from aekit.data.datasets import load_digits

UNCONDITIONAL_KINDS = [
    aekit.Autoencoder,
    aekit.DenoisingAutoencoder,
    aekit.SparseAutoencoder,
    aekit.ContractiveAutoencoder,
    aekit.VariationalAutoencoder,
]


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gaussian() -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(80, 6)) * [1, 2, 5, 10, 0.1, 3] + 7).astype(np.float32)


@pytest.fixture(scope="module")
def fitted_kinds(digits) -> dict:
    """One small fitted model of each kind, shared by the tests that only read them."""
    X, y = digits
    models = {kind: kind(**CPU).fit(X) for kind in UNCONDITIONAL_KINDS}
    models[aekit.ConditionalVAE] = aekit.ConditionalVAE(**CPU).fit(X, y)
    return models


def round_trip(estimator, path):
    estimator.save(path)
    return aekit.load(path, device=DEVICE)


def assert_same_weights(a, b) -> None:
    sa, sb = a.model_.state_dict(), b.model_.state_dict()
    assert sa.keys() == sb.keys()
    for key in sa:
        assert torch.equal(sa[key], sb[key]), key


def assert_same_outputs(a, b, X, y=None) -> None:
    """transform, inverse_transform and score_samples agree exactly (y: labels of a CVAE)."""
    extra = () if y is None else (y,)
    Z = a.transform(X, *extra)
    np.testing.assert_array_equal(Z, b.transform(X, *extra))
    np.testing.assert_array_equal(a.inverse_transform(Z, *extra), b.inverse_transform(Z, *extra))
    np.testing.assert_array_equal(a.score_samples(X, *extra), b.score_samples(X, *extra))


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", UNCONDITIONAL_KINDS, ids=lambda k: k.__name__)
def test_round_trip_every_kind(kind, fitted_kinds, digits, tmp_path):
    X, _ = digits
    model = fitted_kinds[kind]
    loaded = round_trip(model, tmp_path / "m.safetensors")
    assert type(loaded) is kind
    assert loaded.get_params() == model.get_params()
    assert_same_weights(model, loaded)
    assert_same_outputs(model, loaded, X)
    assert loaded.n_features_in_ == 64
    assert loaded.history_ == model.history_
    assert loaded.n_iter_ == model.n_iter_ == 2


def test_round_trip_variational_sampling(fitted_kinds, tmp_path):
    model = fitted_kinds[aekit.VariationalAutoencoder]
    loaded = round_trip(model, tmp_path / "m.safetensors")
    np.testing.assert_array_equal(model.sample(5, random_state=3), loaded.sample(5, random_state=3))


@pytest.mark.parametrize("labels", ["int", "str"])
def test_round_trip_conditional_vae(labels, fitted_kinds, digits, tmp_path):
    X, y = digits
    if labels == "str":
        y = np.array(["zero", "one", "two"])[y % 3]
        model = aekit.ConditionalVAE(**CPU).fit(X, y)
    else:
        model = fitted_kinds[aekit.ConditionalVAE]
    loaded = round_trip(model, tmp_path / "m.safetensors")
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    assert loaded.classes_.dtype == model.classes_.dtype
    assert_same_weights(model, loaded)
    assert_same_outputs(model, loaded, X, y)
    label = model.classes_[1]
    np.testing.assert_array_equal(
        model.sample(4, y=label, random_state=1), loaded.sample(4, y=label, random_state=1)
    )


@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.VariationalAutoencoder])
def test_round_trip_conv_images(kind, images, tmp_path):
    model = kind(**{**CPU, "hidden_layer_sizes": (4, 8)}, architecture="conv").fit(images)
    loaded = round_trip(model, tmp_path / "m.safetensors")
    assert loaded.image_shape_ == (1, 8, 8)
    assert loaded.input_ndim_ == 4
    Z = loaded.transform(images)
    assert Z.shape == (len(images), 4)
    assert loaded.inverse_transform(Z).shape == images.shape
    assert loaded.reconstruct(images).shape == images.shape
    assert_same_outputs(model, loaded, images)


def test_round_trip_gaussian_data(gaussian, tmp_path):
    model = aekit.Autoencoder(**{**CPU, "latent_dim": 2}).fit(gaussian)
    assert model.likelihood_ == "gaussian"
    loaded = round_trip(model, tmp_path / "m.safetensors")
    assert loaded.likelihood_ == "gaussian"
    np.testing.assert_array_equal(loaded.data_mean_, model.data_mean_)
    np.testing.assert_array_equal(loaded.data_scale_, model.data_scale_)
    assert_same_outputs(model, loaded, gaussian)
    # the reconstruction is back on the data's scale, not the standardized one
    assert abs(float(loaded.reconstruct(gaussian).mean()) - float(gaussian.mean())) < 3


def test_params_and_fitted_attributes_survive(digits, tmp_path):
    X, _ = digits
    frame = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    model = aekit.Autoencoder(
        **{**CPU, "max_iter": 3}, early_stopping=True, validation_fraction=0.25, tol=0.0
    ).fit(frame)
    loaded = round_trip(model, tmp_path / "m.safetensors")

    assert loaded.get_params() == model.get_params()
    assert loaded.hidden_layer_sizes == (16,)
    assert loaded.n_features_in_ == 64
    np.testing.assert_array_equal(loaded.feature_names_in_, model.feature_names_in_)
    assert list(loaded.feature_names_in_[:2]) == ["px0", "px1"]
    assert loaded.history_ == model.history_
    assert "val_loss" in loaded.history_
    assert loaded.loss_curve_ == model.loss_curve_
    assert loaded.validation_scores_ == model.validation_scores_
    assert loaded.n_iter_ == model.n_iter_
    assert loaded.best_loss_ == model.best_loss_
    assert loaded.likelihood_ == model.likelihood_ == "bernoulli"
    assert loaded.image_shape_ is None
    # the restored feature names are enforced like the original's
    np.testing.assert_array_equal(loaded.transform(frame), model.transform(frame))
    with pytest.raises(ValueError, match="columns seen in fit in another order"):
        loaded.transform(frame[frame.columns[::-1]])


def test_random_state_object_is_saved_as_none(digits, tmp_path):
    X, _ = digits
    model = aekit.Autoencoder(**{**CPU, "random_state": np.random.RandomState(0)}).fit(X)
    loaded = round_trip(model, tmp_path / "m.safetensors")
    assert loaded.random_state is None
    assert_same_outputs(model, loaded, X)


def test_saving_a_loaded_model_gives_the_same_bytes(saved, tmp_path):
    again = tmp_path / "again.safetensors"
    aekit.load(saved, device=DEVICE).save(again)
    assert again.read_bytes() == saved.read_bytes()


# --- the file format -----------------------------------------------------------------------------


def test_file_is_safetensors_with_json_header(saved, fitted):
    with safe_open(str(saved), framework="pt") as handle:
        metadata = handle.metadata()
        names = list(handle.keys())
    assert set(metadata) == {"aekit"}
    header = json.loads(metadata["aekit"])
    assert header["format"] == "aekit-model"
    assert header["format_version"] == 2  # 2: checksums of the header and of every tensor
    assert set(header["sha256"]["tensors"]) == set(names)
    assert header["class"] == "Autoencoder"
    assert header["aekit_version"] == aekit.__version__
    assert header["torch_version"] == torch.__version__
    assert header["params"]["latent_dim"] == 4
    assert header["params"]["hidden_layer_sizes"] == [16]
    assert header["fitted"]["n_features_in_"] == 64
    # the weights are plain named tensors, readable by safetensors alone
    tensors = load_file(str(saved))
    assert sorted(tensors) == sorted(names)
    n_weights = sum(t.numel() for t in tensors.values())
    assert n_weights == sum(p.numel() for p in fitted.model_.state_dict().values())


def test_load_never_unpickles(saved, fitted, digits, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("aekit.load must not unpickle")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    loaded = aekit.load(saved, device=DEVICE)
    assert_same_outputs(fitted, loaded, digits[0])


# --- load's device argument ----------------------------------------------------------------------


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_load_on_cuda_without_gpu_is_a_value_error(saved):
    with pytest.raises(ValueError, match="no GPU"):
        aekit.load(saved, device="cuda")


def test_load_accepts_device_auto(saved, fitted, digits):
    loaded = aekit.load(saved, device="auto")
    np.testing.assert_allclose(
        loaded.transform(digits[0]), fitted.transform(digits[0]), rtol=1e-4, atol=1e-5
    )


# --- atomic writes -------------------------------------------------------------------------------


def failing_save_file(exc: BaseException):
    """A stand-in for safetensors' save_file that writes some bytes, then fails."""

    def save(tensors, filename, metadata=None):
        with open(filename, "wb") as handle:
            handle.write(b"\x00partial model bytes" * 10)
        raise exc

    return save


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_save_keeps_the_previous_file(exc, tmp_path, digits, monkeypatch):
    X, _ = digits
    path = tmp_path / "model.safetensors"
    old = aekit.Autoencoder(**CPU).fit(X)
    old.save(path)
    before = path.read_bytes()

    new = aekit.Autoencoder(**{**CPU, "random_state": 1}).fit(X)
    monkeypatch.setattr(aekit.io.tensors, "save_file", failing_save_file(exc))
    with pytest.raises(type(exc)):
        new.save(path)
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.safetensors"]  # no temporary file left
    assert_same_outputs(old, aekit.load(path, device=DEVICE), X)


def test_failed_first_save_leaves_nothing(tmp_path, fitted, monkeypatch):
    monkeypatch.setattr(aekit.io.tensors, "save_file", failing_save_file(OSError("boom")))
    with pytest.raises(OSError, match="boom"):
        fitted.save(tmp_path / "model.safetensors")
    assert os.listdir(tmp_path) == []


def test_save_creates_missing_folders(tmp_path, fitted):
    path = tmp_path / "a" / "b" / "model.safetensors"
    fitted.save(path)
    assert aekit.load(path, device=DEVICE).n_features_in_ == 64
    assert os.listdir(path.parent) == ["model.safetensors"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_saved_file_respects_umask(tmp_path, fitted):
    previous = os.umask(0o022)
    try:
        fitted.save(tmp_path / "model.safetensors")
    finally:
        os.umask(previous)
    assert (tmp_path / "model.safetensors").stat().st_mode & 0o777 == 0o644


def test_staged_folder_moves_its_files_in_together_or_leaves_all_as_it_was(tmp_path):
    from aekit.io.atomic import staged_folder

    with pytest.raises(KeyboardInterrupt), staged_folder(tmp_path / "new") as staging:
        (staging / "a.onnx").write_text("half")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []  # no folder, no temporary one beside it
    with staged_folder(tmp_path / "new") as staging:
        (staging / "a.onnx").write_text("1")
    assert os.listdir(tmp_path / "new") == ["a.onnx"]
    (tmp_path / "new" / "mine.txt").write_text("kept")
    with staged_folder(tmp_path / "new", last="manifest.json") as staging:
        for name in ("manifest.json", "a.onnx", "b.onnx"):
            (staging / name).write_text("2")
    files = {p.name: p for p in (tmp_path / "new").iterdir()}
    assert sorted(files) == ["a.onnx", "b.onnx", "manifest.json", "mine.txt"]
    assert files["a.onnx"].read_text() == "2" and files["mine.txt"].read_text() == "kept"
    # the manifest moves in last, so whoever sees it sees the graphs it names
    assert files["manifest.json"].stat().st_ctime_ns >= files["b.onnx"].stat().st_ctime_ns
    assert os.listdir(tmp_path) == ["new"]


# --- pickle and clone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [*UNCONDITIONAL_KINDS, aekit.ConditionalVAE], ids=lambda k: k.__name__
)
def test_fitted_estimators_pickle(kind, fitted_kinds, digits):
    X, y = digits
    labels = (y,) if kind is aekit.ConditionalVAE else ()
    model = fitted_kinds[kind]
    copy = pickle.loads(pickle.dumps(model))
    assert type(copy) is kind
    assert copy.get_params() == model.get_params()
    assert_same_outputs(model, copy, X, *labels)


def test_loaded_estimator_pickles(saved, fitted, digits):
    copy = pickle.loads(pickle.dumps(aekit.load(saved, device=DEVICE)))
    assert_same_outputs(fitted, copy, digits[0])


@pytest.mark.parametrize(
    "kind", [*UNCONDITIONAL_KINDS, aekit.ConditionalVAE], ids=lambda k: k.__name__
)
def test_clone(kind):
    model = kind(**CPU)
    twin = clone(model)
    assert type(twin) is kind
    assert twin is not model
    assert twin.get_params() == model.get_params()


def test_clone_of_fitted_is_unfitted_and_refits_identically(fitted, digits):
    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        twin.transform(digits[0])
    twin.fit(digits[0])
    np.testing.assert_array_equal(twin.transform(digits[0]), fitted.transform(digits[0]))


def test_save_with_path_params_and_pandas_string_labels_then_load_keeps_global_rng(tmp_path):
    X, y = load_digits()
    labels = pd.Series(np.array(["even", "odd"])[y[:60] % 2]).astype(object).to_numpy()
    est = aekit.ConditionalVAE(
        max_iter=1, random_state=0, checkpoint_dir=tmp_path / "ckpt", hidden_layer_sizes=(8,)
    ).fit(X[:60], labels)
    est.save(tmp_path / "m.safetensors")
    torch.manual_seed(5)
    expected = torch.rand(2)
    torch.manual_seed(5)
    loaded = aekit.load(tmp_path / "m.safetensors", device=DEVICE)
    assert torch.equal(torch.rand(2), expected)
    assert list(loaded.classes_) == ["even", "odd"]
    assert loaded.get_params()["checkpoint_dir"] == str(tmp_path / "ckpt")


def test_tree_files_round_trip_numpy_arrays_and_refuse_strings(tmp_path):
    tree = {"codes": np.arange(12, dtype=np.uint8).reshape(3, 4), "w": torch.ones(2), "n": [1.5]}
    aekit.io.tensors.save_tree(tmp_path / "t.aek", {"format": "x"}, tree)
    header, back = aekit.io.tensors.load_tree(tmp_path / "t.aek")
    assert isinstance(back["codes"], np.ndarray) and back["codes"].dtype == np.uint8
    np.testing.assert_array_equal(back["codes"], tree["codes"])
    assert torch.equal(back["w"], tree["w"]) and back["n"] == [1.5] and header["format"] == "x"
    with pytest.raises(ValueError, match="only numeric arrays"):
        aekit.io.tensors.save_tree(tmp_path / "s.aek", {}, {"names": np.array(["a", "b"])})
    assert not (tmp_path / "s.aek").exists()


def test_a_model_changed_by_set_params_after_fit_is_saved_as_fitted(digits, tmp_path):
    # the file recorded the new parameters beside the old weights: load rebuilt another network
    # (activation) or refused its own file (latent_dim)
    X = digits[0]
    model = aekit.Autoencoder(**{**CPU, "latent_dim": 4, "max_iter": 2}).fit(X)
    codes = model.transform(X[:5])
    model.set_params(activation="tanh", latent_dim=16, verbose=True)
    with pytest.warns(UserWarning, match=r"activation \(fitted 'relu', now 'tanh'\), latent_dim"):
        model.save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors")
    assert (loaded.activation, loaded.latent_dim, loaded.verbose) == ("relu", 4, True)
    np.testing.assert_array_equal(loaded.transform(X[:5]), codes)
    loaded.set_params(activation="tanh")  # after a load as after a fit
    with pytest.warns(UserWarning, match="activation"):
        loaded.save(tmp_path / "again.safetensors")
