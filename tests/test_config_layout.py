"""What ``aekit train --config`` reads of a config.toml: every section and key 'aekit train'
writes, and nothing else (a typo'd section or key was ignored and another model trained); an
unseeded run recorded as such (it read as seed 0); and the seeds a model file records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

import aekit

QUICK = ["--epochs", 1, "--quiet", "--no-figures", "--param", "hidden_layer_sizes=[8]"]


@pytest.fixture(scope="module")
def table_run(tmp_path_factory):
    """A RUN trained on a table with every [data] setting a table can record."""
    folder = tmp_path_factory.mktemp("layout")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    frame.insert(0, "id", range(60))
    frame["junk"] = "x"
    frame["city"] = rng.choice(["Lyon", "Nice"], size=60)
    frame["y"] = rng.integers(0, 2, size=60)
    path = folder / "t.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False)
    ok(invoke("train", path, "--model", "cvae", "--sep", ";", "--decimal", ",", "--na-values",
              "NA", "--id-column", "id", "--ignore-column", "junk", "--category-column", "city",
              "--label-column", "y", *QUICK, "--out", folder / "R"))  # fmt: skip
    return folder / "R"


def test_every_setting_train_records_is_read_again(table_run, tmp_path):
    ok(invoke("train", "--config", table_run, *QUICK, "--out", tmp_path / "again"))
    np.save(tmp_path / "x.npy", np.random.default_rng(0).random((40, 1, 4, 4)))
    np.save(tmp_path / "y.npy", np.arange(40) % 2)
    ok(invoke("train", tmp_path / "x.npy", "--labels", tmp_path / "y.npy", "--model", "cvae",
              "--image-shape", "1,4,4", *QUICK, "--out", tmp_path / "images"))  # fmt: skip
    ok(invoke("train", "--config", tmp_path / "images", *QUICK, "--out", tmp_path / "images2"))
    # the settings left: a headerless latin-1 file with thousands marks, an image folder resized
    frame = pd.DataFrame(np.random.default_rng(1).normal(size=(40, 3)) * 10)
    frame.to_csv(tmp_path / "raw.csv", sep=";", decimal=",", header=False, index=False,
                 encoding="latin-1")  # fmt: skip
    ok(invoke("train", tmp_path / "raw.csv", "--model", "ae", "--sep", ";", "--decimal", ",",
              "--thousands", ".", "--encoding", "latin-1", "--no-header", *QUICK, "--out",
              tmp_path / "raw"))  # fmt: skip
    written = (tmp_path / "raw" / "config.toml").read_text()
    assert all(key in written for key in ("thousands", "encoding", "no_header"))
    ok(invoke("train", "--config", tmp_path / "raw", *QUICK, "--out", tmp_path / "raw2"))
    from PIL import Image

    for label in "ab":
        (tmp_path / "imgs" / label).mkdir(parents=True)
        for i in range(6):
            pixels = np.random.default_rng(i).integers(0, 255, (6, 6, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / "imgs" / label / f"{i}.png")
    ok(invoke("train", tmp_path / "imgs", "--model", "cvae", "--image-size", "4,4",
              "--grayscale", *QUICK, "--out", tmp_path / "folder"))  # fmt: skip
    written = (tmp_path / "folder" / "config.toml").read_text()
    assert "image_size" in written and "grayscale" in written
    ok(invoke("train", "--config", tmp_path / "folder", *QUICK, "--out", tmp_path / "folder2"))


def edited(run, tmp_path, old, new):
    text = (run / "config.toml").read_text()
    assert old in text
    path = tmp_path / "edited.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_a_section_or_key_train_does_not_write_is_refused(table_run, tmp_path):
    config = edited(table_run, tmp_path, "[params]", "[param]")
    result = invoke("train", "--config", config, *QUICK, "--out", tmp_path / "E")
    refused(result, "it has a [param] section (did you mean params?)", "fix it in the file")
    assert not (tmp_path / "E").exists()
    config = edited(table_run, tmp_path, "label_column =", "label_colum =")
    result = invoke("train", "--config", config, *QUICK, "--out", tmp_path / "E")
    refused(result, "its [data] has label_colum (did you mean label_column?)")
    config = edited(table_run, tmp_path, '[model]\nclass = "ConditionalVAE"', "[model]\nclas = 1")
    refused(invoke("train", "--config", config, *QUICK), "its [model] has clas (did you mean")


def test_a_labelled_detector_run_is_said_to_be_another_command_s(table_run, tmp_path):
    # its [data] holds detect's labels: "fix it in the file" came before "not one train trains"
    data = table_run.parent / "t.csv"
    ok(invoke("detect", data, "--sep", ";", "--decimal", ",", "--label-column", "y",
              "--ignore-column", "junk", "--quiet", "--param", "n_estimators=1", "--out",
              tmp_path / "det"))  # fmt: skip
    assert "labels" in (tmp_path / "det" / "config.toml").read_text()
    said = refused(invoke("train", "--config", tmp_path / "det"), "is not one 'aekit train'")
    assert "fix it in the file" not in said


def test_an_unseeded_run_is_recorded_so_and_rerun_unseeded_with_a_warning(tmp_path):
    unseeded = ["--param", "random_state=none"]
    ok(invoke("train", "digits", "--model", "ae", *QUICK, *unseeded, "--out", tmp_path / "N"))
    assert 'random_state = "none"' in (tmp_path / "N" / "config.toml").read_text()
    with pytest.warns(UserWarning, match="was not seeded"):
        ok(invoke("train", "--config", tmp_path / "N", *QUICK, "--out", tmp_path / "N2"))
    assert aekit.load(tmp_path / "N2" / "model.safetensors").random_state is None
    ok(invoke("train", "--config", tmp_path / "N", *QUICK, "--seed", 3, "--out", tmp_path / "S"))
    assert aekit.load(tmp_path / "S" / "model.safetensors").random_state == 3
    import warnings

    with warnings.catch_warnings(record=True) as said:  # a seed typed with spaces is typed too
        warnings.simplefilter("always")
        spaced = ["--param", "random_state = 4"]
        ok(invoke("train", "--config", tmp_path / "N", *QUICK, *spaced, "--out", tmp_path / "T"))
    assert not [w for w in said if "not seeded" in str(w.message)]


def test_a_numpy_seed_is_recorded_and_a_random_state_object_is_said(tmp_path):
    X = np.random.default_rng(0).normal(size=(100, 4))
    for seed in np.arange(2):  # a loop over numpy integers: recorded as no seed before
        model = aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=seed).fit(X)
        model.save(tmp_path / "m.safetensors")
        assert aekit.load(tmp_path / "m.safetensors").random_state == seed
    unrecordable = np.random.RandomState(0)
    model = aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=unrecordable).fit(X)
    with pytest.warns(UserWarning, match="random_state is a RandomState, which a file cannot"):
        model.save(tmp_path / "r.safetensors")
    # said once, of the estimator saved: a Compressor said it of its inner network too
    compressor = aekit.Compressor(2, max_iter=1, random_state=unrecordable).fit(X)
    with pytest.warns(UserWarning) as said:
        compressor.save(tmp_path / "c.safetensors")
    seeds = [str(w.message) for w in said if "random_state is a" in str(w.message)]
    assert len(seeds) == 1 and seeds[0].startswith("Compressor.save"), seeds


def test_a_model_file_or_an_empty_file_as_config_is_said_so(table_run, tmp_path):
    model = table_run / "model.safetensors"
    refused(invoke("train", "--config", model), "it is a model file, not a config.toml")
    (tmp_path / "empty.toml").write_text("# nothing\n")
    refused(invoke("train", "--config", tmp_path / "empty.toml"), "is empty: a config.toml")
