"""A RUN records the warnings its command printed (config.toml's [run] warnings), which
``aekit report`` and ``aekit info`` show: a report of a model that had not learned said
nothing of it (a new user's pass). Run by ``aekit.cli.run``, which prints warnings with the
command line's own printer, as the ``aekit`` process does."""

from __future__ import annotations

import re
import tomllib

import pytest
from cli_helpers import invoke, ok

from aekit.cli import run as run_in_process


# the suite ignores a ConvergenceWarning (pyproject.toml); the aekit process says it
@pytest.mark.filterwarnings("default::sklearn.exceptions.ConvergenceWarning")
def test_a_runs_warnings_are_kept_and_shown(tmp_path, capsys):
    run = tmp_path / "RUN"
    command = ["train", "digits", "--model", "ae", "--epochs", "1", "--quiet", "--no-figures"]
    command += ["--param", "hidden_layer_sizes=[8]", "--out", str(run)]
    status = run_in_process(command)
    stderr = capsys.readouterr().err
    assert status == 0, stderr
    said = [line.removeprefix("aekit: warning: ") for line in stderr.splitlines()]
    said = [line for line in said if "has not learned" in line]
    recorded = tomllib.loads((run / "config.toml").read_text())["run"]["warnings"]
    assert said and recorded == said  # as printed, in the command line's words
    ok(invoke("report", run))
    page = (run / "report.html").read_text()
    assert "The run warned: Autoencoder: after 1 epoch (--epochs 1)" in page
    info = ok(invoke("info", run)).output
    cells = " ".join(re.sub(r"[│┌┐└┘─┬┴┼├┤]", " ", info).split())  # the table's text, unwrapped
    assert "warnings" in cells and "it has not learned" in cells
