"""What a fit made of ``batch_size="auto"`` and ``device="auto"``: ``batch_size_`` and
``device_`` on the estimator, in its model file, in a RUN's config.toml ``[run]`` and in
``aekit info`` (a model file and config.toml recorded "auto" alone)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch
from cli_helpers import invoke, ok
from conftest import CPU, DEVICE

import aekit
from aekit.estimators.epochs import batch_rows
from aekit.estimators.resolved_settings import resolved_settings, restore_resolved

# "auto" is DEVICE in the suite (conftest's pin_auto_device); a GPU is named with its index
TRAINED_ON = "cpu" if DEVICE == "cpu" else f"cuda:{torch.cuda.current_device()}"
AUTO = {**CPU, "batch_size": "auto", "device": "auto"}


@pytest.fixture(scope="module")
def rows() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(300, 6))


def test_a_fit_keeps_the_batch_and_device_auto_made(rows):
    ae = aekit.Autoencoder(**AUTO).fit(rows)
    # 300 rows: "auto" is 32 rows a step (n^2 / 5,000 below 1,000 rows, at least 32)
    assert (ae.batch_size_, ae.device_) == (batch_rows("auto", 300), TRAINED_ON) == (32, TRAINED_ON)
    assert ae.get_params()["batch_size"] == "auto"  # the setting as given stays
    ae.set_params(batch_size=50).fit(rows)
    assert ae.batch_size_ == 50


def test_a_model_file_keeps_them(rows, tmp_path):
    ae = aekit.VAE(**AUTO).fit(rows)
    ae.save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors")
    assert (loaded.batch_size_, loaded.device_) == (32, TRAINED_ON)


def test_a_file_of_an_earlier_version_says_none():
    fixture = Path(__file__).parent / "fixtures" / "format_v1" / "autoencoder.safetensors"
    old = aekit.load(fixture)
    assert (old.batch_size_, old.device_) == (None, None)
    assert resolved_settings(old) == {}


def test_values_no_fit_gives_are_refused():
    ae = aekit.Autoencoder()
    for fitted, said in (
        ({"batch_size_": 0}, "batch_size_ is 0"),
        ({"batch_size_": "auto"}, "batch_size_ is 'auto'"),
        ({"device_": 1}, "device_ is 1"),
    ):
        with pytest.raises(ValueError, match=said):
            restore_resolved(ae, fitted)


def test_composites_and_fine_tuners_show_their_networks(rows, digits):
    detector = aekit.AnomalyDetector(estimator=aekit.Autoencoder(**AUTO), n_estimators=2)
    assert resolved_settings(detector.fit(rows)) == {"batch_size": 32, "device": TRAINED_ON}
    X, y = digits  # 60 rows: the autoencoder's "auto" is 32, the fine-tuner's 60 (it repeats
    # the rows to min_rows_per_epoch=2,000 an epoch, so "auto" is min(200, n))
    clf = aekit.FineTunedClassifier(max_iter=2, random_state=0).fit(X, y)
    assert (clf.batch_size_, clf.device_) == (60, TRAINED_ON)
    assert clf.autoencoder_.batch_size_ == 32  # its own, not its autoencoder's
    assert resolved_settings(clf) == {"batch_size": 60, "device": TRAINED_ON}


def test_a_run_records_them_and_info_shows_them(tmp_path):
    out = tmp_path / "R"
    ok(invoke("train", "digits", "--epochs", 1, "--param", "hidden_layer_sizes=[8]", "--quiet",
              "--out", out))  # fmt: skip
    config = tomllib.loads((out / "config.toml").read_text())
    assert config["params"]["batch_size"] == config["params"]["device"] == "auto"  # as given
    assert (config["run"]["batch_size"], config["run"]["device"]) == (200, TRAINED_ON)  # used
    facts = json.loads(ok(invoke("info", "--json", out)).stdout)
    assert (facts["batch_size"], facts["device"]) == (200, TRAINED_ON)
