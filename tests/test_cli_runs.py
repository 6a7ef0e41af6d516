"""Issue 20, missing features: ``aekit train --checkpoint DIR [--resume]`` and what a RUN records
of its training (rows, time, date), which ``aekit info`` shows."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import ok, refused
from typer.testing import CliRunner

from aekit.cli import app
from aekit.cli.errors import for_the_command_line

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
    # info describes the checkpoint (it was refused as "not a finished run"), folder or file
    for given in (tmp_path / "ck", tmp_path / "ck" / "checkpoint.safetensors"):
        described = invoke("info", given)
        assert described.exit_code == 0, described.output
        assert "training checkpoint" in described.output and "--resume" in described.output
        assert re.search(r"epochs done\W+2\b", described.output)
    again = invoke(*first, "--param", "max_iter=3", "--out", tmp_path / "B")
    assert "pass --resume" in str(again.exception)  # never continued by accident
    # another run's checkpoint: refused, without first saying it was resumed
    other = invoke(*first, "--param", "max_iter=3", "--param", "latent_dim=1", "--resume",
                   "--out", tmp_path / "X")  # fmt: skip
    assert "belongs to another run" in str(other.exception)
    # naming what differs, and the command line's option (it said "different parameters or
    # data. Use a new checkpoint_dir", user review)
    said = for_the_command_line(str(other.exception))
    assert "(latent_dim 2, now 1)" in said and "or use another --checkpoint folder" in said, said
    # and how to go on with it instead, in options (it said to remove it alone)
    assert said.endswith("; or, to go on with it, pass --param latent_dim=2 as it was."), said
    assert "resumed" not in other.output and not (tmp_path / "X").exists()
    result = invoke(*first, "--param", "max_iter=3", "--resume", "--out", tmp_path / "B")
    assert result.exit_code == 0, result.output
    assert "resumed from epoch 2" in result.output and "3 epochs" in result.output
    # on stderr: under --quiet it was stdout's first line, before the results a script reads
    assert "resumed" in result.stderr and "resumed" not in result.stdout
    assert len(pd.read_csv(tmp_path / "B" / "metrics.csv")) == 3
    # its training time is this command's alone, and said so (it read as the whole run's)
    assert (
        tomllib.loads((tmp_path / "B" / "config.toml").read_text())["run"]["resumed_from_epoch"]
        == 2
    )
    assert "(resumed from epoch 2: this part alone)" in invoke("info", tmp_path / "B").output
    shown = invoke("train", data, *QUICK, "--checkpoint", tmp_path / "ck", "--resume",
                   "--param", "max_iter=3", "--out", tmp_path / "D")  # fmt: skip
    assert shown.output.count("resumed from epoch 3") == 1  # the bar's line, not twice
    # --param checkpoint_dir resumes without --resume (torchrun's restarts rerun the command
    # as it was): the progress bar says so
    direct = invoke("train", data, *QUICK, "--param", f"checkpoint_dir={tmp_path / 'ck'}",
                    "--param", "max_iter=3", "--out", tmp_path / "E")  # fmt: skip
    assert direct.exit_code == 0 and "resumed from epoch 3" in direct.output
    (tmp_path / "empty").mkdir()
    empty = invoke("train", data, "--resume", "--checkpoint", tmp_path / "empty", "--out", "C")
    assert "holds no checkpoint" in str(empty.exception)
    assert "run the command without --resume to start afresh" in str(empty.exception)
    # a folder that is not there (a typo, another working folder): not "start afresh", which
    # would lose the epochs of the folder the user meant
    missing = invoke("train", data, "--resume", "--checkpoint", tmp_path / "none", "--out", "C")
    assert f"there is no folder {tmp_path / 'none'}" in str(missing.exception)
    assert "afresh" not in str(missing.exception) and not Path("C").exists()
    info = invoke("info", tmp_path / "B")
    assert info.exit_code == 0, info.output
    assert "30" in next(line for line in info.output.splitlines() if "rows" in line)
    assert "training time" in info.output and "date" in info.output


def test_detect_impute_and_train_hasher_leave_a_record_report_reads(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=list("abc"))
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.iloc[3, 1] = np.nan
    frame.to_csv(tmp_path / "holes.csv", index=False)
    tiny = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]"]
    commands = {
        "D": ["detect", tmp_path / "t.csv", "--param", "n_estimators=1"],
        "I": ["impute", tmp_path / "holes.csv", "-o", tmp_path / "f.csv", *tiny, "--quiet"],
        "H": ["train-hasher", tmp_path / "t.csv", "--epochs", 2, "--bits", 8, "--quiet"],
    }
    for name, words in commands.items():
        result = invoke(*words, "--out", tmp_path / name)
        assert result.exit_code == 0, result.output
        run = tmp_path / name
        assert (run / "model.safetensors").is_file() and (run / "metrics.csv").is_file()
        assert (run / "command.txt").read_text().startswith(f"aekit {words[0]} ")
        assert "rows = 40" in (run / "config.toml").read_text()
        assert invoke("report", run).exit_code == 0 and (run / "report.html").is_file()
    assert "--bits 8 --epochs 2" in (tmp_path / "H" / "command.txt").read_text()
    # The older spelling --out NAME.safetensors still writes the model file alone.
    words = commands["H"]
    assert invoke(*words, "--out", tmp_path / "h.safetensors").exit_code == 0
    assert (tmp_path / "h.safetensors").is_file()


def test_train_no_figures_leaves_a_run_without_figures_that_scores_as_one_with_them(tmp_path):
    # train always drew RUN/figures/*.png (about a second of CPU on the digits, more on a
    # loaded machine), wanted or not.
    data = tmp_path / "t.csv"
    pd.DataFrame(np.random.default_rng(0).normal(size=(40, 3)), columns=list("abc")).to_csv(
        data, index=False
    )
    for name, flags in (("F", []), ("N", ["--no-figures"])):
        result = invoke("train", data, *QUICK, "--epochs", 2, "--quiet", *flags, "--out",
                        tmp_path / name)  # fmt: skip
        assert result.exit_code == 0, result.output
    assert list((tmp_path / "F" / "figures").glob("*.png"))  # drawn by default
    run = tmp_path / "N"
    assert not (run / "figures").exists() and not list(run.rglob("*.png"))
    # the same model: figures are drawn after training, from the trained model
    for name in ("F", "N"):
        assert invoke("score", tmp_path / name, data, "-o", tmp_path / f"{name}.csv").exit_code == 0
    scores = [pd.read_csv(tmp_path / f"{name}.csv")["score"] for name in ("F", "N")]
    pd.testing.assert_series_equal(*scores)
    # info and report read such a RUN (report: without figures, and says so)
    info = invoke("info", run)
    assert info.exit_code == 0 and "Autoencoder" in info.output, info.output
    reported = invoke("report", run)
    assert reported.exit_code == 0
    # said where the command is typed too, with the command that draws them
    again = f"'aekit train --config {run} --out {run}-figures' trains it again, with them"
    assert f"no figures: the run was made with --no-figures; {again}" in reported.output
    page = html.unescape((run / "report.html").read_text())
    assert f"No figures: the run was made with --no-figures; {again}." in page
    ok(invoke("train", "--config", run, "--out", f"{run}-figures", "--quiet"))  # as it says
    assert list(Path(f"{run}-figures", "figures").glob("*.png"))
    assert "Not in this run folder" not in page  # not lost: never drawn
    # its command.txt makes the same folder again, figures left out
    assert " --no-figures --out " in (run / "command.txt").read_text()
    (run / "command.txt").write_text("aekit train digits --out N\n")  # a run that drew them
    (run / "figures").mkdir()
    reported = invoke("report", run)
    assert reported.exit_code == 0 and "no figures" not in reported.output
    assert "No figures: figures/ holds no .png." in (run / "report.html").read_text()


def test_a_damaged_config_toml_is_named_not_ignored(tmp_path):
    # ignored, the label column it records was read as a feature and the error blamed DATA
    data = tmp_path / "t.csv"
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(30, 3)), columns=list("abc"))
    frame.assign(kind=np.arange(30) % 2).to_csv(data, index=False)
    run = tmp_path / "RUN"
    trained = invoke("train", data, *QUICK, "--quiet", "--epochs", 1, "--label-column", "kind",
                     "--out", run)  # fmt: skip
    assert trained.exit_code == 0, trained.output
    config = run / "config.toml"
    config.write_text(config.read_text()[:40] + "\n[data\n")
    commands = (
        ["encode", run, data, "-o", tmp_path / "z.npy"],
        ["score", run, data, "-o", tmp_path / "s.csv"],
        ["info", run],
        ["report", run],
    )
    for command in commands:
        message = refused(invoke(*command), f"cannot read {config}: ", "train the run again")
        assert "DATA" not in message and "\n" not in message
    assert not (tmp_path / "z.npy").exists() and not (run / "report.html").exists()
    config.write_bytes(b"\xff\xfe not text")
    refused(invoke("info", run), f"cannot read {config}: ")


def test_a_damaged_checkpoint_says_how_to_start_afresh(tmp_path):
    # cut short: --resume said "not a readable aekit file (truncated or corrupt?)" with no fix,
    # and without --resume "holds a run already; pass --resume": a loop
    data = tmp_path / "t.csv"
    pd.DataFrame(np.random.default_rng(0).normal(size=(30, 3)), columns=list("abc")).to_csv(
        data, index=False
    )
    ck = tmp_path / "ck"
    train = ["train", data, *QUICK, "--quiet", "--checkpoint", ck, "--epochs"]
    assert invoke(*train, 1, "--out", tmp_path / "A").exit_code == 0
    saved = ck / "checkpoint.safetensors"
    with saved.open("r+b") as handle:
        handle.truncate(saved.stat().st_size // 2)
    afresh = f"remove {saved} to train afresh, or use another --checkpoint folder."
    for resume in (["--resume"], []):
        message = refused(invoke(*train, 2, *resume, "--out", tmp_path / "B"), "truncated")
        assert for_the_command_line(message, {"checkpoint"}).endswith(afresh)
        assert "pass --resume" not in message
    # a checkpoint folder given as RUN: "no aekit run or model file here"
    checkpoint_as_run = invoke("encode", ck, data, "-o", tmp_path / "z.npy")
    refused(
        checkpoint_as_run,
        f"{ck} holds a training checkpoint",
        "not a RUN: give the RUN folder that 'aekit train --out' wrote",
    )
    # 'aekit info' takes no --checkpoint: it is not offered there
    said = for_the_command_line(refused(invoke("info", ck), "truncated"), set())
    assert said.endswith(f"remove {saved} to train afresh."), said
    saved.unlink()  # as the message says
    assert invoke(*train, 2, "--out", tmp_path / "B").exit_code == 0


def test_report_of_a_folder_that_is_no_run_names_the_commands_that_write_one(tmp_path):
    """It said "not a RUN folder from 'aekit train'", though detect's and the others' are RUNs."""
    (tmp_path / "empty").mkdir()
    message = for_the_command_line(
        refused(CliRunner().invoke(app, ["report", str(tmp_path / "empty")]))
    )
    assert "is not a RUN folder (it has no metrics.csv)" in message
    assert "'detect'" in message
    # a RUN that lost its metrics.csv: 'info' and 'score' read it, and report said "not a RUN"
    (tmp_path / "empty" / "config.toml").write_text('[model]\nclass = "Autoencoder"\n')
    with pytest.warns(UserWarning, match="a RUN folder without its metrics.csv"):
        result = CliRunner().invoke(app, ["report", str(tmp_path / "empty")])
    assert result.exit_code == 0 and (tmp_path / "empty" / "report.html").exists(), result.output


def test_a_default_run_folder_in_the_way_is_said_to_be_the_default(tmp_path, monkeypatch):
    # a user who never typed --out was told "--out run exists ...", a folder of an earlier run
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "config.toml").write_text("")
    said = refused(invoke("train", "digits", "--epochs", "1"), "(the default RUN folder)")
    assert said.startswith("--out run (the default RUN folder) exists and is not empty"), said
    refused(invoke("train", "digits", "--out", "run"), "--force to replace it")


def test_a_run_given_as_data_is_said_so(tmp_path):
    # its figures were read as an image folder: "the images ... have different sizes; pass
    # --image-size H,W" (user review)
    run = tmp_path / "RUN"
    ok(invoke("train", "digits", "--epochs", "1", "--quiet", "--out", run))
    said = refused(invoke("detect", run, "--out", tmp_path / "DET"), "is an aekit RUN folder")
    assert said.endswith(f"named in {run / 'command.txt'}).") and not (tmp_path / "DET").exists()
    # its model file, or compressed rows, were "not a table ... renamed: .csv" (review)
    model = run / "model.safetensors"
    said = refused(invoke("encode", run, model, "-o", tmp_path / "z.csv"), "not a table")
    assert said.endswith(f"{model} is an aekit model: give it where a command takes RUN.")
    (tmp_path / "x.aek").write_bytes(b"AEKC" + bytes(60))
    said = refused(
        invoke("encode", run, tmp_path / "x.aek", "-o", tmp_path / "z.csv"), "compressed rows"
    )
    assert said.endswith(
        f"'aekit decompress COMPRESSOR {tmp_path / 'x.aek'} -o rows.csv' gives them back."
    )


def test_a_run_path_that_does_not_exist_is_said_so(tmp_path):
    # "no aekit run or model file here" for a mistyped path that is nothing at all
    said = refused(invoke("info", tmp_path / "nothere"), "no such file or folder")
    assert said.endswith("nothere: no such file or folder (a RUN folder or a model file)."), said
    (tmp_path / "empty").mkdir()
    refused(invoke("info", tmp_path / "empty"), "no aekit run or model file here")
    # a RUN whose model.safetensors was removed said the same, naming nothing (user review)
    (tmp_path / "empty" / "config.toml").write_text('[model]\nclass = "Autoencoder"\n')
    said = refused(invoke("score", tmp_path / "empty", "digits", "-o", tmp_path / "s.csv"))
    assert said.endswith("is a RUN folder without its model.safetensors (moved or deleted?); "
                         "put the file back, or train the run again."), said  # fmt: skip


def test_under_torchrun_a_checkpoint_seen_by_one_process_names_the_shared_folder(
    tmp_path, monkeypatch
):
    # each machine's own --checkpoint folder: rank 1 was told to start afresh, rank 0 to pass
    # --resume, round and round (user review)
    from aekit.cli.resuming import checkpoint_epoch

    (tmp_path / "ck").mkdir()
    said = "Under torchrun every process must see the same --checkpoint folder"
    with pytest.raises(ValueError) as alone:
        checkpoint_epoch(tmp_path / "ck", resume=True)
    assert said not in str(alone.value)
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(ValueError, match=r"holds no checkpoint .* \(on several machines: a shared"):
        checkpoint_epoch(tmp_path / "ck", resume=True)


def test_another_kind_of_model_resuming_a_checkpoint_names_both_kinds(tmp_path):
    # it said "another kind of model: beta, binarize, ... belong to one of the two"
    checkpoint = tmp_path / "ck"
    ok_run = invoke("train", "digits", *QUICK, "--quiet", "--epochs", "1",
                    "--checkpoint", checkpoint, "--out", tmp_path / "A")  # fmt: skip
    assert ok_run.exit_code == 0, ok_run.output
    other = invoke("train", "digits", "--model", "vae", "--quiet", "--epochs", "2",
                   "--checkpoint", checkpoint, "--resume", "--out", tmp_path / "B")  # fmt: skip
    said = for_the_command_line(str(other.exception))
    assert (
        "belongs to another run (it holds an Autoencoder, this is a VariationalAutoencoder" in said
    )
    assert "beta" not in said and not (tmp_path / "B").exists()
