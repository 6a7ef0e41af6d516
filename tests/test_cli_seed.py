"""``--seed`` on every command that trains: the run it gives repeats, another seed gives another
run, it is recorded as typed, and ``--param random_state`` beside it is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from safetensors.numpy import load_file

import aekit

SMALL = ["--quiet", "--param", "hidden_layer_sizes=[16]"]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """A small table of 120 rows with a tenth of its cells missing, and its path."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4)) @ rng.normal(size=(4, 4))
    X[rng.random(X.shape) < 0.1] = np.nan
    path = tmp_path_factory.mktemp("seed") / "t.csv"
    pd.DataFrame(X, columns=list("abcd")).to_csv(path, index=False)
    return path


def _weights(path):
    """The tensors a model file holds (its network's weights among them)."""
    return load_file(path)


def _same_weights(a, b) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[name], b[name]) for name in a)


def test_train_seed_repeats_the_run_and_is_recorded_as_typed(tmp_path):
    runs = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        ok(invoke("train", "digits", "--model", "ae", "--epochs", 2, "--seed", seed, *SMALL,
                  "--out", tmp_path / name, "--no-figures"))  # fmt: skip
        runs[name] = _weights(tmp_path / name / "model.safetensors")
    assert _same_weights(runs["a"], runs["b"]) and not _same_weights(runs["a"], runs["c"])
    command = (tmp_path / "a" / "command.txt").read_text()
    assert "--seed 3" in command and "random_state" not in command
    # over a --config's recorded seed, as --epochs over its max_iter
    ok(invoke("train", "--config", tmp_path / "a", "--seed", 4, "--quiet", "--no-figures",
              "--out", tmp_path / "d"))  # fmt: skip
    assert _same_weights(runs["c"], _weights(tmp_path / "d" / "model.safetensors"))
    both = invoke(
        "train", "digits", "--seed", 3, "--param", "random_state=4", "--out", tmp_path / "e"
    )
    refused(both, "--param random_state: this command has its own option for it; use --seed.")
    assert not (tmp_path / "e").exists()


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("train-hasher", ["--bits", 8, "--epochs", 1]),
        ("train-compressor", ["--latent-dim", 4, "--epochs", 1]),
    ],
)
def test_the_model_file_commands_take_the_seed(command, options, tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        ok(invoke(command, "digits", *options, "--seed", seed, *SMALL, "-o", tmp_path / name))
    assert aekit.load(tmp_path / "a").random_state == 5
    a, b, c = (_weights(tmp_path / name) for name in "abc")
    assert _same_weights(a, b) and not _same_weights(a, c)


def test_impute_takes_epochs_and_seed_and_refuses_them_with_a_saved_imputer(table, tmp_path):
    filled = {}
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        ok(invoke("impute", table, "-o", tmp_path / f"{name}.csv", "--epochs", 3, "--seed", seed,
                  "--quiet", "--save-model", tmp_path / f"{name}.safetensors"))  # fmt: skip
        filled[name] = pd.read_csv(tmp_path / f"{name}.csv").to_numpy()
    assert np.array_equal(filled["a"], filled["b"]) and not np.array_equal(filled["a"], filled["c"])
    imputer = aekit.load(tmp_path / "a.safetensors")
    assert (imputer.max_iter, imputer.random_state) == (3, 1)
    for flag, value in (("--epochs", 3), ("--seed", 1)):
        again = invoke("impute", table, "-o", tmp_path / "x.csv", "--model",
                       tmp_path / "a.safetensors", flag, value)  # fmt: skip
        refused(again, f"{flag} sets up a new imputer; it cannot change a --model.")
    assert not (tmp_path / "x.csv").exists()
    both = invoke("impute", table, "-o", tmp_path / "y.csv", "--epochs", 3, "--param", "max_iter=4")
    refused(both, "use --epochs")


def test_finetune_takes_the_seed_and_records_it(tmp_path):
    ok(invoke("train", "digits", "--model", "ae", "--epochs", 1, *SMALL, "--out", tmp_path / "ae",
              "--no-figures"))  # fmt: skip
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        ok(invoke("finetune", tmp_path / "ae", "digits", "--epochs", 1, "--seed", seed, "--quiet",
                  "--no-figures", "--out", tmp_path / name))  # fmt: skip
    a, b, c = (_weights(tmp_path / name / "model.safetensors") for name in "abc")
    assert _same_weights(a, b) and not _same_weights(a, c)
    assert "--seed 7" in (tmp_path / "a" / "command.txt").read_text()


def test_a_seed_of_none_is_recorded_as_the_param_that_reruns():
    # 'finetune --param random_state=none' was recorded as '--seed None', which --seed refuses
    from aekit.cli.runs import rerunning_command

    line = rerunning_command(["finetune", "RUN", "d.csv"], {"random_state": None}, {}, "OUT")
    assert line == "aekit finetune RUN d.csv --param random_state=none --out OUT"
    line = rerunning_command(["finetune", "RUN", "d.csv"], {"random_state": 3}, {}, "OUT")
    assert line == "aekit finetune RUN d.csv --seed 3 --out OUT"


def test_detect_takes_the_seed_from_param_alone_as_train_does(tmp_path):
    # refused before ("use --seed") though train took it; beside --seed it still is
    quick = ["--param", "n_estimators=1", "--param", "member_params={max_iter=1}", "--quiet"]
    seeded = [*quick, "--param", "random_state=3", "--no-figures"]
    ok(invoke("detect", "digits", *seeded, "--out", tmp_path / "d"))
    assert aekit.load(tmp_path / "d" / "model.safetensors").random_state == 3
    both = invoke("detect", "digits", *quick, "--param", "random_state=3", "--seed", 4)
    refused(both, "use --seed")


def test_detect_series_takes_the_epochs_from_param_alone(tmp_path):
    # its --epochs (no value of its own) refused --param max_iter, which finetune and impute
    # take; beside --epochs it still is refused
    t = np.arange(300)
    series = pd.DataFrame(
        {"value": np.sin(t / 5) + 0.05 * np.random.default_rng(0).normal(size=300)}
    )
    series.to_csv(tmp_path / "s.csv", index=False)
    quick = ["--window", 16, "--quiet", "--param", "max_iter=1"]
    ok(invoke("detect-series", tmp_path / "s.csv", *quick, "--no-figures", "--out", tmp_path / "r"))
    assert aekit.load(tmp_path / "r" / "model.safetensors").max_iter == 1
    refused(invoke("detect-series", tmp_path / "s.csv", *quick, "--epochs", 2), "use --epochs")
