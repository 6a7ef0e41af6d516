"""A dataset names its columns' types as pandas and numpy do, whatever the file."""

import numpy as np
import pandas as pd
import pytest

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


def test_a_csv_dataset_with_text_columns_names_the_ways_to_open_it(tmp_path):
    # was "t.csv has non-numeric columns: t. Encode them as numbers ... or drop them", though a
    # Parquet dataset keeps text columns and columns=[...] picks the numeric ones
    from aekit.data.lazy import csv_to_parquet

    pd.DataFrame({"a": [1.0, 2.0, 3.0], "t": ["x", "y", "z"]}).to_csv(
        tmp_path / "t.csv", index=False
    )
    with pytest.raises(ValueError, match=r"has text columns \(t\), which a CSV dataset cannot "
                       r"hold: pick the numeric ones with columns=\[\.\.\.\]"):  # fmt: skip
        aekit.open_dataset(tmp_path / "t.csv")
    assert aekit.open_dataset(tmp_path / "t.csv", columns=["a"]).columns == ["a"]
    csv_to_parquet(tmp_path / "t.csv", tmp_path / "t.parquet")  # the other way the message gives
    assert aekit.open_dataset(tmp_path / "t.parquet").columns == ["a", "t"]
