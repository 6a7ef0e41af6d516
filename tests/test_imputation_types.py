"""AutoencoderImputer returns X's type: array dtypes, pd.NA in an object array, too few rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.data.exact_floats import exact_floats
from aekit.imputation import AutoencoderImputer

TINY = dict(hidden_layer_sizes=(8,), n_estimators=1, max_iter=3, random_state=0)


def _holes(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 10.0, 100.0]
    mask = rng.random(X.shape) < 0.15
    return np.where(mask, np.nan, X), mask


def test_float32_and_integer_arrays_keep_their_dtype():
    X, mask = _holes()
    single = X.astype(np.float32)
    filled = AutoencoderImputer(**TINY).fit(single).transform(single)
    assert filled.dtype == np.float32  # was float64
    assert not np.isnan(filled).any()
    np.testing.assert_array_equal(filled[~mask], single[~mask])
    counts = np.rint(np.nan_to_num(X[:, :2], nan=3.0)).astype(np.int32)
    assert AutoencoderImputer(**TINY).fit(counts).transform(counts).dtype == np.int32


def test_pd_na_in_an_object_array_is_a_hole_to_fill():
    X, mask = _holes()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    imputer = AutoencoderImputer(**TINY).fit(frame)
    rows = X[:5].astype(object)
    rows[np.isnan(X[:5])] = pd.NA  # was TypeError: float() ... NAType
    filled = imputer.transform(rows)
    assert filled.dtype == np.float64 and not np.isnan(filled).any()
    np.testing.assert_allclose(filled, imputer.transform(X[:5]))


def test_empty_and_one_row_tables_are_refused_alike():
    X, _ = _holes()
    imputer = AutoencoderImputer(**TINY).fit(pd.DataFrame(X))
    with pytest.raises(ValueError, match="X has no rows"):  # was a reshape error
        imputer.transform(pd.DataFrame(X).iloc[:0])
    for rows in (X[:1], X[:0]):  # one row was accepted; an empty X said "at least one row"
        with pytest.raises(ValueError, match="at least 2 rows"):
            AutoencoderImputer(**TINY).fit(rows)


def test_a_numeric_column_with_a_stray_text_cell_is_refused_naming_it():
    # One 'abc' made the column categories: its holes were filled with its most frequent value,
    # written as text, without a word.
    X, _ = _holes()
    frame = pd.DataFrame(X, columns=["a", "glucose", "c"]).astype({"glucose": object})
    frame.loc[2, "glucose"] = "abc"
    with pytest.raises(
        ValueError, match="'glucose' holds numbers but also text: 'abc' \\(row 2, 0-based\\)"
    ):
        AutoencoderImputer(**TINY).fit(frame)
    coerced = frame.assign(glucose=pd.to_numeric(frame["glucose"], errors="coerce"))
    filled = AutoencoderImputer(**TINY).fit_transform(coerced)  # the fix the message gives
    assert filled["glucose"].dtype == np.float64 and not filled.isna().any().any()


def test_a_parquet_dataset_filled_to_a_file_keeps_its_own_cells(tmp_path):
    # transform(dataset, out=...) wrote every cell as the reader's float32: 283 of 300 observed
    # balances of about 1e6 changed, by up to 0.03 (user review)
    import warnings

    rng = np.random.default_rng(0)
    age = rng.normal(40, 10, 300)
    age[::7] = np.nan
    balance = np.round(1e6 + rng.normal(0, 5000, 300), 2)
    table = pd.DataFrame({"balance": balance, "age": age, "kind": rng.choice(["a", "b"], 300)})
    table.to_parquet(tmp_path / "holes.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short fit
        dataset = aekit.open_dataset(tmp_path / "holes.parquet", columns=["balance", "age"])
        imputer = aekit.AutoencoderImputer(max_iter=2, random_state=0).fit(dataset)
        for out in ("filled.parquet", "filled.csv"):
            imputer.transform(dataset, out=tmp_path / out)
    for filled in (
        pd.read_parquet(tmp_path / "filled.parquet"),
        pd.read_csv(tmp_path / "filled.csv", **exact_floats(",")),  # as aekit reads it
    ):
        assert list(filled.columns) == ["balance", "age"] and not filled.isna().any().any()
        np.testing.assert_array_equal(filled["balance"], balance)  # float64 as in the file
        observed = ~np.isnan(age)
        np.testing.assert_array_equal(filled["age"][observed], age[observed])
    with pytest.raises(ValueError, match="out="):  # never over the file it reads
        imputer.transform(dataset, out=tmp_path / "holes.parquet")


def _fill_both_ways(path):
    """Fill the Parquet table ``path`` into filled.parquet beside it with
    ``transform(dataset, out=...)``, and into cli.parquet with ``aekit impute``."""
    import warnings

    from typer.testing import CliRunner

    from aekit.cli import app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short fit
        dataset = aekit.open_dataset(path)
        imputer = aekit.AutoencoderImputer(max_iter=2, n_estimators=1, random_state=0)
        imputer.fit(dataset).transform(dataset, out=path.parent / "filled.parquet")
        result = CliRunner().invoke(
            app,
            ["impute", str(path), "-o", str(path.parent / "cli.parquet"),
             "--param", "max_iter=2", "--param", "n_estimators=1", "--quiet"],
        )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_a_parquet_table_filled_keeps_each_column_type(tmp_path):
    # A float32 column came back float64 from transform(dataset, out=...), a float64 one of
    # whole numbers Int64 from 'aekit impute', and a nullable integer column crashed out=
    # with pandas' "cannot safely cast non-equivalent object to int64" (user review)

    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    n = 300
    table = pd.DataFrame(
        {
            "count": pd.array([1, None, 3] * 100, dtype="Int64"),
            "share": rng.random(n).astype(np.float32),
            "whole": np.floor(rng.random(n) * 100),
            "level": rng.normal(size=n),
        }
    )
    for name in ("share", "whole", "level"):
        table.loc[rng.random(n) < 0.1, name] = np.nan
    table.to_parquet(tmp_path / "holes.parquet", index=False)
    _fill_both_ways(tmp_path / "holes.parquet")
    types = pq.read_schema(tmp_path / "holes.parquet").types
    for name in ("filled.parquet", "cli.parquet"):
        assert pq.read_schema(tmp_path / name).types == types
        filled = pd.read_parquet(tmp_path / name)
        assert not filled.isna().any().any()
        observed = table.notna()
        for column in table.columns:
            kept = observed[column].to_numpy()
            np.testing.assert_array_equal(filled[column][kept], table[column][kept])
        assert pd.api.types.is_integer_dtype(filled["count"])  # fills rounded, as integers


def test_an_integer_column_written_by_pyarrow_is_filled_with_integers(tmp_path):
    # Without pandas' metadata an int64 column with nulls is read as float64: out= failed
    # ("Float value 49.05 was truncated converting to int64") and 'aekit impute' wrote doubles
    # such as 54.07 (a review)

    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    counts = [int(v) if rng.random() > 0.1 else None for v in rng.integers(0, 100, 300)]
    level = rng.normal(size=300)
    level[rng.random(300) < 0.1] = np.nan
    pq.write_table(
        pa.table({"count": pa.array(counts, pa.int64()), "level": pa.array(level)}),
        tmp_path / "raw.parquet",
    )
    _fill_both_ways(tmp_path / "raw.parquet")
    for name in ("filled.parquet", "cli.parquet"):
        filled = pq.read_table(tmp_path / name)
        assert filled.schema.field("count").type == pa.int64()
        assert filled.column("count").null_count == 0
        kept = [c is not None for c in counts]
        assert np.array_equal(np.asarray(filled.column("count"))[kept], np.asarray(counts)[kept])


def test_an_empty_parquet_table_to_fill_is_refused_by_name(tmp_path):
    import warnings

    table = pd.DataFrame({"a": [1.0, np.nan, 3.0] * 20, "b": np.arange(60.0)})
    table.to_parquet(tmp_path / "holes.parquet", index=False)
    table.iloc[:0].to_parquet(tmp_path / "empty.parquet", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short fit
        imputer = AutoencoderImputer(max_iter=1, n_estimators=1)
        imputer.fit(aekit.open_dataset(tmp_path / "holes.parquet"))
    for out in ("filled.parquet", "filled.csv"):  # a bare StopIteration before
        with pytest.raises(ValueError, match="empty.parquet has no rows: nothing to fill"):
            imputer.transform(aekit.open_dataset(tmp_path / "empty.parquet"), out=tmp_path / out)
        assert not (tmp_path / out).exists()


def test_numbers_with_a_decimal_comma_are_refused_naming_decimal():
    # a ';' file read without decimal=',': every number a category, holes filled with other
    # rows' strings, without an error (user audit)
    import io

    rng = np.random.default_rng(0)
    a = rng.normal(size=60)
    frame = pd.DataFrame({"a": a, "b": 2 * a, "c": rng.normal(size=60)})
    frame.loc[::5, "b"] = np.nan
    text = io.StringIO(frame.to_csv(sep=";", decimal=",", index=False))
    misread = pd.read_csv(text, sep=";")
    with pytest.raises(ValueError, match=r"column 'a' holds numbers written with a decimal comma"):
        aekit.AutoencoderImputer(max_iter=2).fit(misread)
    with pytest.warns(UserWarning, match="decimal=','"):
        aekit.TabularEncoder().fit(misread.drop(columns="b"))
