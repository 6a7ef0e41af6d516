"""A Parquet folder whose parts store a number column as integers in one file and floats in
another (pandas writes float64 for a part with a missing value, int64 for the others) is read
as one table of the type that holds both; it was refused as "must share one schema". A damaged
Parquet DATA is named whichever command reads its id column first, and missing values in a
table on disk get the fix that works on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

import aekit


def parts(folder, rng_seed: int = 3) -> pd.DataFrame:
    """Two parts of one table: ``cnt`` int64 in the first and float64 (one missing value) in
    the second, ``f1`` float32 then float64; returns the whole table as written."""
    rng = np.random.default_rng(rng_seed)
    folder.mkdir()
    first = pd.DataFrame(
        {
            "f0": rng.normal(size=300),
            "f1": rng.normal(size=300).astype(np.float32),
            "cnt": rng.poisson(3, 300),
        }
    )
    second = first.copy()
    second["cnt"] = second["cnt"].astype(float)
    second.loc[5, "cnt"] = np.nan
    second["f1"] = second["f1"].astype(np.float64)
    first.to_parquet(folder / "part0.parquet")
    second.to_parquet(folder / "part1.parquet")
    return pd.concat([first, second], ignore_index=True)


def test_numbers_stored_as_integers_and_floats_are_one_column(tmp_path):
    whole = parts(tmp_path / "parts")
    dataset = aekit.open_dataset(tmp_path / "parts")
    assert dataset.dtypes == {"f0": "float64", "f1": "float64", "cnt": "float64"}
    rows = aekit.AutoencoderImputer(max_iter=1, random_state=0).fit(dataset).transform(dataset)
    observed = whole.notna().to_numpy()
    np.testing.assert_allclose(rows[observed], whole.to_numpy(np.float32)[observed], rtol=1e-6)
    assert np.isfinite(rows).all()


def test_aekit_impute_of_such_a_folder_fills_the_gap_and_keeps_every_cell(tmp_path):
    # it crashed on the filled part: "Cannot interpret 'Float64Dtype()' as a data type"
    whole = parts(tmp_path / "parts")
    out = tmp_path / "filled.parquet"
    ok(invoke("impute", tmp_path / "parts", "--epochs", "1", "--seed", "0", "-o", out))
    filled = pd.read_parquet(out)
    assert filled.shape == whole.shape and not filled.isna().any().any()
    observed = whole.notna().to_numpy()
    np.testing.assert_array_equal(
        filled.to_numpy(np.float64)[observed], whole.to_numpy(np.float64)[observed]
    )


def test_text_and_numbers_in_one_column_are_still_refused_naming_the_fix(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    pd.DataFrame({"a": [1.0, 2.0], "b": [1, 2]}).to_parquet(folder / "p0.parquet")
    pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]}).to_parquet(folder / "p1.parquet")
    with pytest.raises(ValueError, match=r"write them again with one type for it"):
        aekit.open_dataset(folder)
    refused(invoke("train", folder, "--epochs", "1"), "column 'b' is int64 in", "string in")


def test_a_truncated_parquet_is_named_where_a_runs_id_column_is_read_first(tmp_path):
    # score and encode of a RUN with --id-column said pyarrow's words alone: "Parquet magic
    # bytes not found in footer. ..."
    table = pd.DataFrame(np.random.default_rng(0).normal(size=(400, 3)), columns=list("abc"))
    table["rid"] = [f"R{i}" for i in range(400)]
    table.to_parquet(tmp_path / "t.parquet")
    run = tmp_path / "run"
    train = ["train", tmp_path / "t.parquet", "--id-column", "rid", "--epochs", "1", "--no-figures"]
    ok(invoke(*train, "--out", run))
    cut = tmp_path / "cut.parquet"
    cut.write_bytes((tmp_path / "t.parquet").read_bytes()[:2000])
    for command in ("score", "encode"):
        said = refused(invoke(command, run, cut, "-o", tmp_path / "o.csv"))
        assert said.startswith(f"cannot read {cut} as Parquet: "), said
    assert not (tmp_path / "o.csv").exists()


def test_missing_values_on_disk_are_told_the_imputer_that_works_on_disk(tmp_path):
    # it advised sklearn.impute.SimpleImputer, which needs the table in memory
    table = pd.DataFrame(np.random.default_rng(0).normal(size=(300, 4)), columns=list("abcd"))
    table.iloc[[7, 90], 2] = np.nan
    table.to_parquet(tmp_path / "holes.parquet")
    dataset = aekit.open_dataset(tmp_path / "holes.parquet")
    with pytest.raises(ValueError) as refused_fit:
        aekit.Autoencoder(max_iter=1).fit(dataset)
    said = str(refused_fit.value)
    assert said.endswith(
        "Remove or impute them first: aekit.AutoencoderImputer fills a table on disk, "
        "imputer.fit(X).transform(X, out='filled.parquet')."
    ), said
    imputer = aekit.AutoencoderImputer(max_iter=1, random_state=0).fit(dataset)
    imputer.transform(dataset, out=tmp_path / "filled.parquet")  # the advice, followed
    filled = aekit.open_dataset(tmp_path / "filled.parquet")
    assert aekit.Autoencoder(max_iter=1).fit(filled).n_features_in_ == 4


def test_a_label_or_id_column_of_mixed_types_is_read_as_one(tmp_path):
    # The reader took the folder, but its label column crashed ("Array chunks must all be same
    # type") and ids came back 0, 1, ... then 20.0, 21.0, ... (a review).
    folder = tmp_path / "parts"
    folder.mkdir()
    rng = np.random.default_rng(0)
    first = pd.DataFrame(rng.normal(size=(20, 3)), columns=list("abc"))
    first["y"], first["rid"] = np.arange(20) % 2, np.arange(20)
    second = pd.DataFrame(rng.normal(size=(20, 3)), columns=list("abc"))
    second["y"] = (np.arange(20) % 2).astype(float)
    second["rid"] = np.arange(20, 40).astype(float)
    second.loc[3, "rid"] = np.nan
    first.to_parquet(folder / "p0.parquet")
    second.to_parquet(folder / "p1.parquet")
    dataset = aekit.open_dataset(folder, columns=list("abc"), label_column="y")
    model = aekit.ConditionalVAE(max_iter=1, random_state=0).fit(dataset)
    assert model.classes_.tolist() == [0, 1] and model.classes_.dtype.kind == "i"  # not 0.0
    run, out = tmp_path / "run", tmp_path / "scores.csv"
    train = ["train", folder, "--id-column", "rid", "--ignore-column", "y", "--epochs", "1"]
    train.append("--no-figures")
    ok(invoke(*train, "--out", run))
    ok(invoke("score", run, folder, "-o", out))
    ids = out.read_text().splitlines()[1:]
    assert [line.split(",")[0] for line in ids[19:25]] == ["19", "20", "21", "22", "", "24"]


def test_types_that_cannot_be_one_are_refused_whatever_the_files_order(tmp_path):
    # uint64 beside int64 or double merges as int64 or double, which hold no uint64 past 2**63;
    # the refusal came or not with the files' order, and named a merged type as the first's.
    import pyarrow as pa
    import pyarrow.parquet as pq

    def folder(name: str, types: list) -> Path:
        path = tmp_path / name
        path.mkdir()
        for i, kind in enumerate(types):
            values = ["1", "2"] if pa.types.is_string(kind) else [1, 2]
            table = pa.table({"v": pa.array(values, type=kind), "w": [0.5, 1.5]})
            pq.write_table(table, path / f"p{i}.parquet")
        return path

    for types in ([pa.int64(), pa.uint64(), pa.float64()], [pa.float64(), pa.int64(), pa.uint64()]):
        with pytest.raises(ValueError, match=r"column 'v' is \w+ in .* but \w+ in"):
            aekit.open_dataset(folder(f"u{len(list(tmp_path.iterdir()))}", types))
    assert aekit.open_dataset(folder("small", [pa.uint8(), pa.int64()])).dtypes["v"] == "int64"
    three = folder("three", [pa.int64(), pa.float64(), pa.string()])
    with pytest.raises(ValueError, match=r"column 'v' is int64 in .*p0.parquet but string in"):
        aekit.open_dataset(three)  # the first file's own type, not the merged double


def test_ids_of_integer_and_whole_float_parts_without_a_gap_stay_integers(tmp_path):
    # in memory, pandas joins int64 and float64 parts as floats: 0.0, 1.0, ... 20.0 (review)
    folder = tmp_path / "parts"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i, ids in enumerate([np.arange(20), np.arange(20, 40).astype(float)]):
        part = pd.DataFrame(rng.normal(size=(20, 3)), columns=list("abc"))
        part["rid"] = ids
        part.to_parquet(folder / f"p{i}.parquet")
    run, out = tmp_path / "run", tmp_path / "scores.csv"
    ok(invoke("train", folder, "--id-column", "rid", "--epochs", "1", "--no-figures", "--out", run))
    ok(invoke("score", run, folder, "-o", out))
    ids = [line.split(",")[0] for line in out.read_text().splitlines()[1:]]
    assert ids[:2] == ["0", "1"] and ids[19:22] == ["19", "20", "21"]


def test_aekit_impute_keeps_a_folders_integer_ids_exact(tmp_path):
    # ids of int64 and whole-float parts came back as floats, and 2**53 + 1 as 2**53 (review)
    folder = tmp_path / "parts"
    folder.mkdir()
    rng = np.random.default_rng(0)
    first = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    first["id"] = np.arange(30) + 2**53 + 1
    first.loc[3, "b"] = np.nan
    second = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    second["id"] = np.arange(30, 60).astype(float)
    first.to_parquet(folder / "p0.parquet")
    second.to_parquet(folder / "p1.parquet")
    for name in ("filled.csv", "filled.parquet"):
        out = tmp_path / name
        ok(invoke("impute", folder, "--id-column", "id", "--epochs", "1", "--seed", "0", "-o", out))
        ids = pd.read_csv(out, dtype={"id": str}) if name.endswith("csv") else pd.read_parquet(out)
        assert [str(v) for v in ids["id"].iloc[[0, 30]]] == [str(2**53 + 1), "30"], name
