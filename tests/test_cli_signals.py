"""The command line under signals and failing standard streams, as scripts and service managers
meet them: a signal once the work is done changes nothing, a second one or one during the
imports prints no traceback, a closed pipe ends a command quietly (141), a full disk on stdout
says so, a server stopped gracefully exits 0, and a stopped checkpointed training says how to
resume it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import invoke, ok

from aekit.cli import runs
from aekit.cli.stopping import Stopped
from aekit.core.checkpoint import CHECKPOINT
from aekit.io.files import read_header

TINY = ["--model", "ae", "--quiet", "--param", "hidden_layer_sizes=[8]"]
# where no test looks at a RUN's figures: drawing them is 1-2 s of a training
NO_FIGURES = [*TINY, "--no-figures"]


def _as_in_a_terminal() -> None:
    """Ctrl-C's signal handled by default in the child, as in a terminal's foreground command,
    even when the tests run as a background job (which ignores it, and so would aekit)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _aekit(*args, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "aekit", *map(str, args)]
    return subprocess.Popen(command, text=True, preexec_fn=_as_in_a_terminal, **popen)


def _wait_for(condition, what: str, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert process.poll() is None, f"aekit ended before {what}"
        assert time.monotonic() < deadline, f"no {what} in {limit} s"
        time.sleep(0.05)


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("signals") / "RUN"
    ok(invoke("train", "digits", *NO_FIGURES, "--epochs", "1", "--out", folder))
    return folder


# --- item 5: a signal during Python's teardown, once the result is printed -----------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_after_the_result_leaves_the_exit_status_0(tmp_path, signum):
    out = tmp_path / "RUN"
    process = _aekit("train", "digits", *TINY, "--epochs", "1", "--out", out,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    for line in process.stdout:
        if line.startswith("run: "):
            break
    time.sleep(0.3)  # in the 1-2 s Python, torch and matplotlib take to tear down
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    _no_traceback(stderr)
    assert (out / "model.safetensors").is_file()


# --- item 6: a second signal, or one during the imports ------------------------------------------


def test_a_second_ctrl_c_does_not_interrupt_the_first_ones_stop(tmp_path):
    out = tmp_path / "RUN"
    process = _aekit("train", "digits", *TINY, "--epochs", "500", "--out", out,
                     stderr=subprocess.PIPE)  # fmt: skip
    staging = tmp_path / ".RUN.aekit-staging"
    _wait_for(staging.exists, "staging folder", process)
    time.sleep(1.5)  # training
    process.send_signal(signal.SIGINT)
    time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    _no_traceback(stderr)
    assert stderr.strip().splitlines()[-1] == "aekit: interrupted"
    assert list(tmp_path.iterdir()) == []  # no RUN, no staging folder


# The signal is sent when the command line's imports reach typer: a fixed point in them, where a
# timed signal would land anywhere between Python's own start and the command.
_SIGNAL_WHILE_IMPORTING = """
import os, signal, sys

class SignalWhileImporting:
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            os.kill(os.getpid(), {signum})
        return None

sys.meta_path.insert(0, SignalWhileImporting())
sys.argv = ["aekit", "train", "digits", "--model", "ae", "--epochs", "1", "--out", {out!r}]
from aekit.__main__ import main
main()
"""


@pytest.mark.parametrize(
    ("signum", "said"),
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated"), (signal.SIGHUP, "hung up")],
)
def test_a_signal_during_the_imports_ends_in_one_line(tmp_path, signum, said):
    # SIGHUP (a closed ssh session) ended a command saying nothing, its staging folder left
    code = _SIGNAL_WHILE_IMPORTING.format(signum=int(signum), out=str(tmp_path / "RUN"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            preexec_fn=_as_in_a_terminal, timeout=120)  # fmt: skip
    assert result.returncode == 128 + signum, result.stderr
    assert result.stderr == f"aekit: {said}\n"
    assert list(tmp_path.iterdir()) == []


# --- item 8: standard output that cannot be written ----------------------------------------------


def _closed_pipe() -> int:
    """The writing end of a pipe whose reader has gone (``aekit ... | head -1``, head done)."""
    reader, writer = os.pipe()
    os.close(reader)
    return writer


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["train", "--help"], ["info"]])
def test_a_closed_pipe_on_stdout_ends_any_command_quietly_with_141(run, args):
    args = [*args, run] if args == ["info"] else args
    writer = _closed_pipe()
    try:
        process = _aekit(*args, stdout=writer, stderr=subprocess.PIPE)
    finally:
        os.close(writer)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 141, stderr  # 128 + SIGPIPE, as a shell reports 'yes | head'
    assert stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_said_as_stdout_after_the_run_is_written(tmp_path):
    out = tmp_path / "RUN"
    with open("/dev/full", "w") as full:
        process = _aekit("train", "digits", *NO_FIGURES, "--epochs", "1", "--out", out,
                         stdout=full, stderr=subprocess.PIPE)  # fmt: skip
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2, stderr
    _no_traceback(stderr)
    assert stderr.strip().splitlines()[-1] == (
        "aekit: error: cannot write to standard output: No space left on device (the command "
        f"finished and wrote {out}; what it printed is lost)"
    )
    assert (out / "model.safetensors").is_file()


# --- item 9: a server stopped gracefully ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    ("signum", "workers"), [(signal.SIGTERM, 1), (signal.SIGINT, 1), (signal.SIGTERM, 2)]
)
def test_a_server_stopped_gracefully_exits_0_with_any_workers(run, signum, workers):
    pytest.importorskip("uvicorn")
    pytest.importorskip("fastapi")
    port = _free_port()
    process = _aekit("serve", run, "--port", port, "--workers", workers,
                     stderr=subprocess.PIPE)  # fmt: skip
    _wait_for(lambda: _listening(port), "server listening", process)
    process.send_signal(signum)  # systemctl stop, Ctrl-C
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "aekit: " not in stderr and "Traceback" not in stderr, stderr


# --- item 12: a stopped training that checkpoints ------------------------------------------------


def test_a_stopped_checkpointed_training_says_how_to_resume_it(tmp_path):
    checkpoint, out = tmp_path / "CK", tmp_path / "RUN"
    process = _aekit("train", "digits", *TINY, "--epochs", "500", "--checkpoint", checkpoint,
                     "--out", out, stderr=subprocess.PIPE)  # fmt: skip
    saved = checkpoint / runs.CHECKPOINT_FILE
    _wait_for(saved.exists, "checkpoint", process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    epoch = read_header(saved, CHECKPOINT)["n_iter"]
    assert stderr.strip().splitlines()[-1] == (
        f"aekit: interrupted after epoch {epoch}; the checkpoint in {checkpoint} continues it: "
        "rerun the same command with --resume"
    )


def test_the_resume_advice_needs_a_checkpoint_and_no_second_resume(tmp_path):
    checkpoint = tmp_path / "CK"
    ok(invoke("train", "digits", *NO_FIGURES, "--epochs", "2", "--checkpoint", checkpoint,
              "--out", tmp_path / "RUN"))  # fmt: skip
    for folder, resume_given, said in [
        (checkpoint, True, f" after epoch 2; the checkpoint in {checkpoint} continues it: rerun "
         "the same command"),  # --resume given, or --param checkpoint_dir: resumed by itself
        (tmp_path / "none", False, f" before its first epoch ended, so {tmp_path / 'none'} "
         "holds no checkpoint yet: rerun the same command to start again"),  # none written
        (None, False, ""),
    ]:  # fmt: skip
        with pytest.raises(Stopped) as stopped, runs.resumable_when_stopped(folder, resume_given):
            raise Stopped(signal.SIGTERM)
        assert stopped.value.message() == f"aekit: terminated{said}"
