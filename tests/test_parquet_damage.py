"""A Parquet file with a damaged row group names the group and its first row, whether it is read
whole (a small file, in memory) or a row group at a time (a large one, from disk); read whole,
pyarrow's words named neither ("Couldn't deserialize thrift ...")."""

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_helpers import invoke, refused

from aekit.data.datasets import load_array


@pytest.fixture
def damaged(tmp_path):
    frame = pd.DataFrame(
        np.random.default_rng(0).normal(size=(3000, 4)).astype(np.float32), columns=list("abcd")
    )
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, row_group_size=1000)
    page = pq.ParquetFile(path).metadata.row_group(2).column(0).data_page_offset
    data = bytearray(path.read_bytes())
    data[page : page + 40] = b"\xff" * 40  # the third group's first page header
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(bytes(data))
    return damaged


def test_a_damaged_row_group_read_whole_is_named(damaged):
    with pytest.raises(ValueError) as refusal:
        load_array(damaged)
    said = str(refusal.value)
    assert said.startswith(f"{damaged} row group 2 (rows 2000 onwards) cannot be read"), said
    assert "(corrupt or truncated?)" in said


def test_the_command_line_says_it_before_training(damaged, tmp_path):
    refused(invoke("train", damaged, "--out", tmp_path / "RUN"), "row group 2 (rows 2000 onwards)")
    assert not (tmp_path / "RUN").exists()
