"""``aekit finetune RUN DATA`` reads DATA's columns as RUN's model read them: the label column
RUN's training recorded is no feature, whichever label the fine-tuning takes."""

from __future__ import annotations

import shlex
import tomllib

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

import aekit
from aekit.cli.errors import for_the_command_line

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """Four numbers and two integer label columns, kind and grade."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 4)), columns=list("abcd"))
    frame["kind"] = rng.integers(0, 2, 120)
    frame["grade"] = rng.integers(0, 3, 120)
    folder = tmp_path_factory.mktemp("finetune")
    frame.to_csv(folder / "t.csv", index=False)
    return folder


def test_finetune_takes_the_label_train_recorded(table):
    run, out = table / "R", table / "F"
    ok(invoke("train", table / "t.csv", "--label-column", "kind", "--ignore-column", "grade",
              "--model", "ae", *QUICK, "--out", run, "--no-figures"))  # fmt: skip
    ok(invoke("finetune", run, table / "t.csv", "--epochs", 1, "--out", out, "--quiet"))
    model = aekit.load(out / "model.safetensors")
    assert list(model.feature_names_in_) == list("abcd") and list(model.classes_) == [0, 1]


def test_a_column_run_read_as_a_feature_is_no_label_and_its_label_no_feature(table):
    # RUN read grade as a feature and kind as its label: finetune --label-column grade read
    # kind as a feature in grade's place, silently (the widths matched)
    run = table / "R2"
    ok(invoke("train", table / "t.csv", "--label-column", "kind", "--model", "ae", *QUICK,
              "--out", run, "--no-figures"))  # fmt: skip
    result = invoke("finetune", run, table / "t.csv", "--label-column", "grade", "--epochs", 1,
                    "--out", table / "F2")  # fmt: skip
    # "has other columns than R2's model was trained on: --label-column grade is one of them"
    # read as if grade were one of the other columns
    refused(result, "--label-column grade is one of the model's features", "--ignore-column grade")
    assert "model was trained on, but not a label for it" in str(result.exception)
    assert not (table / "F2").exists()


def test_a_column_run_left_out_can_be_the_label_of_its_finetuning(table):
    # pretrain without grade, fine-tune on it: RUN's recorded --ignore-column grade was refused
    # as "the --label-column too"
    run, out = table / "R3", table / "F3"
    ok(invoke("train", table / "t.csv", "--label-column", "kind", "--ignore-column", "grade",
              "--model", "ae", *QUICK, "--out", run, "--no-figures"))  # fmt: skip
    ok(invoke("finetune", run, table / "t.csv", "--label-column", "grade", "--epochs", 1,
              "--out", out, "--quiet"))  # fmt: skip
    model = aekit.load(out / "model.safetensors")
    assert list(model.feature_names_in_) == list("abcd") and list(model.classes_) == [0, 1, 2]
    ok(invoke("predict", out, table / "t.csv", "-o", table / "p.csv"))
    # OUT records no left-out grade beside its label grade: config.toml and command.txt kept
    # both, and the recorded command was refused ("a column is one or the other")
    data = tomllib.loads((out / "config.toml").read_text())["data"]
    assert data["label_column"] == "grade" and "grade" not in data.get("ignore_columns", [])
    command = shlex.split((out / "command.txt").read_text())
    assert "--ignore-column" not in command
    ok(invoke(*[str(table / "F3b") if word == str(out) else word for word in command[1:]]))
    assert list(aekit.load(table / "F3b" / "model.safetensors").classes_) == [0, 1, 2]
    # typed, the two options still conflict
    result = invoke("finetune", run, table / "t.csv", "--label-column", "grade",
                    "--ignore-column", "grade", "--out", table / "F4")  # fmt: skip
    refused(result, "--ignore-column grade is the --label-column too")


def test_finetune_names_a_continuous_target_and_a_column_without_labels(table, tmp_path):
    # scikit-learn's "Unknown label type: continuous" and "X is empty: 0 sample(s)" were said
    run = table / "R"  # kind is its label: grade and a number column are others
    frame = pd.read_csv(table / "t.csv").assign(score=np.linspace(0, 1, 120))
    frame.to_csv(tmp_path / "s.csv", index=False)
    said = refused(invoke("finetune", run, tmp_path / "s.csv", "--label-column", "score",
                          "--ignore-column", "grade", "--out", tmp_path / "F"))  # fmt: skip
    assert "continuous numbers" in for_the_command_line(said)
    assert "--task regression" in for_the_command_line(said)
    frame.assign(score=np.nan).to_csv(tmp_path / "blank.csv", index=False)
    refused(invoke("finetune", run, tmp_path / "blank.csv", "--label-column", "score",
                   "--ignore-column", "grade", "--task", "regression", "--out", tmp_path / "G"),
            "no row of DATA", "has a label in its column 'score'")  # fmt: skip
    assert not (tmp_path / "F").exists() and not (tmp_path / "G").exists()


def test_a_recorded_id_column_taken_as_the_label_is_said_to_be_recorded(table, tmp_path):
    # "--id-column grade is the --label-column too" was said to a user who typed no --id-column
    run = tmp_path / "R"
    ok(invoke("train", table / "t.csv", "--label-column", "kind", "--id-column", "grade",
              "--model", "ae", *QUICK, "--out", run, "--no-figures"))  # fmt: skip
    base = ["finetune", run, table / "t.csv", "--label-column", "grade", "--epochs", 1, "--quiet"]
    refused(invoke(*base, "--out", tmp_path / "F"), "(its config.toml) recorded --id-column grade,",
            "pass --id-column '' (no ids)")  # fmt: skip
    ok(invoke(*base, "--id-column", "", "--out", tmp_path / "G"))
