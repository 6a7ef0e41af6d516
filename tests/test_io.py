"""Tests for model files: aekit.save / aekit.load round trips, the file format, refusal of bad
files, atomic writes, and pickling / cloning of estimators."""

from __future__ import annotations

import json
import os
import pickle
import re
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from cli_helpers import invoke, refused
from conftest import CPU, DEVICE
from forged import resign
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import aekit
import aekit.io.tensors
from aekit.data.datasets import load_digits
from aekit.io.tensors import header_digest

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
def fitted(digits) -> dict:
    """One small fitted model of each kind, shared by the tests that only read them."""
    X, y = digits
    models = {kind: kind(**CPU).fit(X) for kind in UNCONDITIONAL_KINDS}
    models[aekit.ConditionalVAE] = aekit.ConditionalVAE(**CPU).fit(X, y)
    return models


@pytest.fixture(scope="module")
def fitted_ae(fitted) -> aekit.Autoencoder:
    return fitted[aekit.Autoencoder]


@pytest.fixture
def saved(tmp_path, fitted_ae):
    path = tmp_path / "model.safetensors"
    fitted_ae.save(path)
    return path


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


def header_of(path) -> dict:
    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata()
    return json.loads(metadata["aekit"])


def rewrite_header(src, dst, change) -> None:
    """Copy an aekit file with ``change(header_dict)`` applied, through safetensors itself; the
    header's checksum is renewed, so what is tested is the check behind it."""
    tensors = load_file(str(src))
    header = header_of(src)
    change(header)
    if isinstance(header.get("sha256"), dict):
        header["sha256"]["header"] = header_digest(header)
    save_file(tensors, str(dst), metadata={"aekit": json.dumps(header)})


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", UNCONDITIONAL_KINDS, ids=lambda k: k.__name__)
def test_round_trip_every_kind(kind, fitted, digits, tmp_path):
    X, _ = digits
    model = fitted[kind]
    loaded = round_trip(model, tmp_path / "m.safetensors")
    assert type(loaded) is kind
    assert loaded.get_params() == model.get_params()
    assert_same_weights(model, loaded)
    assert_same_outputs(model, loaded, X)
    assert loaded.n_features_in_ == 64
    assert loaded.history_ == model.history_
    assert loaded.n_iter_ == model.n_iter_ == 2


def test_round_trip_variational_sampling(fitted, tmp_path):
    model = fitted[aekit.VariationalAutoencoder]
    loaded = round_trip(model, tmp_path / "m.safetensors")
    np.testing.assert_array_equal(model.sample(5, random_state=3), loaded.sample(5, random_state=3))


@pytest.mark.parametrize("labels", ["int", "str"])
def test_round_trip_conditional_vae(labels, fitted, digits, tmp_path):
    X, y = digits
    if labels == "str":
        y = np.array(["zero", "one", "two"])[y % 3]
        model = aekit.ConditionalVAE(**CPU).fit(X, y)
    else:
        model = fitted[aekit.ConditionalVAE]
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


def test_file_is_safetensors_with_json_header(saved, fitted_ae):
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
    assert n_weights == sum(p.numel() for p in fitted_ae.model_.state_dict().values())


def test_load_never_unpickles(saved, fitted_ae, digits, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("aekit.load must not unpickle")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    loaded = aekit.load(saved, device=DEVICE)
    assert_same_outputs(fitted_ae, loaded, digits[0])


# --- files that are not (loadable) aekit models --------------------------------------------------


@pytest.mark.parametrize("keep", [0, 4, 8, 100, 0.5, -1], ids=lambda k: f"keep={k}")
def test_truncated_file(keep, saved):
    data = saved.read_bytes()
    n = int(len(data) * keep) if isinstance(keep, float) else keep % len(data)
    saved.write_bytes(data[:n])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        aekit.load(saved, device=DEVICE)


@pytest.mark.parametrize(
    "content",
    [
        np.random.default_rng(0).bytes(4096),
        (12).to_bytes(8, "little") + b"{not json!!}",
        (0x0380).to_bytes(8, "little") + b'{"aekit": "cut sho',  # begins as a pickle would
    ],
    ids=["random", "bad-json", "cut-with-a-pickle-s-first-bytes"],
)
def test_garbage_bytes(content, tmp_path):
    path = tmp_path / "garbage.safetensors"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not a readable aekit file"):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (pickle.dumps({"w": [1.0]}), "is a pickle (pickle, joblib, torch.save), not an aekit file:"
         " aekit loads only the safetensors files it writes (estimator.save) and never unpickles"),
        (b"PK\x03\x04" + bytes(60), "is a zip archive (torch.save, joblib, numpy's .npz), not an "
         "aekit file: aekit loads only the safetensors files"),
        (b"\x89HDF\r\n\x1a\n" + bytes(60), "is an HDF5 file (Keras .h5, h5py), not an aekit "
         "file: aekit loads only the safetensors files it writes (estimator.save)."),
    ],
    ids=["pickle", "zip", "hdf5"],
)  # fmt: skip
def test_a_pickle_zip_or_hdf5_file_is_named_as_what_it_is(content, said, tmp_path):
    # renamed .safetensors, they were "not a readable aekit file (truncated or corrupt?)"; a
    # Keras .h5 was so whatever its name ("... header too large"; 'aekit info' reads it alike)
    path = tmp_path / "model.safetensors"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"^{re.escape(f'{path} {said}')}"):
        aekit.load(path, device=DEVICE)


def test_a_compressed_file_is_named_with_what_reads_it(tmp_path):
    # aekit.load("x.aek") of a valid compressed file: "truncated or corrupt?"
    from aekit.compression import container

    path = tmp_path / "x.aek"
    path.write_bytes(container.pack(container.Container(b"f" * 16, 1, (4,), 1.0, 2, bytes(4))))
    with pytest.raises(ValueError, match=r"is an aekit compressed file .* not a model: "
                       r"decompress it with the compressor that wrote it"):  # fmt: skip
        aekit.load(path, device=DEVICE)
    assert aekit.io.tensors.COMPRESSED_MAGIC == container.MAGIC


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_file_that_is_not_a_regular_file_is_named_so(kind, tmp_path):
    # a FIFO or /dev/null was "no such file"
    path = tmp_path / "pipe" if kind == "fifo" else "/dev/null"
    if kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(ValueError, match=f"^{path} is not a regular file"):
        aekit.load(path, device=DEVICE)


def test_a_missing_header_entry_is_named_as_such(saved, tmp_path):
    # 'does not hold a consistent Autoencoder: 'fitted''
    path = resign(saved, tmp_path / "odd.safetensors", header=lambda h: h.pop("fitted"))
    with pytest.raises(
        ValueError, match="consistent Autoencoder: its header has no 'fitted' entry"
    ):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize("name", ["table.csv", "rows.csv.gz", "codes.npy", "t.parquet"])
def test_a_data_file_given_as_a_model_is_named_as_data(name, tmp_path):
    # 'aekit info table.csv' said "truncated or corrupt? ... header too large"
    path = tmp_path / name
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(ValueError, match="is a data file, not an aekit model"):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize("name", ["config.toml", "model.safetensors", "notes"])
def test_a_text_file_given_as_a_model_is_named_as_text(name, tmp_path):
    # aekit.load("RUN/config.toml") said "not a readable aekit file (truncated or corrupt?)"
    path = tmp_path / name
    path.write_text('model = "vae"\nlatent_dim = 8  # désiré\n', encoding="utf-8")
    with pytest.raises(ValueError, match="is a text file, not an aekit file: .*RUN/model"):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize("name", ["score.onnx", "renamed.bin"])
def test_an_onnx_graph_given_as_a_model_is_named_as_such(name, tmp_path):
    # 'aekit info score.onnx' said "is a text file": protobuf's first bytes are printable
    path = tmp_path / name
    path.write_bytes(b"\x08\x0a\x12\x07pytorch\x1a\x062.13.0:\xa4\x01\n" + b"graph" * 50)
    with pytest.raises(ValueError, match="is an ONNX graph .*run it with onnxruntime"):
        aekit.load(path, device=DEVICE)


def test_plain_safetensors_file_is_refused(tmp_path):
    path = tmp_path / "plain.safetensors"
    save_file({"w": torch.zeros(3, 2)}, str(path))
    with pytest.raises(ValueError, match="not written by aekit"):
        aekit.load(path, device=DEVICE)


def test_safetensors_file_with_other_metadata_is_refused(tmp_path):
    path = tmp_path / "other.safetensors"
    save_file({"w": torch.zeros(3, 2)}, str(path), metadata={"format": "pt"})
    with pytest.raises(ValueError, match="not written by aekit"):
        aekit.load(path, device=DEVICE)


def test_damaged_aekit_header(tmp_path):
    path = tmp_path / "damaged.safetensors"
    save_file({"w": torch.zeros(2)}, str(path), metadata={"aekit": '{"format": "aekit-mo'})
    with pytest.raises(ValueError, match="damaged aekit header"):
        aekit.load(path, device=DEVICE)


def _signed(header: dict) -> str:
    """``header`` as JSON with its checksum renewed, however deep it nests or long its numbers
    (json.dumps and int() need Python's limits raised for them: a forger has no limits)."""
    limit, digits = sys.getrecursionlimit(), sys.get_int_max_str_digits()
    sys.setrecursionlimit(10_000)
    sys.set_int_max_str_digits(0)
    try:
        header["sha256"]["header"] = header_digest(header)
        return json.dumps(header)
    finally:
        sys.setrecursionlimit(limit)
        sys.set_int_max_str_digits(digits)


def _nested(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "damage",
    [
        lambda h: h["tree"].update(deep=_nested(900)),  # json reads it; the walks did not
        lambda h: h["fitted"].update(n_iter_=10**4999),  # past Python's int() limit
    ],
    ids=["nested-900-deep", "5000-digit-number"],
)
def test_a_header_too_deep_or_too_long_to_read_is_damaged(damage, saved, tmp_path):
    # RecursionError (in unflatten), or Python's "Exceeds the limit (4300 digits) ... use
    # sys.set_int_max_str_digits()": the wrong fix, the file not named
    path = tmp_path / "odd.safetensors"
    header = header_of(saved)
    damage(header)
    save_file(load_file(str(saved)), str(path), metadata={"aekit": _signed(header)})
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))} has a damaged aekit header"):
        aekit.load(path, device=DEVICE)
    message = refused(invoke("info", path), f"{path} has a damaged aekit header")
    assert "set_int_max_str_digits" not in message


def test_a_header_nested_past_json_s_own_recursion_is_damaged(saved, tmp_path):
    # 50,000 levels: RecursionError inside json.loads itself
    path = tmp_path / "odd.safetensors"
    text = json.dumps(header_of(saved))[:-1] + ', "deep": ' + "[" * 50_000 + "]" * 50_000 + "}"
    save_file(load_file(str(saved)), str(path), metadata={"aekit": text})
    with pytest.raises(ValueError, match="damaged aekit header: it is nested more than"):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_weights_that_are_not_finite_are_refused_naming_the_tensor(value, saved, tmp_path):
    # a file saved from a diverged model (or edited and signed again) loaded, and every
    # score it gave was NaN
    key = "t.model.encoder.body.0.weight"
    path = resign(
        saved, tmp_path / "odd.safetensors", tensors=lambda t: t[key].view(-1)[0].fill_(value)
    )
    what = "NaN" if np.isnan(value) else "infinite"
    with pytest.raises(
        ValueError,
        match=rf"holds {what} weights \({re.escape(key)}\): the file was damaged or saved "
        "from a diverged model; refit",
    ):
        aekit.load(path, device=DEVICE)


def test_a_detector_member_s_nan_weights_are_refused(tmp_path):
    X = np.random.default_rng(0).normal(size=(200, 4))
    saved = tmp_path / "detector.safetensors"
    aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X).save(saved)
    key = "t.members.0.model.latent.head.bias"
    path = resign(saved, tmp_path / "odd.safetensors", tensors=lambda t: t[key].fill_(float("nan")))
    with pytest.raises(
        ValueError, match=rf"{re.escape(str(path))} holds NaN weights \({re.escape(key)}\)"
    ):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize(
    ("shapes", "what"),
    [
        ({"image_shape_": [1, 100_000, 100_000]}, r"image_shape_ \[1, 100000, 100000\] holds "
         "10,000,000,000 values, but the model reads rows of 64 features"),
        ({"sequence_shape_": [4, 4]}, r"sequence_shape_ \[4, 4\] holds 16 values"),
        ({"image_shape_": [64]}, r"image_shape_ is \[64\]; it must be 3 positive whole numbers"),
    ],
    ids=["huge-image", "short-sequence", "one-axis"],
)  # fmt: skip
def test_input_shapes_that_do_not_fit_the_features_are_refused(shapes, what, saved, tmp_path):
    # an mlp model of 64 features loaded with image_shape_ [1, 100000, 100000]
    path = resign(saved, tmp_path / "odd.safetensors", header=lambda h: h["fitted"].update(shapes))
    with pytest.raises(ValueError, match=f"does not hold a consistent Autoencoder: {what}"):
        aekit.load(path, device=DEVICE)


def test_future_format_version_asks_for_an_upgrade(saved, tmp_path):
    future = tmp_path / "future.safetensors"
    rewrite_header(saved, future, lambda h: h.update(format_version=99))
    with pytest.raises(ValueError, match=r"(?i)format 99.*upgrade aekit"):
        aekit.load(future, device=DEVICE)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda h: h.update({"class": "TransformerAutoencoder"}), "unknown estimator class"),
        (lambda h: h["params"].update(attention_heads=4), "unexpected keyword argument"),
        (lambda h: h["params"].update(architecture="transformer"), "'architecture' parameter"),
    ],
    ids=["class", "parameter", "value"],
)
def test_a_file_of_a_newer_aekit_asks_for_an_upgrade(change, said, saved, tmp_path):
    # a newer aekit's class, parameter or value was called damaged or unknown, with no hint
    def newer(header):
        change(header)
        header["aekit_version"] = "99.1.0"

    path = resign(saved, tmp_path / "newer.safetensors", header=newer)
    with pytest.raises(ValueError, match=said) as err:
        aekit.load(path, device=DEVICE)
    assert str(err.value).endswith(
        f"; it was written by aekit 99.1.0, newer than this aekit {aekit.__version__}: upgrade "
        "aekit to load it."
    )
    same = resign(saved, tmp_path / "same.safetensors", header=change)  # this aekit's: no hint
    with pytest.raises(ValueError, match=said) as err:
        aekit.load(same, device=DEVICE)
    assert "upgrade" not in str(err.value)


@pytest.mark.parametrize("name", ["NoSuchAutoencoder", "BaseAutoencoder", "os.system"])
def test_unknown_class(name, saved, tmp_path):
    odd = tmp_path / "odd.safetensors"
    rewrite_header(saved, odd, lambda h: h.update({"class": name}))
    with pytest.raises(ValueError, match=f"unknown estimator class '{name}'"):
        aekit.load(odd, device=DEVICE)


def test_inconsistent_weights_are_refused(saved, fitted, tmp_path):
    # The message names the parameter that disagrees and the stored tensors' shapes.
    odd = tmp_path / "odd.safetensors"
    rewrite_header(saved, odd, lambda h: h["params"].update(latent_dim=5))
    with pytest.raises(ValueError, match="does not hold a consistent Autoencoder") as err:
        aekit.load(odd, device=DEVICE)
    assert "latent_dim=5, n_features_in_=64) do not match the stored weights: weight" in str(
        err.value
    )
    vae = tmp_path / "vae.safetensors"
    fitted[aekit.VariationalAutoencoder].save(vae)
    rewrite_header(vae, odd, lambda h: h["params"].update(architecture="conv"))
    with pytest.raises(ValueError, match="not hold a consistent VariationalAutoencoder") as err:
        aekit.load(odd, device=DEVICE)
    message = str(err.value)
    assert "params.architecture='conv' needs images, but the fitted model reads rows of 64 " in (
        message
    )
    assert "(image_shape_ is null); the stored weights begin encoder.body.0.weight [" in message
    assert "NoneType" not in message


def test_checkpoint_is_not_a_model(digits, tmp_path):
    aekit.Autoencoder(**CPU, checkpoint_dir=tmp_path).fit(digits[0])
    with pytest.raises(ValueError, match="not a model"):
        aekit.load(tmp_path / "checkpoint.safetensors", device=DEVICE)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.safetensors"):
        aekit.load(tmp_path / "nope.safetensors", device=DEVICE)


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        aekit.load(tmp_path, device=DEVICE)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda h: h.update(format_version="2"), id="format_version-is-a-string"),
        pytest.param(lambda h: h.update(params=[4, 16]), id="params-is-a-list"),
        pytest.param(lambda h: h.update(format_version=None), id="format_version-is-null"),
        pytest.param(lambda h: h.update(fitted=None), id="fitted-is-null"),
        pytest.param(lambda h: h["fitted"].pop("history_"), id="fitted-lacks-history"),
        pytest.param(lambda h: h.update(tree={"model": {}}), id="tree-lacks-tensors"),
    ],
)
def test_malformed_header_raises_value_error(change, saved, tmp_path):
    odd = tmp_path / "odd.safetensors"
    rewrite_header(saved, odd, change)
    with pytest.raises(ValueError, match="odd.safetensors"):
        aekit.load(odd, device=DEVICE)


# --- load's device argument ----------------------------------------------------------------------


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_load_on_cuda_without_gpu_is_a_value_error(saved):
    with pytest.raises(ValueError, match="no GPU"):
        aekit.load(saved, device="cuda")


def test_load_accepts_device_auto(saved, fitted_ae, digits):
    loaded = aekit.load(saved, device="auto")
    np.testing.assert_allclose(
        loaded.transform(digits[0]), fitted_ae.transform(digits[0]), rtol=1e-4, atol=1e-5
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


def test_failed_first_save_leaves_nothing(tmp_path, fitted_ae, monkeypatch):
    monkeypatch.setattr(aekit.io.tensors, "save_file", failing_save_file(OSError("boom")))
    with pytest.raises(OSError, match="boom"):
        fitted_ae.save(tmp_path / "model.safetensors")
    assert os.listdir(tmp_path) == []


def test_save_creates_missing_folders(tmp_path, fitted_ae):
    path = tmp_path / "a" / "b" / "model.safetensors"
    fitted_ae.save(path)
    assert aekit.load(path, device=DEVICE).n_features_in_ == 64
    assert os.listdir(path.parent) == ["model.safetensors"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_saved_file_respects_umask(tmp_path, fitted_ae):
    previous = os.umask(0o022)
    try:
        fitted_ae.save(tmp_path / "model.safetensors")
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
def test_fitted_estimators_pickle(kind, fitted, digits):
    X, y = digits
    labels = (y,) if kind is aekit.ConditionalVAE else ()
    model = fitted[kind]
    copy = pickle.loads(pickle.dumps(model))
    assert type(copy) is kind
    assert copy.get_params() == model.get_params()
    assert_same_outputs(model, copy, X, *labels)


def test_loaded_estimator_pickles(saved, fitted_ae, digits):
    copy = pickle.loads(pickle.dumps(aekit.load(saved, device=DEVICE)))
    assert_same_outputs(fitted_ae, copy, digits[0])


@pytest.mark.parametrize(
    "kind", [*UNCONDITIONAL_KINDS, aekit.ConditionalVAE], ids=lambda k: k.__name__
)
def test_clone(kind):
    model = kind(**CPU)
    twin = clone(model)
    assert type(twin) is kind
    assert twin is not model
    assert twin.get_params() == model.get_params()


def test_clone_of_fitted_is_unfitted_and_refits_identically(fitted_ae, digits):
    twin = clone(fitted_ae)
    assert twin.get_params() == fitted_ae.get_params()
    with pytest.raises(NotFittedError):
        twin.transform(digits[0])
    twin.fit(digits[0])
    np.testing.assert_array_equal(twin.transform(digits[0]), fitted_ae.transform(digits[0]))


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
