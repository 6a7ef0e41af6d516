"""Paths on the command line as users type them: non-ASCII names under a legacy locale, a
quoted ``~``, a symbolic link given as ``--out``."""

from __future__ import annotations

import os
import subprocess
import sys

SMALL = ["--model", "ae", "--epochs", "1", "--quiet", "--param", "hidden_layer_sizes=[8]"]


def test_a_non_ascii_run_name_trains_under_a_legacy_locale(tmp_path):
    # config.toml and command.txt were written in the locale's encoding (ASCII under LC_ALL=C
    # without Python's UTF-8 mode) and read back as UTF-8: the run failed after training with
    # "'ascii' codec can't encode characters"
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    run = tmp_path / "entraîné"
    command = [sys.executable, "-m", "aekit.cli", "train", "digits", *SMALL, "--out", str(run)]
    done = subprocess.run(command, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert "entraîné" in (run / "command.txt").read_text(encoding="utf-8")
    again = [sys.executable, "-m", "aekit.cli", "info", str(run)]
    assert subprocess.run(again, env=env, capture_output=True, timeout=300).returncode == 0


def test_an_impute_that_fails_writing_its_table_leaves_no_new_run(tmp_path, monkeypatch):
    # the RUN was committed before the filled table was written: an interrupted or failed
    # command left a new imputer in RUN beside the old table (the audit: exit 143, RUN replaced)
    import numpy as np
    import pandas as pd
    from cli_helpers import invoke, ok

    from aekit.cli import applications

    table = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 3)), columns=list("abc"))
    table.iloc[::7, 1] = np.nan
    table.to_csv(tmp_path / "holes.csv", index=False)
    command = ["impute", tmp_path / "holes.csv", "-o", tmp_path / "filled.csv", "--quiet",
               "--param", "max_iter=2", "--out", tmp_path / "RUN"]  # fmt: skip

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(applications, "_write_filled", full_disk)
    failed = invoke(*command)
    assert isinstance(failed.exception, OSError)
    assert not (tmp_path / "RUN").exists() and not (tmp_path / "filled.csv").exists()
    monkeypatch.undo()
    ok(invoke(*command))
    assert (tmp_path / "RUN" / "model.safetensors").is_file() and (
        tmp_path / "filled.csv"
    ).is_file()
