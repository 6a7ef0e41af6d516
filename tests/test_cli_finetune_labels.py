"""Unlabelled rows of a fine-tuning, as a column of names marks them ("-1" or empty text), and
what ``aekit finetune`` refuses before it reads DATA."""

from __future__ import annotations

import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from conftest import CPU
from sklearn.exceptions import ConvergenceWarning

import aekit
from aekit.cli.errors import for_the_command_line
from aekit.data import load_digits

X, Y = load_digits()
NAMES = np.array(list("abcdefghij"))  # each digit's class as a name, as a CSV's column holds


@pytest.fixture(scope="module")
def ae_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ae") / "ae.safetensors"
    aekit.Autoencoder(**{**CPU, "max_iter": 3}).fit(X[:300]).save(path)
    return path


def named_rows(folder, marker: str):
    """300 digits whose label column holds a name on every third row and ``marker`` on the
    others (the rows a user left unlabelled)."""
    frame = pd.DataFrame(X[:300], columns=[f"p{i}" for i in range(64)])
    frame["kind"] = np.where(np.arange(300) % 3 == 0, NAMES[Y[:300]], marker)
    path = folder / "rows.csv"
    frame.to_csv(path, index=False)
    return path


def test_finetune_leaves_out_rows_marked_minus_one_in_a_column_of_names(ae_file, tmp_path):
    # "-1" in a column of names was learned as an eleventh class: every row was predicted "-1",
    # and predict's accuracy counted the "-1" rows as labelled and right (0.93)
    rows = named_rows(tmp_path, "-1")
    args = ["finetune", ae_file, rows, "--label-column", "kind", "--epochs", "2", "--quiet"]
    result = ok(invoke(*args, "--out", tmp_path / "ft"))
    assert "200 unlabelled rows left out" in result.output
    assert tomllib.loads((tmp_path / "ft" / "config.toml").read_text())["run"]["rows"] == 100
    model = aekit.load(tmp_path / "ft" / "model.safetensors")
    assert list(model.classes_) == list(NAMES)
    with warnings.catch_warnings():  # marked rows are no unknown labels to warn of
        warnings.simplefilter("error", UserWarning)
        result = ok(invoke("predict", tmp_path / "ft", rows, "-o", tmp_path / "p.csv"))
    labelled = pd.read_csv(rows)[::3]
    accuracy = np.mean(model.predict(labelled.drop(columns="kind")) == labelled["kind"])
    assert f"accuracy {accuracy:.4f} on the 100 labelled rows" in result.output


def test_finetune_leaves_out_rows_of_empty_text(ae_file, tmp_path):
    rows = named_rows(tmp_path, " ")  # a space: blank once stripped, not NaN
    args = ["finetune", ae_file, rows, "--label-column", "kind", "--epochs", "1", "--quiet"]
    result = ok(invoke(*args, "--out", tmp_path / "ft"))
    assert "200 unlabelled rows left out" in result.output


@pytest.mark.parametrize("marker", ["-1", ""])
def test_fine_tuned_classifier_warns_of_a_text_mark_of_unlabelled_rows(marker):
    labels = NAMES[Y[:60]].astype(object)
    labels[30:] = marker
    ae = aekit.Autoencoder(**{**CPU, "max_iter": 1})
    with pytest.warns(UserWarning, match=f"y holds '{marker}' beside 10 other classes"):
        aekit.FineTunedClassifier(ae, max_iter=1, random_state=0, device="cpu").fit(X[:60], labels)


def test_param_autoencoder_is_refused_before_data_is_read(ae_file, tmp_path):
    # it was Python's "got multiple values for argument 'autoencoder'", after reading DATA
    args = ["finetune", ae_file, tmp_path / "absent.csv", "--label-column", "kind"]
    message = refused(invoke(*args, "--param", "autoencoder=none", "--out", tmp_path / "ft"))
    assert message.startswith("--param autoencoder: finetune fine-tunes RUN's autoencoder")


def test_a_conditional_run_is_refused_by_its_name_before_data_is_read(tmp_path):
    cvae = aekit.ConditionalVAE(**{**CPU, "max_iter": 1}).fit(X[:100], Y[:100])
    cvae.save(tmp_path / "cvae.safetensors")
    rows = named_rows(tmp_path, "-1")
    args = ["finetune", tmp_path / "cvae.safetensors", rows, "--label-column", "kind"]
    result = invoke(*args, "--out", tmp_path / "ft")
    refused(result, f"{tmp_path / 'cvae.safetensors'} holds a ConditionalVAE", "--model vae")
    assert "unlabelled rows left out" not in result.output  # DATA was not read first


def test_text_targets_of_a_regression_name_the_option_for_labels(ae_file, tmp_path):
    rows = named_rows(tmp_path, "-1")
    args = ["finetune", ae_file, rows, "--label-column", "kind", "--task", "regression"]
    message = refused(invoke(*args, "--out", tmp_path / "ft"))
    assert for_the_command_line(message).endswith("For labels pass --task classification.")


def test_a_classifier_from_scratch_says_nothing_of_the_network_only_built():
    # init="random" builds an autoencoder in one epoch on two rows, for its shape alone, and
    # its learned-nothing warning told the user to raise a max_iter=1 they never set
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        aekit.FineTunedClassifier(init="random", max_iter=3, random_state=0, device="cpu").fit(
            X[:200], Y[:200]
        )


def test_predict_with_none_of_the_models_classes_says_there_is_no_accuracy(ae_file, tmp_path):
    # labels 0..9 for a model of names: a warning, then "N rows: FILE", exit 0, and no figure
    rows = named_rows(tmp_path, "-1")
    ok(invoke("finetune", ae_file, rows, "--label-column", "kind", "--epochs", "1", "--quiet",
              "--out", tmp_path / "ft"))  # fmt: skip
    numbers = pd.read_csv(rows).assign(kind=Y[:300])
    numbers.to_csv(tmp_path / "numbers.csv", index=False)
    with pytest.warns(UserWarning, match="the model never learned"):
        said = ok(invoke("predict", tmp_path / "ft", tmp_path / "numbers.csv", "--label-column",
                         "kind", "-o", tmp_path / "p.csv")).stdout  # fmt: skip
    assert "no accuracy: none of DATA's 300 labels is one of the model's classes" in said
    said = f"for its accuracy on labelled rows: aekit predict {tmp_path / 'ft'} DATA"
    refused(invoke("evaluate", tmp_path / "ft", rows, "--label-column", "kind"), said)


def test_a_setting_the_task_refuses_is_said_before_data_is_read_as_options(ae_file, tmp_path):
    # said after DATA's warnings, in Python's words: "use early_stopping_metric='loss'"
    rows = named_rows(tmp_path, "-1")
    args = ["finetune", ae_file, rows, "--label-column", "kind", "--task", "regression"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing of DATA said first
        said = refused(invoke(*args, "--param", "early_stopping_metric=accuracy"))
        weights = refused(invoke(*args, "--param", "class_weight=balanced"))
    assert for_the_command_line(said).endswith("leave --param early_stopping_metric out.")
    assert for_the_command_line(weights).startswith("--param class_weight=balanced weighs")
