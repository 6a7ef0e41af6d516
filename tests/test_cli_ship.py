"""``aekit export`` and ``aekit serve`` as a user runs them: the export folder, one real uvicorn
server (with an API key) answering over HTTP, the refusals before it starts, and the workers'
factory that loads the model in each worker process."""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import CPU
from typer.testing import CliRunner

import aekit
from aekit.cli import app

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
KEY = "a-key-for-the-real-server"


@pytest.fixture
def aekit_cli(capsys, monkeypatch):
    """``aekit ARGS`` in this process (aekit.cli.run: the command's exit status and stderr, as
    the aekit process says them; a process paid seconds importing torch). Refusals come before
    anything listens: a serve that began serving instead fails the test, never hangs it."""
    from types import SimpleNamespace

    from aekit.cli import run
    from aekit.serve import runner

    def serves(*args, **kwargs):
        raise AssertionError("aekit serve began serving where it should have refused")

    monkeypatch.setattr(runner, "_serve_one", serves)

    def aekit(*args):
        capsys.readouterr()
        status = run([str(a) for a in args])
        return SimpleNamespace(returncode=status, stderr=capsys.readouterr().err)

    return aekit


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    X = np.random.RandomState(0).normal(size=(100, 5)).astype(np.float32)
    path = tmp_path_factory.mktemp("ship") / "model.safetensors"
    aekit.Autoencoder(**CPU).fit(X).save(path)
    return path, X


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(model_file, tmp_path_factory):
    """``aekit serve`` in its own process, on a free loopback port; always terminated."""
    path, _ = model_file
    key_file = tmp_path_factory.mktemp("key") / "api-key"
    key_file.write_text(KEY + "\n")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aekit.cli", "serve", path, "--port", str(port)]
        + ["--api-key-file", str(key_file), "--max-rows", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                output = process.stdout.read()
                pytest.fail(f"aekit serve exited with {process.returncode}: {output}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("aekit serve did not answer /healthz within 90 s")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_real_server_scores_with_the_key_and_refuses_without(server, model_file):
    path, X = model_file
    model = aekit.load(path)
    auth = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=server, timeout=30) as http:
        for _ in range(3):  # keep-alive: the same connection serves again
            response = http.post("/v1/score", json={"rows": X[:7].tolist()}, headers=auth)
            assert response.status_code == 200
            np.testing.assert_allclose(response.json()["scores"], model.score_samples(X[:7]))
        assert http.post("/v1/score", json={"rows": X[:7].tolist()}).status_code == 401
        limited = http.post("/v1/encode", json={"rows": X[:60].tolist()}, headers=auth)
        assert limited.status_code == 413 and "50 rows" in limited.json()["detail"]
        bad = http.post("/v1/encode", json={"rows": [[1, 2]]}, headers=auth)
        assert bad.status_code == 422 and "expecting 5 features" in bad.json()["detail"]
        assert http.get("/v1/model", headers=auth).json()["class"] == "Autoencoder"


def test_a_corrupt_model_file_stops_serve_with_one_line(tmp_path, model_file, aekit_cli):
    corrupt = tmp_path / "model.safetensors"
    data = model_file[0].read_bytes()
    corrupt.write_bytes(data[: len(data) // 2])
    result = aekit_cli("serve", corrupt, "--port", free_port())
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aekit: error:"), result.stderr


def test_serve_refuses_a_port_it_cannot_listen_on_in_one_line(model_file, aekit_cli):
    # --port 99999 was a traceback from uvicorn (OverflowError, exit 1); a taken port its log
    # line and exit 3
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        for port, words in ((99999, "is not a port"), (busy, "Address already in use")):
            result = aekit_cli("serve", model_file[0], "--port", port)
            assert result.returncode == 2, result.stderr
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("aekit: error:"), result.stderr
            assert words in lines[0] and "--port" in lines[0]


def test_serve_refuses_a_public_address_without_a_key(model_file, aekit_cli):
    result = aekit_cli("serve", model_file[0], "--host", "0.0.0.0", "--port", free_port())
    assert result.returncode == 2
    assert "give --api-key-file, or --insecure" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # a host that is no address was told to give a key (user review)
    wrong = aekit_cli("serve", model_file[0], "--host", "not a host", "--port", free_port())
    assert wrong.returncode == 2 and "cannot listen on not a host" in wrong.stderr, wrong.stderr
    assert "check --host" in wrong.stderr and "api-key" not in wrong.stderr


AUTOENCODER_EXPORT = ["decoder.onnx", "encoder.onnx", "manifest.json", "score.onnx"]
_TRANSLATED: dict = {}  # torch's translation of each module these tests export, per process


@pytest.fixture
def translated_once(monkeypatch):
    """torch.onnx.export run once for each network (saved whole: parameters, buffers and
    every setting) and example: it takes seconds a graph and writes the same bytes every time
    (checked), and what these tests judge is aekit's folder of graphs, which is all still run."""
    import torch

    translate = torch.onnx.export

    def export(module, args, **kwargs):
        whole = io.BytesIO()  # torch.save, not pickle: pickle names storages by address
        torch.save(module, whole)
        shapes = [(tuple(a.shape), a.dtype) for a in args]
        settings = re.sub(r" at 0x[0-9a-f]+", "", repr(sorted(kwargs.items())))  # fresh fns
        key = (whole.getvalue(), repr(shapes), settings)
        if key not in _TRANSLATED:
            _TRANSLATED[key] = translate(module, args, **kwargs)
        return _TRANSLATED[key]  # its model_proto is a new proto at each read

    monkeypatch.setattr(torch.onnx, "export", export)


def test_export_writes_the_onnx_files_and_a_manifest(model_file, tmp_path, translated_once):
    out = tmp_path / "onnx"
    result = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == AUTOENCODER_EXPORT
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["class"] == "Autoencoder" and manifest["latent_dim"] == 4
    assert manifest["inputs"]["encoder"] == {"x": ["batch", 5]}


def test_export_into_its_folder_again_and_refusal_of_a_file(
    model_file, tmp_path, translated_once, aekit_cli
):
    """-o names a folder: exporting twice replaces the files with --force (a second export into
    the default 'onnx' replaced the first model's graphs without a word); a file is refused."""
    out = tmp_path / "onnx"
    export = ["export", str(model_file[0]), "-o", str(out)]
    assert CliRunner().invoke(app, export).exit_code == 0
    again = CliRunner().invoke(app, export)
    assert isinstance(again.exception, ValueError)
    said = str(again.exception)
    assert "onnx holds encoder.onnx, decoder.onnx, score.onnx, manifest.json (an earlier " in said
    assert "export); choose another folder with --out, or pass --force" in said
    result = CliRunner().invoke(app, [*export, "--force"])
    assert result.exit_code == 0, result.output
    (tmp_path / "afile").write_text("")
    result = aekit_cli("export", model_file[0], "-o", tmp_path / "afile")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"aekit: error: --out {tmp_path / 'afile'} is a file; give a folder for the ONNX files."
    )
    # a file name for the folder: 'x.onnx' was made a folder of graphs
    named = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(tmp_path / "x.onnx")])
    assert isinstance(named.exception, ValueError)
    assert f"give a folder name, such as --out {tmp_path / 'x'} (the" in str(named.exception)
    assert not (tmp_path / "x.onnx").exists()


def test_export_into_a_run_or_over_a_graph_put_there_by_hand_is_refused(
    model_file, tmp_path, translated_once
):
    """export -o RUN put its graphs and manifest among the RUN's record (with --force too), and
    a folder's own encoder.onnx was replaced without --force: only a manifest was looked for."""
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.toml").write_text("")
    (run / "command.txt").write_text("")
    for extra in ([], ["--force"]):
        result = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(run), *extra])
        assert isinstance(result.exception, ValueError)
        assert (
            f"--out {run} is a RUN folder; give the export a folder of its own, e.g. --out "
            "run-onnx." == str(result.exception)
        )
    assert sorted(p.name for p in run.iterdir()) == ["command.txt", "config.toml"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "encoder.onnx").write_text("mine")
    result = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(mine)])
    assert isinstance(result.exception, ValueError)
    assert f"--out {mine} holds encoder.onnx; choose another" in str(result.exception)
    assert (mine / "encoder.onnx").read_text() == "mine"
    result = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(mine), "--force"])
    assert result.exit_code == 0, result.output
    assert (mine / "encoder.onnx").read_bytes() != b"mine"
    # a graph of a name this model's export does not write is no reason to refuse (review)
    other = tmp_path / "other"
    other.mkdir()
    (other / "detector.onnx").write_text("mine")
    (other / "config.toml").write_text("")  # a project's own settings: no RUN without command.txt
    result = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(other)])
    assert result.exit_code == 0, result.output
    assert (other / "detector.onnx").read_text() == "mine"


def test_export_over_another_models_export_leaves_none_of_its_graphs(
    model_file, tmp_path, translated_once
):
    """A VAE exported over a detector's folder left detector.onnx beside the VAE's manifest,
    and the command listed it as written; the user's own files stay."""
    X = model_file[1]
    out = tmp_path / "onnx"
    aekit.export_onnx(aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X), out)
    (out / "mine.onnx").write_text("a graph the user put there")
    (out / "notes.txt").write_text("kept")
    result = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        AUTOENCODER_EXPORT + ["mine.onnx", "notes.txt"]
    )
    assert result.output.startswith("decoder.onnx, encoder.onnx, score.onnx and manifest.json")
    with pytest.raises(ValueError, match="is a file; give a folder"):  # was FileExistsError
        aekit.export_onnx(aekit.load(model_file[0]), out / "notes.txt")


def test_a_failed_export_says_why_in_one_line_and_leaves_no_folder(
    model_file, tmp_path, translated_once
):
    """A network the exporter cannot translate (here its decoder, after the encoder was
    written) was a traceback, exit 1, and a folder of graphs without a manifest."""
    from aekit.core import onnx

    def fails_on_the_decoder(module, inputs, path, *args, **kwargs):
        if path.name == "decoder.onnx":
            raise RuntimeError("ONNX export of DecoderModule failed: an untranslatable op.")
        return written(module, inputs, path, *args, **kwargs)

    written = onnx.export_onnx
    out = tmp_path / "onnx"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(onnx, "export_onnx", fails_on_the_decoder)
        result = CliRunner().invoke(app, ["export", str(model_file[0]), "-o", str(out)])
    # a ValueError is what the command line's error path prints as one line, exit 2
    assert isinstance(result.exception, ValueError), result.exception
    assert str(result.exception) == "ONNX export of DecoderModule failed: an untranslatable op."
    assert list(tmp_path.iterdir()) == []


def test_each_worker_loads_the_model_from_the_settings(model_file, tmp_path, monkeypatch):
    """What uvicorn's worker processes run (--workers > 1): the factory, in this process."""
    import warnings

    from aekit.serve import runner

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    settings = {
        "model": str(model_file[0]),
        "api_key_file": str(key_file),
        "limits": {"max_body_bytes": 1000, "max_rows": 3, "timeout_s": 5.0, "threads": 1},
        "workers": 2,
    }
    monkeypatch.setenv(runner.ENVIRONMENT, json.dumps(settings))
    client = TestClient(runner.app_from_environment())
    info = client.get("/v1/model", headers={"Authorization": f"Bearer {KEY}"}).json()
    assert info["limits"]["max_rows"] == 3 and info["class"] == "Autoencoder"
    assert client.get("/v1/model").status_code == 401


def test_a_model_that_does_not_export_is_said_so_before_the_folder_is_judged(tmp_path):
    # It asked for --force over the folder's encoder.onnx, then refused the model (review).
    run = tmp_path / "hrun"
    X = np.random.default_rng(0).normal(size=(60, 6)).astype(np.float32)
    np.save(tmp_path / "x.npy", X)
    made = CliRunner().invoke(app, ["train-hasher", str(tmp_path / "x.npy"), "--epochs", "1"]
                              + ["--bits", "4", "--out", str(run)])  # fmt: skip
    assert made.exit_code == 0, made.output
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "encoder.onnx").write_text("mine")
    result = CliRunner().invoke(app, ["export", str(run), "-o", str(folder)])
    assert isinstance(result.exception, ValueError)
    assert str(result.exception).startswith("SemanticHasher cannot be exported to ONNX")
