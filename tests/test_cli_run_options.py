"""The image options of a run are reused (review 7): a RUN trained on a folder of images with
--image-size and --grayscale records them, and every command that reads DATA for that RUN reads
the images as training did; a size given that differs from the recorded one is refused, naming
the option and the recorded value. The commands that fit other models (train-hasher,
train-compressor, finetune) record the options too."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import invoke, ok, refused

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2",
         "--quiet", "--no-figures"]  # fmt: skip
SIZE = ["--image-size", "8,8", "--grayscale"]  # training's options: 12x10 colour -> 8x8 grey


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """img/: 12 colour images of 12x10 pixels in two labelled sub-folders, and a DAE run R
    trained on them read at 8x8 in grey."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("runopts")
    rng = np.random.default_rng(0)
    for label in ("a", "b"):
        (folder / "img" / label).mkdir(parents=True)
        for i in range(6):
            pixels = (rng.random((12, 10, 3)) * 255).astype(np.uint8)
            Image.fromarray(pixels).save(folder / "img" / label / f"{i}.png")
    ok(invoke("train", folder / "img", "--model", "dae", *QUICK, *SIZE, "--out", folder / "R"))
    return folder


def test_train_records_the_image_options(folder):
    data = tomllib.loads((folder / "R" / "config.toml").read_text())["data"]
    assert data["image_size"] == "8,8" and data["grayscale"] is True


@pytest.mark.parametrize("command", ["encode", "reconstruct", "score"])
def test_commands_read_the_images_as_training_did(folder, command):
    """The same rows as with the options spelled out (before: 360 features for 64, exit 2)."""
    reused, given = folder / f"{command}-reused.csv", folder / f"{command}-given.csv"
    ok(invoke(command, folder / "R", folder / "img", "-o", reused))
    ok(invoke(command, folder / "R", folder / "img", *SIZE, "-o", given))
    assert reused.read_text() == given.read_text() and len(reused.read_text().splitlines()) == 13


def test_evaluate_denoise_and_finetune_reuse_them(folder):
    result = ok(invoke("evaluate", folder / "R", folder / "img", "--quiet"))
    assert '"rows": 12' in result.output
    ok(invoke("denoise", folder / "R", folder / "img", "-o", folder / "clean.npy"))
    assert np.load(folder / "clean.npy").shape == (12, 1, 8, 8)  # images, as denoise gives
    ok(invoke("finetune", folder / "R", folder / "img", "--param", "max_iter=2", "--quiet",
              "--no-figures", "--out", folder / "FT"))  # fmt: skip
    data = tomllib.loads((folder / "FT" / "config.toml").read_text())["data"]
    assert data["image_size"] == "8,8" and data["grayscale"] is True  # predict reads them
    result = ok(invoke("predict", folder / "FT", folder / "img", "-o", folder / "p.csv"))
    assert "on the 12 labelled rows" in result.output


def test_a_conflicting_size_names_the_option_and_the_recorded_value(folder):
    result = invoke("encode", folder / "R", folder / "img", "--image-size", "6,6",
                    "-o", folder / "x.npy")  # fmt: skip
    refused(result, "--image-size 6,6", "--image-size 8,8", "config.toml")
    assert not (folder / "x.npy").exists()
    # the same size spelt another way is no conflict
    same = ["--image-size", "8x8", "-o", folder / "x.npy"]
    ok(invoke("encode", folder / "R", folder / "img", *same))


def test_hasher_and_compressor_runs_record_them(folder):
    ok(invoke("train-hasher", folder / "img", "--bits", "8", "--epochs", "2", *SIZE, "--quiet",
              "--no-figures", "--out", folder / "H"))  # fmt: skip
    data = tomllib.loads((folder / "H" / "config.toml").read_text())["data"]
    assert data["image_size"] == "8,8" and data["grayscale"] is True
    result = ok(invoke("index", folder / "H", folder / "img", "--out", folder / "h.index"))
    assert "12 rows, 8 bits" in result.output
    ok(invoke("train-compressor", folder / "img", "--latent-dim", "4", "--epochs", "2", *SIZE,
              "--quiet", "--no-figures", "--out", folder / "C"))  # fmt: skip
    ok(invoke("compress", folder / "C", folder / "img", "-o", folder / "c.aek"))


def test_a_bare_model_file_names_the_options_that_read_the_images(folder):
    """No config.toml beside a model file: the model's own image shape says what to pass
    (before: 'DATA has 360 features, but ... is expecting 64')."""
    from aekit.cli.errors import for_the_command_line

    model = folder / "R" / "model.safetensors"
    result = invoke("encode", model, folder / "img", "-o", folder / "bare.npy")
    message = for_the_command_line(refused(result, "images of shape (3, 12, 10)"))
    assert message == (
        "DATA has images of shape (3, 12, 10) but the model was fitted on (1, 8, 8). "
        "Pass --image-size 8,8 --grayscale to read them as the model does."
    )
    ok(invoke("encode", model, folder / "img", *SIZE, "-o", folder / "bare.npy"))


def test_a_recorded_image_shape_takes_data_already_so_shaped(tmp_path):
    """A run trained on flat rows with --image-shape reads a (n, C, H, W) array too."""
    rows = np.random.default_rng(0).random((20, 16)).astype(np.float32)
    np.save(tmp_path / "flat.npy", rows)
    np.save(tmp_path / "images.npy", rows.reshape(20, 1, 4, 4))
    ok(invoke("train", tmp_path / "flat.npy", "--model", "ae", "--image-shape", "1,4,4", *QUICK,
              "--out", tmp_path / "R"))  # fmt: skip
    for name in ("flat", "images"):
        ok(
            invoke(
                "encode", tmp_path / "R", tmp_path / f"{name}.npy", "-o", tmp_path / f"{name}.csv"
            )
        )
    assert (tmp_path / "flat.csv").read_text() == (tmp_path / "images.csv").read_text()


def test_an_option_given_wins_over_the_recorded_one(folder):
    """--no-grayscale reads the colour images R was not trained on: the model says so."""
    from aekit.cli.errors import for_the_command_line

    colour = ["--no-grayscale", "-o", folder / "c.npy"]
    result = invoke("encode", folder / "R", folder / "img", *colour)
    message = for_the_command_line(refused(result, "images of shape (3, 8, 8)"))
    assert message.endswith("Pass --grayscale to read them as the model does.")


def test_a_colour_run_read_in_grey_is_told_the_option_that_reads_colour(folder):
    from aekit.cli.errors import for_the_command_line

    ok(invoke("train", folder / "img", "--model", "ae", *QUICK, "--image-size", "8,8",
              "--out", folder / "RGB"))  # fmt: skip
    result = invoke("encode", folder / "RGB", folder / "img", "--grayscale", "-o", folder / "g.npy")
    message = for_the_command_line(refused(result, "images of shape (1, 8, 8)"))
    assert message.endswith("Pass --no-grayscale to read them as the model does.")


def test_a_folders_per_row_outputs_name_each_image(folder):
    # rows came in the folder's sorted order with nothing to pair them back to their files
    import warnings

    import pandas as pd

    ok(invoke("score", folder / "R", folder / "img", "-o", folder / "named.csv"))
    table = pd.read_csv(folder / "named.csv")
    assert table.columns[0] == "file"
    assert list(table["file"]) == [f"{c}/{i}.png" for c in "ab" for i in range(6)]
    with warnings.catch_warnings():  # a .npy of codes: numbers alone, as asked, unsaid
        warnings.simplefilter("error")
        ok(invoke("encode", folder / "R", folder / "img", "-o", folder / "codes.npy"))
    assert np.load(folder / "codes.npy").shape == (12, 2)


def test_an_image_folders_index_and_search_name_the_files(folder):
    # hits of an image query named rows by their place in the folder's sorted order alone
    import pandas as pd

    hasher = folder / "h.safetensors"
    ok(invoke("train-hasher", folder / "img", *SIZE, "--epochs", "2", "--param",
              "hidden_layer_sizes=[8]", "--bits", "8", "-o", hasher))  # fmt: skip
    ok(invoke("index", hasher, folder / "img", *SIZE, "--out", folder / "img.index"))
    ok(invoke("search", folder / "img.index", folder / "img", "-k", "2", "-o", folder / "h.csv"))
    hits = pd.read_csv(folder / "h.csv")
    assert list(hits.columns) == ["file", "query", "rank", "index", "index_id", "distance"]
    files = [f"{c}/{i}.png" for c in "ab" for i in range(6)]
    assert list(hits["file"]) == [f for f in files for _ in range(2)]
    assert [files[i] for i in hits["index"]] == list(hits["index_id"])
