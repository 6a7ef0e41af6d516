"""Saving onto a folder is refused before anything is written, naming the folder and the file
name to give instead, never with an OSError about an internal temporary file."""

import os
import warnings

import numpy as np
import pytest

import aekit
from aekit.io.atomic import atomic_write


def test_saving_a_model_onto_a_folder_names_the_folder_and_the_fix(tmp_path):
    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)
    (tmp_path / "adir").mkdir()
    expected = f"cannot save a model as {tmp_path / 'adir'}: it is a folder. Give a file name "
    with pytest.raises(ValueError, match=rf"^{expected}ending \.safetensors, e\.g\. .*model"):
        model.save(tmp_path / "adir")
    assert os.listdir(tmp_path) == ["adir"] and os.listdir(tmp_path / "adir") == []
    model.save(tmp_path / "adir" / "model.safetensors")  # the name the message gives
    assert aekit.load(tmp_path / "adir" / "model.safetensors").n_features_in_ == 4


def test_any_atomic_write_onto_a_folder_is_a_value_error(tmp_path):
    (tmp_path / "s.npy").mkdir()
    with pytest.raises(ValueError, match="s.npy: it is a folder; give a file name"):
        atomic_write(tmp_path / "s.npy", lambda tmp: open(tmp, "wb").write(b"x"))
    assert os.listdir(tmp_path) == ["s.npy"]


@pytest.mark.parametrize(
    "name", ["model.pkl", "model.joblib", "model.pt", "model.onnx", "model.bin"]
)  # .bin: PyTorch's pickled weights (pytorch_model.bin), written as safetensors unsaid
def test_a_name_of_another_format_is_refused(tmp_path, name):
    # save("m.pkl") wrote safetensors under a pickle's name (someone would unpickle it)
    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)
    stem = tmp_path / "model"
    with pytest.raises(ValueError, match=r"not \.\w+\. Give a file name ending \.safetensors"):
        model.save(tmp_path / name)
    assert os.listdir(tmp_path) == []
    model.save(f"{stem}.safetensors")  # the name the message gives
    model.save(tmp_path / "model")  # no suffix: taken, as before
    assert aekit.load(tmp_path / "model").n_features_in_ == 4


@pytest.mark.parametrize("name", ["hasher.txt", "hasher.bin"])
def test_the_command_line_refuses_such_a_name_before_training(tmp_path, name):
    from typer.testing import CliRunner

    from aekit.cli import app

    output = tmp_path / name
    result = CliRunner().invoke(app, ["train-hasher", "digits", "-o", str(output)])
    assert isinstance(result.exception, ValueError)
    assert str(result.exception).startswith(f"-o/--output {output}: aekit writes JSON")
    assert os.listdir(tmp_path) == []


def test_an_index_and_an_onnx_graph_are_named_as_what_they_are(tmp_path):
    # index.save("db.pkl") suggested db.safetensors (the README writes db.index), and
    # to_onnx("x.pkl") wrote an ONNX graph under a pickle's name
    X = np.random.default_rng(0).random((40, 8)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a tiny fit
        hasher = aekit.SemanticHasher(n_bits=8, max_iter=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"not \.pkl\. Give a file name ending \.index, e\.g\. "):
        hasher.index(X).save(tmp_path / "db.pkl")
    model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)
    for name in ("x.pkl", "x.safetensors"):
        with pytest.raises(ValueError, match=r"Give a file name ending \.onnx, e\.g\. .*x\.onnx"):
            model.to_onnx(tmp_path / name)
    assert os.listdir(tmp_path) == []


@pytest.fixture(scope="module")
def model():
    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    return aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)


def test_a_compressed_name_suggests_the_name_without_its_last_suffix(tmp_path, model):
    # save("m.safetensors.gz") suggested m.safetensors.safetensors
    expected = f"not .gz. Give a file name ending .safetensors, e.g. {tmp_path / 'm.safetensors'}."
    with pytest.raises(ValueError) as err:
        model.save(tmp_path / "m.safetensors.gz")
    assert str(err.value).endswith(expected)


def test_a_parent_that_is_a_file_is_named(tmp_path, model):
    # save("ae.safetensors/m.safetensors") with ae.safetensors a file: a bare FileExistsError
    model.save(tmp_path / "ae.safetensors")
    for inside in ("m.safetensors", "deeper/m.safetensors"):
        target = tmp_path / "ae.safetensors" / inside
        with pytest.raises(ValueError, match=f"cannot write {target}: {tmp_path / 'ae.safetensors'}"
                           " is a file, not a folder"):  # fmt: skip
            model.save(target)
    assert sorted(os.listdir(tmp_path)) == ["ae.safetensors"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_written_through_not_replaced(tmp_path):
    # Renamed over, a pipe (or, as root, -o /dev/null) became a regular file; the reader at its
    # other end got nothing.
    import stat
    import threading

    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)
    pipe = tmp_path / "pipe.safetensors"
    os.mkfifo(pipe)
    received = {}
    reader = threading.Thread(target=lambda: received.update(data=pipe.read_bytes()), daemon=True)
    reader.start()
    model.save(pipe)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    (tmp_path / "copy.safetensors").write_bytes(received["data"])
    loaded = aekit.load(tmp_path / "copy.safetensors")
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))
    assert sorted(os.listdir(tmp_path)) == ["copy.safetensors", "pipe.safetensors"]


def test_write_through_errors_name_the_output_or_the_folder_that_failed(tmp_path, monkeypatch):
    import errno
    import tempfile

    if os.path.exists("/dev/full"):  # the device itself full: its name, no temporary file's
        with pytest.raises(OSError) as full:
            atomic_write("/dev/full", lambda tmp: open(tmp, "wb").write(b"x" * 10_000))
        assert full.value.filename == "/dev/full"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)

    def temporary_folder_full(tmp: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", tmp)

    with pytest.raises(OSError) as staged:
        atomic_write(pipe, temporary_folder_full)
    assert staged.value.filename == tempfile.gettempdir()  # the folder that filled, named
    assert staged.value.strerror == (
        f"No space left on device (the output for {pipe} is made there first)"
    )


def test_a_class_loads_its_own_files_and_names_another_class(tmp_path):
    # AnomalyDetector.load was an AttributeError, where TabularEncoder.load exists
    X = np.random.default_rng(0).normal(size=(60, 4)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)
    model.save(tmp_path / "ae.safetensors")
    loaded = aekit.Autoencoder.load(tmp_path / "ae.safetensors")
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))
    said = "holds an Autoencoder, not an AnomalyDetector; read it with aekit.load"
    with pytest.raises(ValueError, match=said):
        aekit.AnomalyDetector.load(tmp_path / "ae.safetensors")
    with pytest.raises(ValueError, match="not a VariationalAutoencoder"):
        aekit.VAE.load(tmp_path / "ae.safetensors")
