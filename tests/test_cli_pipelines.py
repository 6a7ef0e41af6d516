"""The command line run from scripts and pipelines: one error line and exit 2 where stdout is
closed, a warning is raised as an error, or DATA is standard input; folders it cannot write
named as typed (or as the default); a finished checkpoint said as finished; matplotlib quiet
where it cannot make its config folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cli_helpers import invoke, ok, refused, runner

from aekit.cli import app
from aekit.cli.errors import error_message, for_the_command_line

QUICK = ["--model", "ae", "--epochs", 1, "--param", "hidden_layer_sizes=[8]", "--quiet"]


def run(*args, cwd, env=None, **streams):
    return subprocess.run(
        [sys.executable, "-m", "aekit", *map(str, args)],
        capture_output=not streams, text=True, cwd=cwd, timeout=300,
        env={**os.environ, **(env or {})}, **streams,
    )  # fmt: skip


def test_a_closed_stdout_or_a_warning_raised_as_an_error_is_one_line_and_exit_2(tmp_path):
    # with stdout closed (>&-) the results were lost and the status 0; under
    # PYTHONWARNINGS=error a warning was a 66-line traceback and status 1
    closed = subprocess.run(
        f"{sys.executable} -m aekit --version >&- 2> err.txt", shell=True, cwd=tmp_path
    )
    said = (tmp_path / "err.txt").read_text()
    assert closed.returncode == 2, said
    assert said.startswith("aekit: error: cannot write to standard output: it is closed (>&-)")
    strict = run("train", "digits", *QUICK, "--param", "learning_rate_init=1e-6", "--out", "R",
                 cwd=tmp_path, env={"PYTHONWARNINGS": "error"})  # fmt: skip
    assert strict.returncode == 2 and len(strict.stderr.strip().splitlines()) == 1, strict.stderr
    assert strict.stderr.startswith("aekit: error: a warning, raised as an error (-W error): ")
    assert "has not learned" in strict.stderr and not (tmp_path / "R").exists()


def test_a_command_that_prints_nothing_runs_with_stdout_closed(monkeypatch):
    # 'aekit serve' writes nothing there (its logs go to stderr): refused at the start, a
    # daemon started with >&- exited 2
    from aekit.cli import streams

    monkeypatch.setattr(sys, "stdout", None)
    with streams.Watched() as watched:
        pass
    assert watched.stdout_failure is None
    with streams.Watched() as watched:
        print("a result")
    assert "closed" in str(watched.stdout_failure)


def test_matplotlib_says_nothing_where_it_makes_a_temporary_config_folder(tmp_path):
    # a read-only HOME: two raw lines of matplotlib's on stderr, beside one-line warnings
    (tmp_path / "home").write_text("a file, so no folder can be made under it")
    env = {"HOME": str(tmp_path / "home"), "MPLCONFIGDIR": ""}
    result = run("train", "digits", *QUICK, "--out", "R", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "matplotlib" not in result.stderr.lower(), result.stderr
    assert (tmp_path / "R" / "figures").is_dir()


def test_standard_input_as_data_is_said(tmp_path):
    ok(invoke("train", "digits", *QUICK, "--no-figures", "--out", tmp_path / "R"))
    for data in ("-", "/dev/stdin"):
        result = invoke("encode", tmp_path / "R", data, "-o", tmp_path / "z.csv")
        said = for_the_command_line(error_message(result.exception))
        assert said.startswith(f"DATA '{data}' is standard input or a pipe"), said


def test_out_folders_it_cannot_write_are_named_as_typed_or_as_the_default(tmp_path, monkeypatch):
    from aekit.cli import outputs

    (tmp_path / "locked").mkdir()
    # an empty folder the user cannot write was replaced by a new one, its permissions lost
    real = os.access  # (the os module's: click's checks read it too)
    locked = str(tmp_path / "locked")
    monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK and real(p, mode)
                        if str(p) == locked else real(p, mode))  # fmt: skip
    result = invoke("train", "digits", *QUICK, "--out", tmp_path / "locked")
    refused(result, "is a folder you cannot write to; choose another.")
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(outputs.tempfile, "TemporaryFile", _permission_denied)
    result = invoke("train", "digits", *QUICK)  # no --out typed: the default's name said
    refused(result, "cannot write --out run (the default RUN folder) under ")


def _permission_denied(*args, **kwargs):
    raise PermissionError(13, "Permission denied")


def test_a_finished_checkpoint_is_said_finished(tmp_path):
    # "holds a run already (at epoch 1); pass --resume to continue it" of a run with nothing
    # left to train: rerun as it was (a daily script), --resume did nothing
    first = ["train", "digits", *QUICK, "--checkpoint", tmp_path / "CK", "--no-figures"]
    ok(invoke(*first, "--out", tmp_path / "a"))
    result = invoke(*first, "--out", tmp_path / "b")
    refused(result, "holds a finished run (1 epoch): choose another folder (or remove this one) "
            "to train afresh, or pass --resume to write the RUN of that run (if its command "
            "stopped before it did), or with a larger --epochs to train it on.")  # fmt: skip
    # a value fit refuses is said as the parameter check says it (before the checkpoint is
    # read), not as Python's "'>=' not supported"
    auto = ["train", "digits", "--model", "ae", "--param", 'max_iter="auto"', "--quiet"]
    refused(invoke(*auto, "--checkpoint", tmp_path / "CK", "--out", tmp_path / "d"),
            "The 'max_iter' parameter of Autoencoder must be an int")  # fmt: skip
    longer = [word if word != 1 else 2 for word in first]  # --epochs 2: one epoch left to go
    refused(invoke(*longer, "--out", tmp_path / "c"), "holds a run already (at epoch 1)")
    ok(invoke(*longer, "--resume", "--out", tmp_path / "c"))
    # info's values wrap in a narrow (or piped: 80 columns) table; they were cut with '…'
    from aekit.core import checkpoint

    fingerprint = checkpoint.read(tmp_path / "CK" / "checkpoint.safetensors")[0]["fingerprint"]
    shown = runner.invoke(app, ["info", str(tmp_path / "CK")], env={"COLUMNS": "60"}).output
    assert fingerprint in "".join(c for c in shown if c.isalnum()), shown


def test_running_out_of_memory_is_one_line(capsys):
    # 'aekit generate RUN -n 100000000' ended in 40 lines of numpy's traceback
    from aekit.cli.running import _command_status

    def app(standalone_mode: bool) -> None:
        raise MemoryError("Unable to allocate 2.98 GiB for an array with shape (100000000, 8)")

    assert _command_status(app, debug=False) == 1
    said = capsys.readouterr().err
    assert said == (
        "aekit: error: out of memory: Unable to allocate 2.98 GiB for an array with shape "
        "(100000000, 8); ask for less at once (fewer rows, a smaller -n) or free memory.\n"
    )


def test_torchs_allocation_failures_are_one_line_and_other_runtime_errors_are_not(capsys):
    from aekit.cli.running import _command_status

    def failing(error):
        def app(standalone_mode: bool) -> None:
            raise error

        return app

    torch_said = (
        "DefaultCPUAllocator: can't allocate memory: you tried to allocate 3200000000 bytes"
    )
    assert _command_status(failing(RuntimeError(torch_said)), debug=False) == 1
    assert capsys.readouterr().err.startswith(f"aekit: error: out of memory: {torch_said}; ")
    with pytest.raises(RuntimeError, match="a bug"):  # not said as out of memory
        _command_status(failing(RuntimeError("a bug")), debug=False)


def test_a_name_that_is_no_utf8_is_refused_before_anything_is_written(capsys, monkeypatch):
    # 'aekit train digits --out $'R\xff'' exited 0, and no command could read that RUN back
    from aekit.cli.running import _command_status

    ran = []
    monkeypatch.setattr(sys, "argv", ["aekit", "train", "digits", "--out", os.fsdecode(b"R\xff")])
    assert _command_status(lambda standalone_mode: ran.append(1), debug=False) == 2
    assert not ran
    said = capsys.readouterr().err
    assert said.startswith("aekit: error: b'R\\xff' is not UTF-8 text")
    assert "'aekit train' records the names of its files in the RUN it writes" in said


@pytest.mark.parametrize("command", ["score", "info", "encode"])
def test_a_name_that_is_no_utf8_is_refused_in_the_commands_own_words(command, capsys, monkeypatch):
    # 'aekit score RUN bad\xff.csv' gave train's reason, a RUN's config.toml it never writes
    from aekit.cli.running import _command_status

    monkeypatch.setattr(sys, "argv", ["aekit", command, "RUN", os.fsdecode(b"bad\xff.csv")])
    assert _command_status(lambda standalone_mode: None, debug=False) == 2
    said = capsys.readouterr().err
    assert (
        said.startswith("aekit: error: b'bad\\xff.csv' is not UTF-8 text") and "\n" not in said[:-1]
    )
    assert f"'aekit {command}' names the files it reads and writes in the lines it prints" in said
    assert "config.toml" not in said
