"""What the commands write, checked first and by one rule (review 7): an -o suffix a command
cannot write is refused before RUN or DATA is read, in one message that lists what it writes;
an existing model output (a RUN, a model file, an index) is refused without --force, nothing
written."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import invoke, refused

import aekit

TABLES = ".npy, .csv or .parquet"
ROWS = ".npy, .csv, .parquet, .png, .svg or .pdf"


@pytest.mark.parametrize(
    "command, inputs, listed",
    [
        ("encode", ["RUN", "DATA"], TABLES),
        ("reconstruct", ["RUN", "DATA"], ROWS),  # .png: inputs over reconstructions
        ("score", ["RUN", "DATA"], TABLES),
        ("predict", ["RUN", "DATA"], TABLES),
        ("impute", ["DATA"], TABLES),
        ("denoise", ["RUN", "DATA"], ROWS),
        ("generate", ["RUN"], ROWS),  # .png was not listed
        ("interpolate", ["RUN", "DATA"], ROWS),
        ("decompress", ["RUN", "FILE"], ROWS),
        ("search", ["INDEX", "QUERY"], ".csv or .parquet"),
        ("compress", ["RUN", "DATA"], "write .aek"),  # any suffix, a model file included
        ("traverse", ["RUN", "DATA"], "cannot draw a figure as .txt"),
    ],
)
def test_an_output_suffix_is_refused_before_anything_is_read(command, inputs, listed, tmp_path):
    """RUN and DATA do not exist: a command that read them first would say so instead."""
    output = tmp_path / "out.txt"
    result = invoke(command, *(tmp_path / name for name in inputs), "-o", output)
    message = refused(result, listed)
    assert message.startswith(("-o ", "-o/--output ")) and str(output) in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, option",
    [
        (["impute", "DATA", "-o", "f.csv", "--save-model", "OLD"], "--save-model"),
        (["index", "RUN", "DATA", "--out", "OLD"], "--out"),
        (["train-hasher", "DATA", "-o", "OLD"], "-o"),
        (["demo", "--out", "FOLDER"], "--out"),
    ],
)
def test_an_existing_model_output_needs_force(args, option, tmp_path):
    """impute --save-model, index --out and demo --out replaced silently before."""
    (tmp_path / "FOLDER").mkdir()
    (tmp_path / "FOLDER" / "model.safetensors").write_text("mine")
    (tmp_path / "OLD").write_text("mine")
    result = invoke(*(tmp_path / a if a.isupper() else a for a in args))
    refused(result, option, "exists", "--force")
    assert (tmp_path / "OLD").read_text() == "mine"
    assert (tmp_path / "FOLDER" / "model.safetensors").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FOLDER", "OLD"]


def test_force_replaces_an_index(tmp_path):
    data, hasher, index = tmp_path / "x.npy", tmp_path / "h.safetensors", tmp_path / "i.index"
    np.save(data, np.random.default_rng(0).normal(size=(30, 5)).astype(np.float32))
    result = invoke("train-hasher", data, "--bits", "4", "--epochs", "1", "--quiet", "-o", hasher)
    assert result.exit_code == 0, result.output
    index.write_text("mine")
    result = invoke("index", hasher, data, "--out", index, "--force")
    assert result.exit_code == 0, result.output
    from aekit.hashing import load_index

    assert load_index(index).n_rows == 30


def test_text_a_npy_cannot_hold_is_refused_before_any_row_is_computed(tmp_path):
    """Text labels in a score table, text columns in a reconstructed table: refused once DATA
    is open, naming -o (before: 'this output holds text columns' after the first chunk)."""
    import pandas as pd

    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=30), "city": ["Oslo", "Rome", "Lima"] * 10})
    table.assign(y=["u", "v"] * 15).to_csv(tmp_path / "t.csv", index=False)
    result = invoke("train", tmp_path / "t.csv", "--model", "ae", "--label-column", "y",
                    "--epochs", "1", "--param", "hidden_layer_sizes=[4]", "--param",
                    "latent_dim=2", "--quiet", "--no-figures", "--out", tmp_path / "R")  # fmt: skip
    assert result.exit_code == 0, result.output
    for command, words in (("score", "labels, which are text"), ("reconstruct", "text columns")):
        result = invoke(command, tmp_path / "R", tmp_path / "t.csv", "-o", tmp_path / "o.npy")
        assert refused(result, words).startswith(f"-o {tmp_path / 'o.npy'}: ")
    assert not (tmp_path / "o.npy").exists()


def test_save_model_beside_model_is_refused(tmp_path):
    """impute --model fits nothing, so --save-model had nothing to save: it was ignored."""
    models = ["--model", tmp_path / "m.safetensors", "--save-model", tmp_path / "new.safetensors"]
    result = invoke("impute", tmp_path / "DATA", "-o", tmp_path / "f.csv", *models)
    refused(result, "--save-model", "with --model nothing is fitted")


@pytest.mark.parametrize("inside", ["cat/0.png", "new.png"])
def test_an_output_inside_the_data_folder_is_refused(inside, tmp_path):
    # denoise -o images/cat/0.png replaced a training image with a grid; a new file there
    # would be read as one more image by the next command
    from PIL import Image

    (tmp_path / "images" / "cat").mkdir(parents=True)
    for i in range(4):
        Image.new("L", (8, 8), color=40 * i).save(tmp_path / "images" / "cat" / f"{i}.png")
    before = (tmp_path / "images" / "cat" / "0.png").read_bytes()
    output = tmp_path / "images" / inside
    refused(invoke("denoise", tmp_path / "RUN", tmp_path / "images", "-o", output), "inside DATA")
    assert (tmp_path / "images" / "cat" / "0.png").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "images").rglob("*.png")) == [
        f"{i}.png" for i in range(4)
    ]


@pytest.mark.parametrize("command", ["train", "detect", "train-hasher"])
def test_a_run_folder_inside_the_data_folder_is_refused(command, tmp_path):
    # train pngs --out pngs/RUNX was accepted: the next command read the run's figures as
    # images of a class RUNX
    from PIL import Image

    (tmp_path / "images" / "cat").mkdir(parents=True)
    for i in range(4):
        Image.new("L", (8, 8), color=40 * i).save(tmp_path / "images" / "cat" / f"{i}.png")
    run = tmp_path / "images" / "RUNX"
    refused(invoke(command, tmp_path / "images", "--out", run), "--out", "inside DATA")
    assert [p.name for p in (tmp_path / "images").iterdir()] == ["cat"]


def test_force_replaces_only_a_run_and_never_what_is_read(tmp_path):
    # 'aekit detect sb/train.csv --out sb --force' deleted the training file and the notes
    # beside it, exit 0; '--out . --force' named PosixPath('.')
    rng = np.random.default_rng(0)
    table = "a,b\n" + "\n".join(f"{x:.4f},{y:.4f}" for x, y in rng.normal(size=(80, 2)))
    folder = tmp_path / "sb"
    folder.mkdir()
    (folder / "train.csv").write_text(table)
    (folder / "notes.txt").write_text("precious")
    # a detector of one member, one epoch, no figures: what is kept or replaced is the point
    args = ("--quiet", "--no-figures", "--param", "n_estimators=1", "--param",
            "member_params={max_iter=1}")  # fmt: skip
    refused(
        invoke("detect", folder / "train.csv", "--out", folder, "--force", *args),
        "not a RUN folder",
    )
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "train.csv"]
    refused(invoke("detect", folder / "train.csv", "--out", ".", "--force", *args), "--out .")
    run = tmp_path / "RUN"
    invoke("detect", folder / "train.csv", "--out", run, *args)
    (run / "new.csv").write_text(table)
    refused(
        invoke("detect", run / "new.csv", "--out", run, "--force", *args),
        "inside --out",
        "Move it out first",
    )
    assert (run / "new.csv").read_text() == table
    result = invoke("detect", folder / "train.csv", "--out", run, "--force", *args)
    assert result.exit_code == 0, result.output
    assert not (run / "new.csv").exists() and (run / "config.toml").is_file()


@pytest.mark.parametrize("name", ["metrics.csv", "scores.csv", "config.toml"])
def test_an_output_over_a_runs_own_record_is_refused(name, tmp_path):
    # 'score RUN DATA -o RUN/metrics.csv' replaced the training history, and 'report' showed
    # the scores as the run's metrics; a new name inside the RUN is an output like any other
    run = tmp_path / "run"
    run.mkdir()
    for record in ("config.toml", "command.txt", "metrics.csv", "scores.csv"):
        (run / record).write_text('kept = "yes"\n')
    rows = np.random.default_rng(0).normal(size=(40, 3))  # a detector run records scores.csv
    detector = aekit.AnomalyDetector(n_estimators=1, member_params={"max_iter": 1})
    detector.fit(rows).save(run / "model.safetensors")
    result = invoke("score", run, tmp_path / "data.csv", "-o", run / name)
    if name == "config.toml":  # a kind score cannot write is said first: the other name the
        refused(result, f"-o {run / name}: write .npy, .csv or .parquet.")  # refusal below
    else:  # advises (new-config.toml) is of the path's kind
        refused(result, f"-o/--output {run / name} is RUN {run}'s own {name}: writing it would")
    assert (run / name).read_text() == 'kept = "yes"\n'
    # a train run records none: the name is free, and stays free once written (a second
    # 'score -o RUN/scores.csv' was refused as the run's own record)
    aekit.Autoencoder(max_iter=1).fit(rows).save(run / "model.safetensors")
    for free in ("new.csv", "scores.csv"):
        result = invoke("score", run, tmp_path / "data.csv", "-o", run / free)
        assert "writing it would" not in str(result.exception)  # refused for DATA, not -o
