"""``aekit train --config RUN/config.toml`` from another folder than the run's: the relative
paths config.toml records ([data] path, labels_file) lead where they led when the run was
trained (its [run] directory), not to files of the same names in the current folder. And what
is wrong in the file is said as the file's, not as an option the user never typed."""

import re
import tomllib

import numpy as np
import pandas as pd
import pytest
import tomli_w
from cli_helpers import invoke, ok, refused

from aekit.cli.common import load_run

TRAIN = ["--epochs", "1", "--param", "hidden_layer_sizes=[8]", "--quiet", "--no-figures"]


def _table(path, columns: int, seed: int) -> None:
    rows = np.random.default_rng(seed).normal(size=(60, columns))
    pd.DataFrame(rows, columns=[f"c{i}" for i in range(columns)]).to_csv(path, index=False)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A run trained in project/ on data.csv (6 columns), and elsewhere/ holding a data.csv of
    its own (3 columns) from which the user now works."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    _table(project / "data.csv", 6, seed=0)
    _table(elsewhere / "data.csv", 3, seed=1)
    monkeypatch.chdir(project)
    ok(invoke("train", "data.csv", "--out", "run", *TRAIN))
    monkeypatch.chdir(elsewhere)
    return project


def _config(run) -> dict:
    return tomllib.loads((run / "config.toml").read_text())


def test_the_config_of_a_run_trained_elsewhere_trains_its_own_data(project, tmp_path):
    config = project / "run" / "config.toml"
    assert _config(project / "run")["run"]["directory"] == str(project)
    ok(invoke("train", "--config", config, "--out", "again", *TRAIN))
    again = tmp_path / "elsewhere" / "again"
    # the same 6 columns and the same losses: project/data.csv, not elsewhere's 3-column file
    assert (again / "metrics.csv").read_text() == (project / "run" / "metrics.csv").read_text()
    # the RUN folder itself reads as its config.toml (it was "[Errno 21] Is a directory")
    ok(invoke("train", "--config", project / "run", "--out", "folder", *TRAIN))
    assert (again / "metrics.csv").read_text() == (
        tmp_path / "elsewhere" / "folder" / "metrics.csv"
    ).read_text()
    assert _config(again)["data"]["path"] == str(project / "data.csv")
    assert str(project / "data.csv") in (again / "command.txt").read_text()


def test_data_given_on_the_command_line_is_read_from_here(project, tmp_path):
    ok(invoke("train", "data.csv", "--config", project / "run" / "config.toml", "--out", "mine",
              *TRAIN))  # fmt: skip
    assert _config(tmp_path / "elsewhere" / "mine")["data"]["path"] == "data.csv"
    assert load_run(tmp_path / "elsewhere" / "mine").n_features_in_ == 3


def test_recorded_data_no_longer_there_is_named_with_where_it_was_looked_for(project):
    (project / "data.csv").unlink()
    result = invoke("train", "--config", project / "run" / "config.toml", "--out", "x")
    message = refused(result, "[data] path 'data.csv'", str(project), "give DATA on the command")
    assert "elsewhere" not in message, message


def test_an_older_config_without_its_directory_reads_from_here(project, tmp_path):
    document = _config(project / "run")
    del document["run"]["directory"]
    older = tmp_path / "older.toml"
    older.write_text(tomli_w.dumps(document))
    ok(invoke("train", "--config", older, "--out", "old", *TRAIN))
    assert load_run(tmp_path / "elsewhere" / "old").n_features_in_ == 3


def _labelled_run(project, monkeypatch) -> None:
    """project/run: a ConditionalVAE trained in project on X.npy with --labels y.npy."""
    project.mkdir()
    rows = np.random.default_rng(0).normal(size=(60, 5)).astype(np.float32)
    np.save(project / "X.npy", rows)
    np.save(project / "y.npy", np.arange(60) % 3)
    monkeypatch.chdir(project)
    ok(invoke("train", "X.npy", "--labels", "y.npy", "--out", "run", "--model", "cvae", *TRAIN))


def test_a_relative_labels_file_follows_its_data(tmp_path, monkeypatch):
    project = tmp_path / "project"
    _labelled_run(project, monkeypatch)
    cvae = ["--model", "cvae", *TRAIN]
    monkeypatch.chdir(tmp_path)
    ok(invoke("train", "--config", project / "run" / "config.toml", "--out", "again", *cvae))
    recorded = _config(tmp_path / "again")["data"]
    assert recorded["labels_file"] == str(project / "y.npy")
    # 'aekit encode RUN DATA' of the run's own data finds the recorded labels from here too
    ok(invoke("encode", project / "run", project / "X.npy", "-o", "codes.csv"))
    assert (tmp_path / "codes.csv").is_file()


def test_the_config_of_a_detector_run_names_the_command_that_made_it(project, monkeypatch):
    monkeypatch.chdir(project)
    ok(invoke("detect", "data.csv", "--param", "n_estimators=1", "--quiet", "--out", "det"))
    refused(invoke("train", "--config", "det/config.toml", "--out", "x"),
            "its model, AnomalyDetector, is not one 'aekit train' trains",
            "det/command.txt: aekit detect data.csv --out det")  # fmt: skip
    assert not (project / "x").exists()
    # its data gone, it was asked for DATA first, which no DATA could make trainable
    (project / "data.csv").rename(project / "gone.csv")
    try:
        refused(invoke("train", "--config", "det", "--out", "x"), "its model, AnomalyDetector")
    finally:
        (project / "gone.csv").rename(project / "data.csv")


def test_info_shows_the_folder_the_run_was_trained_in(project):
    # the table's frame aside: a long path (or torch version) wraps inside its cell
    text = re.sub(r"[\s│]", "", ok(invoke("info", project / "run")).output)
    assert re.sub(r"\s", "", str(project)) in text


@pytest.mark.parametrize(
    "line, said",
    [
        ('latent_dim = "eight"', "its [params] latent_dim must be an int in the range [1, inf)"),
        (
            "latnt_dim = 3",
            "its [params]: VariationalAutoencoder has no parameter latnt_dim (did you mean "
            "latent_dim?); valid: ",
        ),
    ],
)
def test_a_bad_entry_of_the_config_is_named_as_the_files(project, tmp_path, line, said):
    text = (project / "run" / "config.toml").read_text()
    edited = tmp_path / "edited.toml"
    edited.write_text(re.sub(r"(?m)^latent_dim = .*$", line, text))
    message = refused(invoke("train", "--config", edited, "--out", "x", *TRAIN), said)
    assert message.startswith(f"--config {edited}: ") and "--param" not in message, message
    # a typed --param replaces the entry, which is then not read
    if "eight" in line:
        ok(invoke("train", "--config", edited, "--param", "latent_dim=2", "--out", "y", *TRAIN))


def test_a_moved_project_reads_its_files_where_they_are_now(tmp_path, monkeypatch):
    # the recorded folder is gone: the labels file was no longer applied (scores without their
    # labels, silently) and train --config was refused
    project = tmp_path / "p1"
    _labelled_run(project, monkeypatch)
    ok(invoke("score", "run", "X.npy", "-o", "before.csv"))
    moved = project.rename(tmp_path / "p2")
    monkeypatch.chdir(moved)
    ok(invoke("score", "run", "X.npy", "-o", "after.csv"))
    before, after = (pd.read_csv(moved / name) for name in ("before.csv", "after.csv"))
    pd.testing.assert_frame_equal(before, after)  # with the label column, as before the move
    ok(invoke("train", "--config", "run", "--out", "again", "--model", "cvae", *TRAIN))
    assert (moved / "again" / "metrics.csv").read_text() == (moved / "run/metrics.csv").read_text()


def test_an_npz_member_and_a_short_class_name_and_epochs_over_the_files(project, tmp_path):
    np.savez(project / "d.npz", X_train=np.random.default_rng(0).random((40, 6)))
    ok(invoke("train", project / "d.npz:X_train", "--out", project / "npz", *TRAIN))
    ok(invoke("train", "--config", project / "npz", "--out", "npz_again", *TRAIN))
    document = _config(project / "npz")
    document["model"]["class"] = "vae"  # as --model spells it, which train takes
    document["params"]["max_iter"] = 0  # replaced by --epochs, so not read
    edited = tmp_path / "edited.toml"
    edited.write_text(tomli_w.dumps(document))
    ok(invoke("train", "--config", edited, "--out", "edited", *TRAIN))


def test_a_folder_whose_name_is_not_utf8_is_not_recorded(tmp_path, monkeypatch):
    # config.toml held its raw bytes, and no command could read the RUN again
    import os

    folder = tmp_path / os.fsdecode(b"caf\xe9")
    folder.mkdir()
    monkeypatch.chdir(folder)
    ok(invoke("train", "digits", "--out", "run", "--model", "ae", *TRAIN))
    assert "directory" not in _config(folder / "run")["run"]
    ok(invoke("info", "run"))
