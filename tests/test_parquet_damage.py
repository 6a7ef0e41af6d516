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


def test_a_file_written_again_after_it_was_opened_is_said_to_have_changed(tmp_path):
    # a file replaced during a fit was called "corrupt or truncated?" (or, its offsets kept,
    # read as a mix of its old and new rows)
    import os

    import aekit

    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(200, 3)), columns=list("abc"))
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, row_group_size=10)  # more groups than its cache
    rows = aekit.open_dataset(path)
    model = aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=0).fit(rows)
    (frame + 100).to_parquet(path, row_group_size=10)  # as a writer would, while it is open
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))  # a coarse clock
    with pytest.raises(ValueError, match=r"t\.parquet changed since it was opened .* open it"):
        model.transform(rows)
    assert model.transform(aekit.open_dataset(path)).shape == (200, 2)  # opened again: read
