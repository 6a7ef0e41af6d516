"""Files of formats aekit does not read (JSON, Excel, ...) are named as such, with the line that
converts them; JSON given under a table's name (``data.csv``) is not said to have "no data
rows"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.data import datasets
from tests.cli_helpers import invoke, refused

JSON_TEXTS = {
    "array": '[{"a": 1, "b": 2}, {"a": 3, "b": 4}]\n',
    "object": '{"a": [1, 2, 3], "b": [4, 5, 6]}',
    "lines": '{"a": 1, "b": 2}\n{"a": 3, "b": 4}\n',
    "pretty": '[\n  {"a": 1, "b": 2},\n  {"a": 3, "b": 4}\n]\n',
}


@pytest.mark.parametrize("kind", sorted(JSON_TEXTS))
@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_json_under_a_table_suffix_is_named_json(tmp_path, kind, suffix):
    path = tmp_path / f"data{suffix}"
    path.write_text(JSON_TEXTS[kind])
    for read in (datasets.load_array, aekit.open_dataset):
        with pytest.raises(ValueError, match="holds JSON") as caught:
            read(path)
        assert "pandas.read_json" in str(caught.value)
    message = refused(invoke("train", path, "--epochs", "1", "--out", tmp_path / "r"), "JSON")
    assert "no data rows" not in message


def test_a_header_opening_with_a_bracket_is_still_a_table(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("[mm],[kg]\n1,2\n3,4\n5,6\n")
    assert np.array_equal(datasets.load_array(path)[0], [[1, 2], [3, 4], [5, 6]])


@pytest.mark.parametrize(
    ("name", "reader"),
    [("t.json", "read_json"), ("t.jsonl", "lines=True"), ("t.xlsx", "read_excel")],
)
def test_a_format_pandas_reads_gets_its_conversion(tmp_path, name, reader):
    path = tmp_path / name
    path.write_text("{}")
    for read in (datasets.load_array, aekit.open_dataset):
        with pytest.raises(ValueError, match=reader) as caught:
            read(path)
        assert "to_parquet" in str(caught.value)
        assert "renamed" not in str(caught.value)  # a JSON file renamed .csv is still JSON
    refused(invoke("train", path, "--out", tmp_path / "r"), reader, "to_parquet")


def test_an_unknown_suffix_is_told_how_a_text_table_reads(tmp_path):
    path = tmp_path / "results.out"
    pd.DataFrame({"a": [1.0, 2.0]}).to_csv(path, index=False)
    for read in (datasets.load_array, aekit.open_dataset):
        with pytest.raises(ValueError, match="renamed: .csv"):
            read(path)
    refused(invoke("train", path, "--out", tmp_path / "r"), "renamed: .csv")
