"""A Parquet file holding a pandas index (a named index or a DatetimeIndex, which pandas stores
as a column of its own) is said to be left unread, with how to keep it: a new user's timestamps
were dropped from an imputed table without a word."""

import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

from aekit.data.datasets import load_array

ROWS = pd.DataFrame({"a": np.arange(40.0), "b": np.sin(np.arange(40.0))})


def _written(tmp_path, index) -> str:
    frame = ROWS.set_axis(index) if index is not None else ROWS
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    return path


def test_a_datetime_index_is_said_with_how_to_keep_it(tmp_path):
    path = _written(tmp_path, pd.date_range("2024-01-01", periods=40, freq="h", name="ts"))
    with pytest.warns(UserWarning, match=r"holds a pandas index \('ts'\).*--id-column ts\)"):
        table, _ = load_array(path)
    assert list(table.columns) == ["a", "b"]  # read as before: the index is no feature


@pytest.mark.parametrize("index", [None, pd.RangeIndex(5, 45), pd.Index(range(100, 140))])
def test_a_range_or_an_unnamed_integer_index_is_no_key_and_not_said(tmp_path, index):
    path = _written(tmp_path, index)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_array(path)


def test_the_command_line_says_it_once(tmp_path):
    path = _written(tmp_path, pd.Index([f"id{i}" for i in range(40)], name="key"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok(invoke("train", path, "--model", "ae", "--epochs", "1", "--quiet",
                  "--out", tmp_path / "RUN"))  # fmt: skip
    said = [w for w in caught if "holds a pandas index ('key')" in str(w.message)]
    assert len(said) == 1
