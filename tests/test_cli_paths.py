"""Paths on the command line as users type them: non-ASCII names under a legacy locale, a
quoted ``~``, a symbolic link given as ``--out`` or ``-o``."""

from __future__ import annotations

import os
import subprocess
import sys

SMALL = ["--model", "ae", "--epochs", "1", "--quiet", "--param", "hidden_layer_sizes=[8]"]
# the tests run in this process look at no RUN's figures (drawing them: 1-2 s a training)
FAST = [*SMALL, "--no-figures"]


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

    from aekit.cli import impute_tables

    table = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 3)), columns=list("abc"))
    table.iloc[::7, 1] = np.nan
    table.to_csv(tmp_path / "holes.csv", index=False)
    command = ["impute", tmp_path / "holes.csv", "-o", tmp_path / "filled.csv", "--quiet",
               "--param", "max_iter=2", "--out", tmp_path / "RUN"]  # fmt: skip

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(impute_tables, "write_filled", full_disk)
    failed = invoke(*command)
    assert isinstance(failed.exception, OSError)
    assert not (tmp_path / "RUN").exists() and not (tmp_path / "filled.csv").exists()
    monkeypatch.undo()
    ok(invoke(*command))
    assert (tmp_path / "RUN" / "model.safetensors").is_file() and (
        tmp_path / "filled.csv"
    ).is_file()


def test_a_quoted_tilde_is_the_home_folder_as_the_shell_would_have_it(tmp_path, monkeypatch):
    # --out "~/tr" made a folder named "~" here, trained, then failed writing metrics.csv
    # (pandas expands "~") and lost the run; -o "~/z.csv" advised creating the folder "~"
    from cli_helpers import invoke, ok

    home, here = tmp_path / "home", tmp_path / "here"
    home.mkdir(), here.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(here)
    ok(invoke("train", "digits", *FAST, "--out", "~/tr"))
    assert (home / "tr" / "metrics.csv").is_file() and not (here / "~").exists()
    ok(invoke("encode", "~/tr", "digits", "-o", "~/z.csv"))
    assert (home / "z.csv").is_file() and not (here / "~").exists()


def test_a_symbolic_link_as_out_is_refused_before_any_work(tmp_path):
    # --out LINK --force moved the link aside as .LINK.replaced, which rmtree never removed:
    # every later --force trained and then failed ("Not a directory")
    from cli_helpers import invoke, refused

    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    message = refused(invoke("train", "digits", *FAST, "--out", tmp_path / "link", "--force"),
                      "is a symbolic link (to ", "give the folder itself")  # fmt: skip
    assert "\n" not in message and sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_a_symbolic_link_as_o_is_refused_as_out_is_and_nothing_changes(tmp_path):
    # -o LINK replaced the link with a plain file of the scores, the file it led to unchanged
    # and unsaid, while --out LINK was refused
    from cli_helpers import invoke, ok, refused

    run = tmp_path / "RUN"
    ok(invoke("train", "digits", *FAST, "--out", run))
    target, link, dangling = tmp_path / "kept.csv", tmp_path / "latest.csv", tmp_path / "d.csv"
    target.write_text("old\n")
    link.symlink_to(target)
    dangling.symlink_to(tmp_path / "nowhere.csv")
    for path in (link, dangling):
        said = f"-o/--output {path} is a symbolic link (to "
        message = refused(invoke("score", run, "digits", "-o", path), said, "give the file itself")
        assert "\n" not in message and path.is_symlink()
    assert target.read_text() == "old\n" and not (tmp_path / "nowhere.csv").exists()
    device = tmp_path / "null.csv"  # a link to a device is written through
    device.symlink_to(os.devnull)
    ok(invoke("score", run, "digits", "-o", device))
    assert device.is_symlink()


def test_a_failed_command_removes_the_folders_its_out_made(tmp_path, monkeypatch):
    # --out a/b/RUN creates a/b; a command failing after that left them behind
    from cli_helpers import invoke

    from aekit.cli import runs

    def fails(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runs, "write_metrics", fails)
    failed = invoke("train", "digits", *FAST, "--out", tmp_path / "a" / "b" / "RUN")
    assert isinstance(failed.exception, OSError) and list(tmp_path.iterdir()) == []


def test_a_run_replaced_while_a_command_reads_it_is_refused(tmp_path, monkeypatch):
    # a score during a --force retrain read the old run's config.toml and the new run's model:
    # "DATA has ['city'], which fit did not have"
    from cli_helpers import invoke, ok, refused

    from aekit.cli import runs

    for name in ("RUN", "NEW"):
        ok(invoke("train", "digits", *FAST, "--out", tmp_path / name))
    ok(invoke("score", tmp_path / "RUN", "digits", "-o", tmp_path / "s.csv"))  # read whole
    original = runs.model_path

    def retrained_meanwhile(run):  # config.toml read; the model not yet
        (tmp_path / "RUN").rename(tmp_path / "OLD")
        (tmp_path / "NEW").rename(tmp_path / "RUN")
        return original(run)

    monkeypatch.setattr(runs, "model_path", retrained_meanwhile)
    replaced = invoke("score", tmp_path / "RUN", "digits", "-o", tmp_path / "t.csv")
    refused(replaced, "was replaced by another aekit command while this one read it")
    assert not (tmp_path / "t.csv").exists()
    monkeypatch.undo()
    ok(invoke("score", tmp_path / "RUN", "digits", "-o", tmp_path / "t.csv"))  # a new command


def test_a_run_holding_another_runs_model_file_is_refused(tmp_path):
    # a detector's RUN holding an autoencoder was scored as one ("DATA has 64 columns but the
    # model takes ...") and exported as one, exit 0
    import shutil

    from cli_helpers import invoke, ok, refused

    ok(invoke("train", "digits", *FAST, "--out", tmp_path / "AE"))
    ok(
        invoke(
            "detect", "digits", "--quiet", "--param", "n_estimators=1", "--out", tmp_path / "DET"
        )
    )
    shutil.copy(tmp_path / "AE" / "model.safetensors", tmp_path / "DET" / "model.safetensors")
    words = ("records the model class AnomalyDetector", "holds a model of class Autoencoder")
    for command in (
        ["info"],
        ["score", "-o", tmp_path / "s.csv"],
        ["export", "-o", tmp_path / "e"],
    ):
        args = [command[0], tmp_path / "DET", *(["digits"] if command[0] == "score" else [])]
        refused(invoke(*args, *command[1:]), *words)
    assert not (tmp_path / "s.csv").exists() and not (tmp_path / "e").exists()
    ok(invoke("info", tmp_path / "AE"))  # its own model: as before


def test_a_run_whose_config_records_no_aekit_class_blames_its_config(tmp_path):
    # class = "os:system" in config.toml was blamed on the model file ("the model file was
    # replaced ...; put back the run's own model file"), which is the run's own
    import numpy as np
    from cli_helpers import invoke, refused

    import aekit

    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    np.save(tmp_path / "X.npy", X)
    run = tmp_path / "RUN"
    aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X).save(
        run / "model.safetensors"
    )
    (run / "config.toml").write_text('[model]\nclass = "os:system"\n')
    said = (
        f"{run}'s config.toml records the model class 'os:system', which is no class aekit "
        "writes: config.toml was edited or damaged; put back the run's own config.toml, or "
        "train the run again."
    )
    assert refused(invoke("info", run)) == said
    assert refused(invoke("score", run, tmp_path / "X.npy", "-o", tmp_path / "s.csv")) == said
    assert not (tmp_path / "s.csv").exists()
