"""A dataset names its columns' types as pandas and numpy do, whatever the file."""

import numpy as np
import pandas as pd

import aekit


def test_a_parquet_dataset_names_its_types_as_pandas_reads_them(tmp_path):
    frame = pd.DataFrame({
        "f32": np.float32([1, 2]), "f64": [1.0, 2.0], "i8": np.int8([1, 2]), "b": [True, False],
        "text": ["x", "y"], "kind": pd.Categorical(["a", "b"]),
    })  # fmt: skip
    frame.to_parquet(tmp_path / "t.parquet")
    as_pandas = pd.read_parquet(tmp_path / "t.parquet").dtypes.astype(str).to_dict()
    assert aekit.open_dataset(tmp_path / "t.parquet").dtypes == as_pandas
    assert as_pandas["f32"] == "float32" and as_pandas["i8"] == "int8"  # not Arrow's float/int8
    np.save(tmp_path / "t.npy", frame[["f32"]].to_numpy())
    assert aekit.open_dataset(tmp_path / "t.npy").dtypes == {"x0": "float32"}
