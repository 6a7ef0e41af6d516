"""``--labels FILE``: the labels of an array DATA (.npy, an .npz without y) from a file of their
own, in every command whose DATA's labels mean something (train, detect, detect-series,
finetune, encode, reconstruct, score, interpolate, predict, evaluate). An array has no columns,
so no --label-column: a ConditionalVAE, a supervised fine-tuning or a detector's ROC-AUC could
not be had from X.npy and y.npy at all, and the messages sent the user in a circle."""

import inspect
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

import aekit.cli
from aekit.data.datasets import load_digits

X, Y = load_digits()
ROWS = 120
CLASSES = Y[:ROWS] % 3  # three classes, each well represented in few rows
ANOMALY = (Y[:ROWS] == 3).astype(int)
CVAE = ["--model", "cvae", "--epochs", "1", "--param", "hidden_layer_sizes=[16]", "--quiet"]
DETECT = ["--param", "n_estimators=1", "--quiet"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """digits as an array with label files beside it, and as a table with label columns."""
    folder = tmp_path_factory.mktemp("labels")
    rows = X[:ROWS].astype(np.float32)
    np.save(folder / "X.npy", rows)
    np.save(folder / "y.npy", CLASSES)
    np.save(folder / "short.npy", CLASSES[:-1])
    np.save(folder / "anomaly.npy", ANOMALY)
    np.savez(folder / "Xy.npz", X=rows, y=CLASSES)
    frame = pd.DataFrame(rows, columns=[f"p{i}" for i in range(64)])
    frame["label"] = CLASSES
    frame["anomaly"] = ANOMALY
    frame.drop(columns="anomaly").to_csv(folder / "classes.csv", index=False)
    frame.drop(columns="label").to_csv(folder / "anomaly.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def cvae(folder):
    """A ConditionalVAE trained on X.npy with --labels y.npy."""
    out = folder / "cvae"
    ok(invoke("train", folder / "X.npy", "--labels", folder / "y.npy", *CVAE, "--no-figures",
              "--out", out))  # fmt: skip
    return out


def test_a_cvae_trains_on_an_array_and_its_labels_file_and_generates_a_label(folder, cvae):
    generated = folder / "two.csv"
    ok(invoke("generate", cvae, "--label", "2", "-n", "5", "-o", generated))
    samples = pd.read_csv(generated)  # 64 values and each sample's label (an array's: "label")
    assert samples.shape == (5, 65) and (samples["label"] == 2).all()
    refused(invoke("generate", cvae, "--label", "7", "-n", "5", "-o", generated), "known: 0, 1, 2")


def test_a_cvaes_evaluation_says_whether_it_was_given_the_labels(folder, cvae):
    # log p(x | y) and log p(x) are different figures under the same names: the JSON says which
    given, summed = folder / "given.json", folder / "summed.json"
    copy = folder / "X_unlabelled.npy"  # no recorded labels file, none typed: labels summed out
    np.save(copy, np.load(folder / "X.npy"))
    ok(invoke("evaluate", cvae, folder / "X.npy", "--labels", folder / "y.npy", "-o", given))
    ok(invoke("evaluate", cvae, copy, "-o", summed))
    given, summed = json.loads(given.read_text()), json.loads(summed.read_text())
    assert given["rows_given_labels"] == ROWS and summed["rows_given_labels"] == 0
    assert given["nll"] != summed["nll"]
    # half the labels blank: those rows' labels summed out, and counted apart
    half = np.where(np.arange(ROWS) % 2 == 0, CLASSES, -1)
    np.save(folder / "half.npy", half)
    mixed = folder / "mixed.json"
    ok(invoke("evaluate", cvae, folder / "X.npy", "--labels", folder / "half.npy", "-o", mixed))
    assert json.loads(mixed.read_text())["rows_given_labels"] == ROWS // 2


def test_a_cvae_of_the_array_is_the_cvae_of_the_table(folder, cvae):
    # the same rows and labels, as a table with a label column: the same model, the same codes
    table = folder / "cvae_table"
    ok(invoke("train", folder / "classes.csv", "--label-column", "label", *CVAE, "--no-figures",
              "--out", table))  # fmt: skip
    from_array, from_table = folder / "z_array.csv", folder / "z_table.csv"
    ok(invoke("encode", cvae, folder / "X.npy", "--labels", folder / "y.npy", "-o", from_array))
    ok(invoke("encode", table, folder / "classes.csv", "-o", from_table))
    np.testing.assert_allclose(pd.read_csv(from_array), pd.read_csv(from_table), atol=1e-6)
    # the very DATA the run was trained on, without --labels: the recorded labels file, as a
    # table's recorded label column (before, the codes under the model's predicted labels)
    recorded = folder / "z_recorded.csv"
    ok(invoke("encode", cvae, folder / "X.npy", "-o", recorded))
    np.testing.assert_array_equal(pd.read_csv(recorded), pd.read_csv(from_array))
    # other DATA (a copy of the rows) has no recorded labels: a ConditionalVAE's codes are others
    copy, unlabelled = folder / "X_copy.npy", folder / "z_none.csv"
    np.save(copy, np.load(folder / "X.npy"))
    ok(invoke("encode", cvae, copy, "-o", unlabelled))
    assert not np.allclose(pd.read_csv(unlabelled), pd.read_csv(from_array))


def test_the_run_records_the_labels_file_and_its_config_reproduces_it(folder, cvae):
    assert 'labels_file = "' in (cvae / "config.toml").read_text()
    command = (cvae / "command.txt").read_text()
    assert f"--labels {folder / 'y.npy'}" in command, command
    again = folder / "again"
    ok(invoke("train", "--config", cvae / "config.toml", "--out", again, "--quiet",
              "--no-figures"))  # fmt: skip
    assert (again / "metrics.csv").read_text() == (cvae / "metrics.csv").read_text()
    assert f"--labels {folder / 'y.npy'}" in (again / "command.txt").read_text()
    ok(invoke("report", again))
    assert "--labels" in (again / "report.html").read_text()


def test_detect_with_a_labels_file_reports_what_a_label_column_does(folder):
    array = ok(invoke("detect", folder / "X.npy", "--labels", folder / "anomaly.npy",
                      "--out", folder / "det_array", *DETECT))  # fmt: skip
    table = ok(invoke("detect", folder / "anomaly.csv", "--label-column", "anomaly",
                      "--out", folder / "det_table", *DETECT))  # fmt: skip

    def figures(output: str) -> str:
        line = next(line for line in output.splitlines() if "ROC-AUC" in line)
        return line[line.index("(") :]

    assert f"against --labels {folder / 'anomaly.npy'} (" in array.output, array.output
    assert "ROC-AUC" in figures(array.output)
    assert figures(array.output) == figures(table.output)
    assert (folder / "det_array" / "figures" / "roc_pr.png").is_file()
    assert "--labels" in (folder / "det_array" / "command.txt").read_text()
    assert 'labels_file = "' in (folder / "det_array" / "config.toml").read_text()


def test_a_finetuned_run_learns_and_predicts_from_a_labels_file(folder):
    vae = folder / "vae"
    ok(invoke("train", folder / "X.npy", "--model", "vae", "--epochs", "1", "--no-figures",
              "--quiet", "--out", vae))  # fmt: skip
    tuned = folder / "tuned"
    args = ["--epochs", "1", "--quiet"]
    ok(invoke("finetune", vae, folder / "X.npy", "--labels", folder / "y.npy", *args,
              "--out", tuned))  # fmt: skip
    assert "--labels" in (tuned / "command.txt").read_text()
    predicted = ok(invoke("predict", tuned, folder / "X.npy", "--labels", folder / "y.npy",
                          "-o", folder / "p.csv"))  # fmt: skip
    assert f"on the {ROWS} labelled rows" in predicted.output
    message = refused(invoke("finetune", vae, folder / "X.npy", *args, "--out", folder / "t2"))
    assert "--labels FILE" in message and "--label-column" not in message, message


def test_a_cvae_without_labels_names_the_option_that_gives_them(folder):
    # an array's: --labels FILE (or an .npz with y), no longer --label-column, which an array
    # refuses; a table's: still --label-column
    array = refused(invoke("train", folder / "X.npy", *CVAE, "--out", folder / "no"))
    assert "needs labels" in array and "--labels FILE" in array, array
    assert ".npz holding X and y" in array and "--label-column" not in array, array
    column = refused(invoke("train", folder / "X.npy", "--label-column", "y", *CVAE,
                            "--out", folder / "no"))  # fmt: skip
    assert "--labels FILE" in column and "no columns" in column, column
    table = folder / "features.csv"
    pd.read_csv(folder / "classes.csv").drop(columns="label").to_csv(table, index=False)
    said = refused(invoke("train", table, *CVAE, "--out", folder / "no"))
    assert "--label-column" in said and "--labels" not in said, said


@pytest.mark.parametrize(
    "command",
    [
        ["train", "{X}", *CVAE, "--out", "{out}"],
        ["detect", "{X}", *DETECT, "--out", "{out}"],
    ],
)
def test_labels_that_do_not_fit_are_refused(folder, command):
    def args(data, *extra):
        words = [w.format(X=data, out=folder / "refused") for w in command]
        return [*words, *extra]

    short = refused(invoke(*args(folder / "X.npy", "--labels", folder / "short.npy")))
    assert f"holds {ROWS - 1} labels" in short and f"has {ROWS} rows" in short, short
    both = invoke(*args(folder / "X.npy", "--labels", folder / "y.npy", "--label-column", "y"))
    refused(both, "--label-column y", "no columns", "--labels FILE")
    own = refused(invoke(*args(folder / "Xy.npz", "--labels", folder / "y.npy")))
    assert "carries its own labels (the .npz's y)" in own and "leave --labels out" in own, own
    table = invoke(*args(folder / "classes.csv", "--labels", folder / "y.npy"))
    refused(table, "--labels", "--label-column")
    refused(invoke(*args(folder / "X.npy", "--labels", folder / "nope.npy")), "no such file")
    np.save(folder / "objects.npy", np.array(["a", None] * (ROWS // 2), dtype=object))
    objects = invoke(*args(folder / "X.npy", "--labels", folder / "objects.npy"))
    refused(objects, "never unpickled; save the labels as text, np.save(path, y.astype(str))")
    assert not (folder / "refused").exists()


def test_labels_beside_an_idx_file_refuse_another_labels_file(folder, tmp_path):
    from test_cli_review8 import _idx

    rng = np.random.default_rng(0)
    _idx(tmp_path / "train-images-idx3-ubyte", rng.integers(0, 256, (30, 4, 4)))
    np.save(tmp_path / "y.npy", rng.integers(0, 3, 30))
    out = tmp_path / "R"
    # without labels beside it an IDX file is an array: --labels gives them
    ok(invoke("train", tmp_path / "train-images-idx3-ubyte", "--labels", tmp_path / "y.npy",
              *CVAE, "--no-figures", "--out", out))  # fmt: skip
    _idx(tmp_path / "train-labels-idx1-ubyte", rng.integers(0, 3, 30))
    said = refused(invoke("train", tmp_path / "train-images-idx3-ubyte", "--labels",
                          tmp_path / "y.npy", *CVAE, "--out", tmp_path / "R2"))  # fmt: skip
    assert "carries its own labels" in said and "train-labels-idx1-ubyte" in said, said


def test_a_refusal_is_one_line_and_exit_code_2(folder, capsys):
    args = ["train", folder / "X.npy", "--labels", folder / "short.npy", *CVAE,
            "--out", folder / "refused"]  # fmt: skip
    status = aekit.cli.run(args)  # the aekit process's status and stderr, in this process
    stderr = capsys.readouterr().err
    assert status == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("aekit: error: --labels")


def test_the_commands_whose_labels_mean_something_take_it():
    from aekit.cli import app

    takes = {
        info.name or info.callback.__name__.replace("_", "-")
        for info in app.registered_commands
        if info.callback is not None and "labels" in inspect.signature(info.callback).parameters
    }
    expected = {"train", "detect", "detect-series", "finetune", "encode", "reconstruct"}
    expected |= {"score", "interpolate", "predict", "evaluate"}
    assert takes == expected


def test_a_large_array_read_from_disk_takes_its_labels_file(folder, monkeypatch):
    # DATA fitted a batch at a time from disk: the labels file still gives its labels
    from aekit.cli import common

    monkeypatch.setattr(common, "LAZY_BYTES", 0)
    out = folder / "lazy"
    ok(invoke("train", folder / "X.npy", "--labels", folder / "y.npy", *CVAE, "--no-figures",
              "--out", out))  # fmt: skip
    short = invoke("train", folder / "X.npy", "--labels", folder / "short.npy", *CVAE,
                   "--out", folder / "refused")  # fmt: skip
    refused(short, f"holds {ROWS - 1} labels", f"has {ROWS} rows")
    said = refused(invoke("detect", folder / "Xy.npz", "--labels", folder / "y.npy", *DETECT))
    assert "carries its own labels" in said, said


def test_an_image_folder_or_digits_refuse_a_labels_file(folder, tmp_path):
    for name in ("a", "b"):
        (tmp_path / "images" / name).mkdir(parents=True)
    args = ["--labels", folder / "y.npy", "--out", tmp_path / "R"]
    said = refused(invoke("train", tmp_path / "images", *args))
    assert "sub-folders" in said and "leave --labels out" in said, said
    said = refused(invoke("detect", "digits", "--labels", folder / "y.npy", *DETECT))
    assert "carries its own (the digit)" in said, said


def test_labels_for_a_model_that_takes_none_are_said_to_change_nothing(folder):
    ae = folder / "ae"
    ok(invoke("train", folder / "X.npy", "--model", "ae", "--epochs", "1", "--no-figures",
              "--quiet", "--out", ae))  # fmt: skip
    labels = ["--labels", folder / "y.npy"]
    for command in ("encode", "reconstruct"):
        with pytest.warns(UserWarning, match="Autoencoder takes no labels, so"):
            ok(invoke(command, ae, folder / "X.npy", *labels, "-o", folder / f"{command}.npy"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the score table carries them as its label column
        ok(invoke("score", ae, folder / "X.npy", *labels, "-o", folder / "s.csv"))
    assert list(pd.read_csv(folder / "s.csv").columns) == ["score", "reconstruction_error", "label"]
