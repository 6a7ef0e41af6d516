"""The command line as scripts and service managers use it: a wrong DDP launch ends in one line
(and SIGTERM or Ctrl-C ends it at once, in one line), results alone on stdout, --quiet on every
command, one warning per launch, and a .npy of one value a row shaped (n,) as the Python API
writes it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import typer
from cli_helpers import invoke, ok

import aekit
from aekit.cli import app, running, said_warnings

# rank 0 of a launch of 2 whose rank 1 never starts
_ALONE = {"WORLD_SIZE": "2", "RANK": "0", "LOCAL_RANK": "0", "MASTER_ADDR": "127.0.0.1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _train_alone(tmp_path, timeout_s: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, **_ALONE, "MASTER_PORT": str(port)}
    env["AEKIT_DISTRIBUTED_TIMEOUT"] = timeout_s
    command = [sys.executable, "-m", "aekit.cli", "train", "digits", "--quiet"]
    command += ["--out", str(tmp_path / "RUN")]
    process = subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, text=True, preexec_fn=_as_in_a_terminal
    )
    return process, port


def _as_in_a_terminal() -> None:
    """Ctrl-C's signal handled by default in the child, as in a terminal's foreground command,
    even when the tests run as a background job (which ignores it, and so would aekit)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_launch_whose_other_rank_never_starts_ends_in_one_line(tmp_path):
    process, _ = _train_alone(tmp_path, "1")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr  # no traceback, no C++ log lines
    assert lines[0].startswith("aekit: error: only 1 of the 2 processes"), stderr
    assert "torchrun --nproc_per_node=2 -m aekit train" in lines[0]
    assert "AEKIT_DISTRIBUTED_TIMEOUT" in lines[0]
    assert not (tmp_path / "RUN").exists()


@pytest.mark.parametrize(
    "signum, said", [(signal.SIGTERM, "terminated"), (signal.SIGINT, "interrupted")]
)
def test_a_signal_ends_a_process_waiting_for_its_group_in_one_line(tmp_path, signum, said):
    # SIGTERM exits 143, Ctrl-C 130 (128 + the signal), each saying why on its last line
    process, port = _train_alone(tmp_path, "600")
    deadline = time.monotonic() + 120
    while not _listening(port):  # rank 0 waits for rank 1 at its store
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.1)
    sent = time.monotonic()
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - sent < 10  # not at the 600 s timeout
    assert process.returncode == 128 + signum, stderr
    assert stderr.strip().splitlines()[-1] == f"aekit: {said}"
    assert not (tmp_path / "RUN").exists() and not list(tmp_path.glob(".RUN*"))


def test_a_one_value_score_is_written_as_the_api_writes_it(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 5)).astype(np.float32)
    np.save(tmp_path / "x.npy", X)
    run = tmp_path / "RUN"
    ok(invoke("train", tmp_path / "x.npy", "--model", "ae", "--quiet", "--out", run,
              "--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]"))  # fmt: skip
    ok(invoke("score", run, tmp_path / "x.npy", "-o", tmp_path / "s.npy"))
    model = aekit.load(run / "model.safetensors")
    model.score_samples(X, out=tmp_path / "api.npy")
    scores = np.load(tmp_path / "s.npy")
    assert scores.shape == np.load(tmp_path / "api.npy").shape == (64,)
    assert np.array_equal(scores, model.score_samples(X))  # no n x n broadcast
    ok(invoke("encode", run, tmp_path / "x.npy", "-o", tmp_path / "z.npy"))
    assert np.load(tmp_path / "z.npy").shape == model.transform(X).shape  # codes: (n, k)


def test_the_progress_bar_is_on_stderr_and_results_on_stdout(tmp_path):
    result = ok(invoke("train", "digits", "--model", "ae", "--out", tmp_path / "RUN",
                       "--param", "max_iter=1", "--param", "hidden_layer_sizes=[8]",
                       "--no-figures"))  # fmt: skip
    assert "epoch 1/1" in result.stderr and "epoch 1/1" not in result.stdout
    assert f"run: {tmp_path / 'RUN'}" in result.stdout


def test_every_command_takes_quiet():
    from aekit.cli.app import main  # noqa: F401 (registers the commands of every module)

    group = typer.main.get_command(app)
    lacking = [
        name
        for name, command in group.commands.items()
        if not any(p.name == "quiet" for p in command.params)
    ]
    assert lacking == []
    for name in ("score", "encode", "export", "denoise", "generate"):
        assert name in group.commands


@pytest.mark.parametrize(("rank", "shown"), [("0", True), ("1", False)])
def test_a_warning_is_said_by_rank_0_alone(monkeypatch, capsys, rank, shown):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", rank)
    monkeypatch.setattr(said_warnings, "shown", {})
    running._show_warning(UserWarning(f"the same on every rank {rank}"), UserWarning, "f", 1)
    assert ("aekit: warning: the same on every rank" in capsys.readouterr().err) is shown


def test_the_torchrun_advice_starts_each_machine_s_processes(monkeypatch):
    # 16 processes on 2 machines of 8: "--nproc_per_node=16" would start 16 on one machine.
    from aekit.core.rendezvous import torchrun_line

    monkeypatch.setenv("WORLD_SIZE", "16")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "8")
    assert torchrun_line() == "torchrun --nnodes=2 --nproc_per_node=8"
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "16")
    assert torchrun_line() == "torchrun --nproc_per_node=16"
    monkeypatch.delenv("LOCAL_WORLD_SIZE")
    assert torchrun_line() == "torchrun --nproc_per_node=16"


def test_a_command_that_fits_nothing_is_refused_under_torchrun(monkeypatch, tmp_path):
    # 'torchrun -m aekit score ...' scored on every process, each writing the same file
    from aekit.cli.one_process import FITTING_COMMANDS, refuse_several_processes

    group = typer.main.get_group(app)
    assert FITTING_COMMANDS <= set(group.commands)
    monkeypatch.setenv("WORLD_SIZE", "2")
    result = invoke("info", tmp_path)
    assert isinstance(result.exception, ValueError), result.output
    said = str(result.exception)
    assert said.startswith("aekit info runs in one process: under torchrun each of the 2 ")
    assert "WORLD_SIZE=2 is set: unset it if torchrun did not start this command" in said
    assert not any(tmp_path.iterdir())
    for name in FITTING_COMMANDS:
        refuse_several_processes(name)  # these work under torchrun: no error
    monkeypatch.setenv("WORLD_SIZE", "1")
    refuse_several_processes("score")
