"""aekit.load refuses what is not a loadable aekit model, naming what it is: truncated or
damaged files, other formats (pickle, zip, ONNX, data, text), headers of another or a newer
aekit, weights that do not fit or are not finite."""

from __future__ import annotations

import json
import os
import pickle
import re
import sys

import numpy as np
import pytest
import torch
from cli_helpers import invoke, refused
from conftest import CPU, DEVICE
from forged import resign
from model_files import header_of, rewrite_header
from safetensors.torch import load_file, save_file

import aekit
import aekit.io.tensors
from aekit.io.tensors import header_digest

# --- files that are not (loadable) aekit models --------------------------------------------------


@pytest.mark.parametrize("keep", [0, 4, 8, 100, 0.5, -1], ids=lambda k: f"keep={k}")
def test_truncated_file(keep, saved):
    data = saved.read_bytes()
    n = int(len(data) * keep) if isinstance(keep, float) else keep % len(data)
    saved.write_bytes(data[:n])
    # cut in its tensors or its header, it says how many bytes its header announces
    # (safetensors' words, "incomplete metadata, file not fully covered", "invalid header
    # length", said neither)
    said = "is truncated: it holds" if keep in (100, 0.5, -1) else "truncated or corrupt"
    said = "is empty [(]0 bytes[)]: a save or copy cut short" if keep == 0 else said
    with pytest.raises(ValueError, match=said):
        aekit.load(saved, device=DEVICE)


@pytest.mark.parametrize(
    "content",
    [
        np.random.default_rng(0).bytes(4096),
        (12).to_bytes(8, "little") + b"{not json!!}",
        (0x0380).to_bytes(8, "little") + b'{"aekit": "cut sho',  # a pickle's first bytes; cut
    ],
    ids=["random", "bad-json", "cut-with-a-pickle-s-first-bytes"],
)
def test_garbage_bytes(content, tmp_path):
    path = tmp_path / "garbage.safetensors"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not a readable aekit file|is truncated: it holds 26"):
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
        (b"\x93NUMPY" + bytes(60), "is a NumPy array (np.save, .npy), not an aekit file: give"),
    ],
    ids=["pickle", "zip", "hdf5", "npy"],
)  # fmt: skip
def test_a_pickle_zip_npy_or_hdf5_file_is_named_as_what_it_is(content, said, tmp_path):
    # renamed .safetensors, each was "not a readable aekit file ..." (h5, npy: "header too large")
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


@pytest.mark.parametrize(
    "output", [{"transform": "excel"}, ["pandas"], {"transform": 1}, {"transform": ["pandas"]}]
)
def test_a_set_output_entry_set_output_refuses_is_named(output, saved, tmp_path):
    path = resign(saved, tmp_path / "odd.safetensors", header=lambda h: h.update(output=output))
    with pytest.raises(ValueError, match="consistent Autoencoder: its 'output' entry"):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize(
    "name, kind",
    [
        *[(name, "a data file") for name in ("table.csv", "rows.csv.gz", "codes.npy", "t.parquet")],
        ("other.json", "a JSON file"),  # it was "a data file" too
        ("digit.png", "an image"),
    ],
)
def test_a_data_file_given_as_a_model_is_named_as_data(name, kind, tmp_path):
    # 'aekit info table.csv' said "truncated or corrupt? ... header too large"
    path = tmp_path / name
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(ValueError, match=f"{name} is {kind}, not an aekit model"):
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
        (
            lambda h: h["params"].update(attention_heads=4),
            "holds a parameter .attention_heads., which Autoencoder does not take",
        ),
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


def test_inconsistent_weights_are_refused(saved, digits, tmp_path):
    # The message names the parameter that disagrees and the stored tensors' shapes.
    odd = tmp_path / "odd.safetensors"
    rewrite_header(saved, odd, lambda h: h["params"].update(latent_dim=5))
    with pytest.raises(ValueError, match="does not hold a consistent Autoencoder") as err:
        aekit.load(odd, device=DEVICE)
    assert "latent_dim=5, n_features_in_=64) do not match the stored weights: weight" in str(
        err.value
    )
    vae = tmp_path / "vae.safetensors"
    aekit.VariationalAutoencoder(**CPU).fit(digits[0]).save(vae)
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


@pytest.mark.parametrize(
    ("edit", "said"),
    [  # values no fit gives, each loaded: a NaN score file, a crash of 'aekit info', ...
        (lambda h: h["fitted"].update(likelihood_="poisson"), "likelihood_ is 'poisson'"),
        (lambda h: h["fitted"].update(input_ndim_=4), "input_ndim_ is 4; a fit gives 2"),
        (lambda h: h["fitted"].update(n_iter_=-5), "n_iter_ is -5; it must be a whole"),
        (lambda h: h["fitted"].update(history_={"loss": "x"}), "history_ is not a record"),
        (lambda h: h.pop("tree"), "damaged aekit header: it has no 'tree' entry"),
    ],
    ids=["likelihood", "ndim", "n_iter", "history", "tree"],
)
def test_a_fitted_value_no_fit_gives_is_refused(edit, said, saved, tmp_path):
    path = resign(saved, tmp_path / "odd.safetensors", header=edit)
    with pytest.raises(ValueError, match=said):
        aekit.load(path, device=DEVICE)


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_a_data_scale_of_zero_or_less_is_refused(value, tmp_path):
    # 'score' exited 0 writing NaN scores, with numpy's "divide by zero" warnings
    saved = tmp_path / "gaussian.safetensors"
    aekit.Autoencoder(**CPU).fit(np.random.default_rng(0).normal(size=(40, 6))).save(saved)
    path = resign(
        saved, tmp_path / "odd.safetensors", tensors=lambda t: t["t.data_scale"][0].fill_(value)
    )
    with pytest.raises(ValueError, match=f"data_scale holds {value}; a scale must be positive"):
        aekit.load(path, device=DEVICE)
