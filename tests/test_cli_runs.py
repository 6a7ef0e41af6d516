"""Issue 20, missing features: ``aekit train --checkpoint DIR [--resume]`` and what a RUN records
of its training (rows, time, date), which ``aekit info`` shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from aekit.cli import app

runner = CliRunner()
QUICK = ["--model", "ae", "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_checkpointed_run_resumes_where_it_stopped(tmp_path):
    data = tmp_path / "t.csv"
    pd.DataFrame(np.random.default_rng(0).normal(size=(30, 3)), columns=list("abc")).to_csv(
        data, index=False
    )
    first = ["train", data, *QUICK, "--quiet", "--checkpoint", tmp_path / "ck"]
    assert invoke(*first, "--param", "max_iter=2", "--out", tmp_path / "A").exit_code == 0
    again = invoke(*first, "--param", "max_iter=3", "--out", tmp_path / "B")
    assert "pass --resume" in str(again.exception)  # never continued by accident
    result = invoke(*first, "--param", "max_iter=3", "--resume", "--out", tmp_path / "B")
    assert result.exit_code == 0, result.output
    assert "resumed from epoch 2" in result.output and "3 epochs" in result.output
    assert len(pd.read_csv(tmp_path / "B" / "metrics.csv")) == 3
    missing = invoke("train", data, "--resume", "--checkpoint", tmp_path / "none", "--out", "C")
    assert "holds no checkpoint" in str(missing.exception)
    info = invoke("info", tmp_path / "B")
    assert info.exit_code == 0, info.output
    assert "30" in next(line for line in info.output.splitlines() if "rows" in line)
    assert "training time" in info.output and "date" in info.output
