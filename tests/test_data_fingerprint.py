"""A RUN records DATA's SHA-256 beside its path, and ``aekit train --config RUN`` says when the
recorded file no longer holds those bytes (it trained another model from the "same" data,
unsaid: an audit had only the path)."""

from __future__ import annotations

import hashlib
import json
import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

from aekit.cli.data_fingerprint import fingerprint

QUICK = ["--model", "ae", "--epochs", "1", "--param", "hidden_layer_sizes=[4]", "--quiet"]
CHANGED = "has changed since"


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "t.csv"
    pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"]).to_csv(path, index=False)
    return path


def _recorded(run) -> dict:
    return tomllib.loads((run / "config.toml").read_text())["data"]


def _train(*args):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*has not learned")
        return ok(invoke("train", *args, "--no-figures"))  # none looked at


def test_a_run_records_the_sha256_and_size_of_its_data(table, tmp_path):
    _train(table, *QUICK, "--out", tmp_path / "R")
    data = _recorded(tmp_path / "R")
    assert data["sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()
    assert data["bytes"] == table.stat().st_size
    shown = json.loads(ok(invoke("info", "--json", tmp_path / "R")).output)  # said by info
    assert (shown["data_sha256"], shown["data_bytes"]) == (data["sha256"], data["bytes"])
    assert "data_hash" not in shown  # said only of a run that took none
    detect = ["--param", "n_estimators=1", "--quiet", "--no-figures"]
    ok(invoke("detect", table, *detect, "--out", tmp_path / "D"))
    assert _recorded(tmp_path / "D")["sha256"] == data["sha256"]  # detect's record too


def test_train_config_says_when_the_recorded_file_changed_and_only_then(table, tmp_path):
    run = tmp_path / "R"
    _train(table, *QUICK, "--out", run)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=f".*{CHANGED}")
        _train("--config", run, "--out", tmp_path / "same")  # unchanged: nothing said
        other = tmp_path / "other.csv"
        other.write_text(table.read_text() + "0,0,0\n")
        _train(other, "--config", run, "--out", tmp_path / "new")  # its settings, new data
    with open(table, "a") as rows:
        rows.write("1,2,3\n")
    with pytest.warns(UserWarning, match=rf"DATA .*t\.csv {CHANGED} .*config\.toml recorded"):
        _train("--config", run, "--out", tmp_path / "changed")


def test_the_digest_is_of_the_data_before_the_fit(table, tmp_path, monkeypatch):
    # a review: taken after the fit, the digest was of a file changed during training
    import aekit

    before = hashlib.sha256(table.read_bytes()).hexdigest()
    fit = aekit.Autoencoder.fit

    def changed_while_training(self, *args, **kwargs):
        with open(table, "a") as rows:
            rows.write("9,9,9\n")
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(aekit.Autoencoder, "fit", changed_while_training)
    _train(table, *QUICK, "--out", tmp_path / "R")
    assert _recorded(tmp_path / "R")["sha256"] == before


def test_a_folder_is_hashed_by_its_files_names_and_bytes(tmp_path):
    folder = tmp_path / "images"
    (folder / "cat").mkdir(parents=True)
    (folder / "cat" / "a.png").write_bytes(b"\x89PNG one")
    (folder / "cat" / "b.png").write_bytes(b"\x89PNG two")
    first = fingerprint(str(folder))
    assert first["bytes"] == 16 and fingerprint(str(folder)) == first
    (folder / "dog").mkdir()
    (folder / "cat" / "b.png").rename(folder / "dog" / "b.png")  # moved to another class
    moved = fingerprint(str(folder))
    assert moved["sha256"] != first["sha256"]
    (folder / ".DS_Store").write_bytes(b"Finder")  # what no reader reads changes nothing
    (folder / "README.txt").write_text("cats and dogs")
    (folder / "cat" / ".hidden.png").write_bytes(b"\x89PNG")
    assert fingerprint(str(folder)) == moved
    assert fingerprint("digits") == {} and fingerprint(str(tmp_path / "gone.csv")) == {}


def test_a_parquet_folder_is_hashed_by_the_parts_its_reader_reads(tmp_path):
    # the second review: a list of the digest's own left out a part the reader reads
    from aekit.data.parquet import parquet_files

    folder = tmp_path / "pq"
    (folder / ".staging").mkdir(parents=True)
    pd.DataFrame({"a": [1.0, 2.0]}).to_parquet(folder / "part0.parquet")
    first = fingerprint(str(folder))
    pd.DataFrame({"a": [3.0]}).to_parquet(folder / ".staging" / "part1.parquet")
    assert len(parquet_files(folder)) == 2  # read
    assert fingerprint(str(folder)) != first  # so hashed


def test_no_data_hash_reads_data_no_more_and_is_recorded_so(table, tmp_path, monkeypatch):
    # a large folder of Parquet parts took minutes to hash, with no way round it
    from aekit.cli import data_fingerprint

    def read(*args):
        raise AssertionError("DATA was read to hash it")

    monkeypatch.setattr(data_fingerprint, "_add_bytes", read)
    _train(table, *QUICK, "--no-data-hash", "--out", tmp_path / "R")
    data = _recorded(tmp_path / "R")
    assert data["hashed"] is False and "sha256" not in data and "bytes" not in data
    assert "--no-data-hash" in (tmp_path / "R" / "command.txt").read_text()
    shown = json.loads(ok(invoke("info", "--json", tmp_path / "R")).output)
    assert "data_sha256" not in shown and "--no-data-hash" in shown["data_hash"]
    assert "--no-data-hash" not in shown["data_read_as"]  # no way to read DATA
    with open(table, "a") as rows:
        rows.write("1,2,3\n")
    with warnings.catch_warnings():  # its rerun neither hashes nor says DATA changed
        warnings.filterwarnings("error", message=f".*{CHANGED}")
        _train("--config", tmp_path / "R", "--out", tmp_path / "again")
    assert _recorded(tmp_path / "again")["hashed"] is False
    detect = ["--param", "n_estimators=1", "--quiet", "--no-data-hash", "--no-figures"]
    detect += ["--out", tmp_path / "D"]
    ok(invoke("detect", table, *detect))
    assert _recorded(tmp_path / "D")["hashed"] is False
    assert "--no-data-hash" in (tmp_path / "D" / "command.txt").read_text()


def test_detect_series_and_finetune_write_no_data_hash_in_command_txt(tmp_path, monkeypatch):
    # their command.txt, built flag by flag, left --no-data-hash out: rerun, it hashed DATA
    from aekit.cli import data_fingerprint

    def read(*args):
        raise AssertionError("DATA was read to hash it")

    monkeypatch.setattr(data_fingerprint, "_add_bytes", read)
    rng = np.random.default_rng(0)
    labelled = tmp_path / "ty.csv"
    frame = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    frame.assign(y=np.arange(60) % 2).to_csv(labelled, index=False)
    _train(labelled, *QUICK, "--ignore-column", "y", "--no-data-hash", "--out", tmp_path / "A")
    finetune = ["--label-column", "y", "--epochs", "1", "--quiet", "--no-data-hash", "--no-figures"]
    ok(invoke("finetune", tmp_path / "A", labelled, *finetune, "--out", tmp_path / "F"))
    series = tmp_path / "s.csv"
    frame.to_csv(series, index=False)
    hashless = ["--window", "8", "--epochs", "1", "--quiet", "--no-data-hash", "--no-figures"]
    ok(invoke("detect-series", series, *hashless, "--out", tmp_path / "S"))
    for run in ("F", "S"):
        assert _recorded(tmp_path / run)["hashed"] is False
        assert "--no-data-hash" in (tmp_path / run / "command.txt").read_text().split()
