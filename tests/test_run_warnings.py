"""A RUN records the warnings its command printed (config.toml's [run] warnings), which
``aekit report`` and ``aekit info`` show: a report of a model that had not learned said
nothing of it (a new user's pass). Run as a process: the command line's own warning printer
is installed by its entry point alone."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from cli_helpers import invoke, ok


def test_a_runs_warnings_are_kept_and_shown(tmp_path):
    run = tmp_path / "RUN"
    command = [sys.executable, "-m", "aekit.cli", "train", "digits", "--model", "ae"]
    command += ["--epochs", "1", "--quiet", "--param", "hidden_layer_sizes=[8]", "--out", str(run)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    said = [line.removeprefix("aekit: warning: ") for line in done.stderr.splitlines()]
    said = [line for line in said if "has not learned" in line]
    recorded = tomllib.loads((run / "config.toml").read_text())["run"]["warnings"]
    assert said and recorded == said  # as printed, in the command line's words
    ok(invoke("report", run))
    page = (run / "report.html").read_text()
    assert "The run warned: Autoencoder: after 1 epoch (--epochs 1)" in page
    info = ok(invoke("info", run)).output
    cells = " ".join(re.sub(r"[│┌┐└┘─┬┴┼├┤]", " ", info).split())  # the table's text, unwrapped
    assert "warnings" in cells and "it has not learned" in cells
