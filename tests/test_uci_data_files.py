"""UCI-style ``.data`` files (``iris.data``: numbers separated by commas, a text class last, no
header row, a blank line at the end) are text tables whose separator is sniffed, as a ``.txt``
or ``.dat``'s: refused at first naming ``--no-header`` (their first row is data), then read with
it, compressed (``iris.data.gz``) or too large for memory (through a Parquet copy) alike."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.cli.errors import for_the_command_line
from aekit.data import csv_parquet, lazy
from aekit.data.datasets import load_array, open_dataset
from aekit.data.file_kinds import csv_separator

QUICK = ["--param", "n_estimators=1", "--quiet", "--no-figures"]  # no test reads figures/
CLASSES = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]


def _rows() -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    values = rng.uniform(0.1, 7.9, size=(60, 4)).round(1)
    return values, [CLASSES[i % 3] for i in range(60)]


def _lines(sep: str = ",") -> str:
    values, labels = _rows()
    rows = (sep.join([*(f"{v:.1f}" for v in row), label]) for row, label in zip(values, labels))
    return "\n".join(rows) + "\n\n"  # UCI's iris.data ends with a blank line


@pytest.fixture(params=["iris.data", "iris.data.gz", "IRIS.DATA"])
def iris(request, tmp_path):
    path = tmp_path / request.param
    text = _lines().encode()
    path.write_bytes(gzip.compress(text) if request.param.endswith(".gz") else text)
    return path


def test_a_data_file_reads_as_a_table_without_a_header(iris):
    values, labels = _rows()
    table, y = load_array(iris, label_column="x4", csv={"header": False})
    assert list(table.columns) == ["x0", "x1", "x2", "x3"]
    np.testing.assert_array_equal(table.to_numpy(), values)
    assert list(y) == labels
    dataset = open_dataset(iris, csv={"header": False}, label_column="x4")
    np.testing.assert_allclose(dataset.reader.read(0, 60), values.astype(np.float32))


@pytest.mark.parametrize(("sep", "sniffed"), [(",", ","), ("\t", "\t"), (" ", r"\s+")])
def test_a_data_file_s_separator_is_sniffed(sep, sniffed, tmp_path):
    path = tmp_path / "t.data"
    path.write_text(_lines(sep))
    assert csv_separator(path, None) == sniffed


@pytest.mark.parametrize("large", [False, True], ids=["in-memory", "large"])
def test_detect_on_a_data_file_names_no_header_then_runs_with_it(
    iris, large, tmp_path, monkeypatch
):
    if large:  # read through a Parquet copy, a chunk at a time
        monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 100)
        monkeypatch.setattr(csv_parquet, "CHUNK_ROWS", 16)
    message = refused(invoke("detect", iris, *QUICK, "--out", tmp_path / "R"), "looks like data")
    message = for_the_command_line(message)
    assert "add a header row, or pass --no-header (columns x0 to x4)." in (message)
    assert "\n" not in message
    assert not (tmp_path / "R").exists()
    run = tmp_path / "DET"
    args = ["--no-header", "--label-column", "x4", "--normal-label", "Iris-setosa", *QUICK]
    result = ok(invoke("detect", iris, *args, "--out", run))
    assert "against --label-column x4" in result.stdout
    scores = pd.read_csv(run / "scores.csv")
    assert len(scores) == 60
    ok(invoke("score", run, iris, "-o", tmp_path / "s.csv"))  # the recorded options read it
    assert len(pd.read_csv(tmp_path / "s.csv")) == 60


def test_the_help_and_the_refusal_of_another_suffix_list_data_files(tmp_path):
    assert ".data" in invoke("--help").stdout
    (tmp_path / "t.arff").write_text("@relation t\n")
    message = refused(invoke("detect", tmp_path / "t.arff", "--out", tmp_path / "R"))
    assert ".data" in message
