"""``aekit train --checkpoint`` takes a folder of its own, refused before any training where it
is RUN itself or inside it (a whole run trained, then "created by someone else meanwhile" of
its own checkpoint), another RUN, or inside a DATA folder."""

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

TINY = ["--model", "ae", "--quiet", "--epochs", "1", "--param", "hidden_layer_sizes=[8]"]


@pytest.fixture
def no_training(monkeypatch):
    """Training fails the test: each refusal must come before it."""
    import aekit

    def fit(*args, **kwargs):
        raise AssertionError("trained before the checkpoint folder was refused")

    monkeypatch.setattr(aekit.Autoencoder, "fit", fit)


@pytest.mark.parametrize("checkpoint", ["RUN", "RUN/ck"])
def test_a_checkpoint_in_or_around_run_is_refused_before_training(tmp_path, no_training,
                                                                   checkpoint):  # fmt: skip
    out = tmp_path / "RUN"
    message = refused(
        invoke("train", "digits", *TINY, "--checkpoint", tmp_path / checkpoint, "--out", out),
        "or inside it; give a folder of its own",
    )
    assert "e.g. --checkpoint RUN-checkpoint" in message
    assert not out.exists()


def test_a_checkpoint_in_run_through_param_is_refused_too(tmp_path, no_training):
    given = ["--param", f"checkpoint_dir={tmp_path / 'RUN'}", "--out", tmp_path / "RUN"]
    refused(invoke("train", "digits", *TINY, *given), "or inside it; give a folder of its own")


def test_another_run_as_checkpoint_is_refused_and_left_as_it_was(tmp_path, request):
    earlier = tmp_path / "R1"
    ok(invoke("train", "digits", *TINY, "--out", earlier))
    files = sorted(p.name for p in earlier.iterdir())
    request.getfixturevalue("no_training")  # from here on, training fails the test
    refused(
        invoke("train", "digits", *TINY, "--checkpoint", earlier, "--out", tmp_path / "R2"),
        f"--checkpoint {earlier} is a RUN folder (it holds config.toml)",
    )
    assert sorted(p.name for p in earlier.iterdir()) == files


def test_a_checkpoint_inside_a_parquet_folder_is_refused(tmp_path, no_training):
    parts = tmp_path / "parts"
    parts.mkdir()
    rows = np.random.default_rng(0).normal(size=(40, 3))
    pd.DataFrame(rows, columns=list("abc")).to_parquet(parts / "p0.parquet")
    refused(
        invoke("train", parts, *TINY, "--checkpoint", parts / "ck", "--out", tmp_path / "RUN"),
        f"--checkpoint {parts / 'ck'} is inside DATA {parts}",
    )
    assert sorted(p.name for p in parts.iterdir()) == ["p0.parquet"]


def test_a_checkpoint_folder_of_its_own_still_trains_and_resumes(tmp_path):
    checkpoint = tmp_path / "RUN-checkpoint"
    ok(invoke("train", "digits", *TINY, "--checkpoint", checkpoint, "--out", tmp_path / "R"))
    assert (checkpoint / "checkpoint.safetensors").is_file()
    ok(invoke("train", "digits", *TINY, "--checkpoint", checkpoint, "--resume",
              "--out", tmp_path / "R2"))  # fmt: skip
