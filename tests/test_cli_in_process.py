"""``aekit.cli.run``: the command line from Python (a notebook, a script), in this process. It
returns the exit status where ``aekit.cli.main`` ends the process (and takes its signals for
good), says errors and warnings as the command does, and leaves the process as it was."""

from __future__ import annotations

import signal
import sys
import tomllib
import warnings

import matplotlib.pyplot as plt
import pytest

from aekit.cli import run, runs
from aekit.viz import notebook_figures

QUICK = ["--epochs", 1, "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2"]


def process_state() -> tuple:
    """What a command line run in-process must leave as it found it."""
    handlers = tuple(signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM))
    return handlers, sys.excepthook, warnings.showwarning, list(warnings.filters), list(sys.argv)


def test_it_returns_the_status_and_leaves_the_process_as_it_was(tmp_path, capsys):
    before = process_state()
    assert run(["train", "digits", *QUICK, "--no-figures", "--quiet", "--out", tmp_path / "R"]) == 0
    assert (tmp_path / "R" / "model.safetensors").is_file()
    assert run(["info", tmp_path / "no such"]) == 2  # an input error: one line, status 2
    assert run(["train", "digits", "--no-such-option"]) == 2  # a wrong command line
    assert process_state() == before
    said = capsys.readouterr().err.splitlines()
    assert said[0].startswith("aekit: error: ") and "no such" in said[0]
    assert said[1].startswith("aekit: error: No such option: --no-such-option")


def test_one_string_is_split_as_a_shell_splits_it(tmp_path, capsys):
    assert run(f"info '{tmp_path / 'no such'}'") == 2
    assert f"{tmp_path / 'no such'}: no such file" in capsys.readouterr().err


def test_each_run_says_and_records_its_own_warnings(tmp_path, capsys):
    overcomplete = ["--model", "autoencoder", "--param", "latent_dim=64", "--no-figures", "--quiet"]
    assert run(["train", "digits", *QUICK, *overcomplete, "--out", tmp_path / "A"]) == 0
    warned = "latent_dim=64 is not smaller than the 64 input features"
    assert f"aekit: warning: {warned}" in capsys.readouterr().err
    record = tomllib.loads((tmp_path / "A" / "config.toml").read_text())["run"]
    assert any(line.startswith(warned) for line in record["warnings"])
    # the same warning in a second run is said again, and recorded in its RUN
    assert run(["train", "digits", *QUICK, *overcomplete, "--out", tmp_path / "B"]) == 0
    assert f"aekit: warning: {warned}" in capsys.readouterr().err
    record = tomllib.loads((tmp_path / "B" / "config.toml").read_text())["run"]
    assert any(line.startswith(warned) for line in record["warnings"])
    # a run that warns of nothing does not record the first one's
    assert run(["info", tmp_path / "A"]) == 0
    assert "aekit: warning" not in capsys.readouterr().err


def test_a_notebook_keeps_no_figure_of_a_run(tmp_path, monkeypatch):
    # in a kernel with the inline backend a new figure is pyplot's, which the cell shows and
    # pyplot keeps: a run's figures are for its files alone
    monkeypatch.setattr(notebook_figures, "_in_kernel", lambda: True)
    monkeypatch.setattr(notebook_figures, "_backend", lambda: notebook_figures.INLINE_BACKENDS[0])
    plt.close("all")
    assert run(["train", "digits", *QUICK, "--quiet", "--out", tmp_path / "R"]) == 0
    assert run(["reconstruct", tmp_path / "R", "digits", "-o", tmp_path / "grid.png"]) == 0
    assert list((tmp_path / "R" / "figures").glob("*.png")) and (tmp_path / "grid.png").is_file()
    assert plt.get_fignums() == []  # reconstruct's grid was pyplot's


def test_an_interrupt_is_raised_as_from_any_call(tmp_path, monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt  # as the kernel's "Interrupt" raises it, in the fit

    monkeypatch.setattr(runs, "Stopwatch", interrupted)
    with pytest.raises(KeyboardInterrupt):  # typer made it the status 130, quietly
        run(["train", "digits", *QUICK, "--out", tmp_path / "R"])
    assert "aekit: interrupted" in capsys.readouterr().err
    assert not (tmp_path / "R").exists()  # its staging folder removed
