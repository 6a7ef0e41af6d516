"""Fills written into a table whose column types differ from fit's: next month's file with a
float32 column, a text or True/False column nobody filled in this time (read as floats), and a
Parquet boolean column read from disk (its fills were 0.77: a raw pandas or pyarrow error)."""

import numpy as np
import pandas as pd
import pytest

import aekit


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    n = 200
    table = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "plan": rng.choice(["basic", "gold"], n),
            "active": rng.random(n) > 0.5,
        }
    )
    table["y"] = table["x"] * 2 + rng.normal(scale=0.1, size=n)
    holes = table.copy()
    holes.loc[::7, "x"] = np.nan
    holes.loc[::5, "plan"] = None
    imputer = aekit.AutoencoderImputer(random_state=0, max_iter=2, n_estimators=1)
    return imputer.fit(holes), table


def test_a_float32_column_is_filled_in_float32(fitted):
    imputer, table = fitted
    new = table.iloc[:30].astype({"x": np.float32, "y": np.float32})
    new.loc[::3, "x"] = np.nan
    out = imputer.transform(new)
    assert out["x"].dtype == np.float32 and out["x"].notna().all()
    pd.testing.assert_series_equal(out["y"], new["y"])  # known cells as they were


def test_a_column_left_empty_this_time_takes_its_fills_type(fitted):
    imputer, table = fitted
    new = table.iloc[:20].copy()
    new["plan"] = np.nan  # nobody filled 'plan' in this month: pandas reads it as floats
    new["active"] = np.nan
    out = imputer.transform(new)
    assert set(out["plan"]) <= {"basic", "gold"} and out["active"].dtype == bool
    some = table.iloc[:20].copy()
    some.loc[[1, 2], "plan"] = None  # a text column with a few gaps keeps its other cells
    assert (imputer.transform(some)["plan"].drop(index=[1, 2]) == some["plan"].drop([1, 2])).all()


def test_a_parquet_boolean_column_is_filled_with_true_or_false_on_disk(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"x": rng.normal(size=200), "flag": pd.array(rng.random(200) > 0.5, dtype="boolean")}
    )
    frame.loc[::7, "x"] = np.nan
    frame.loc[3::11, "flag"] = pd.NA
    frame.to_parquet(tmp_path / "b.parquet", index=False)
    data = aekit.open_dataset(tmp_path / "b.parquet")
    imputer = aekit.AutoencoderImputer(random_state=0, max_iter=2, n_estimators=1).fit(data)
    imputer.transform(data, out=tmp_path / "f.parquet")
    filled = pd.read_parquet(tmp_path / "f.parquet")
    assert filled["flag"].dtype in (bool, "boolean") and filled["flag"].notna().all()
    kept = frame["flag"].notna().to_numpy()
    assert (filled["flag"][kept].to_numpy() == frame["flag"][kept].to_numpy()).all()


def test_a_text_column_of_decimal_numbers_is_refused_and_codes_are_not():
    # a Parquet string column of '0.79'-like values was a category: every gap got one value
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=60), "s": [f"{v:.2f}" for v in rng.normal(size=60)]})
    table.loc[4, "s"] = None
    with pytest.raises(ValueError, match=r"column 's' holds numbers with a fractional part "
                       r"written as text .*pd\.to_numeric\(X\['s'\]\)"):  # fmt: skip
        aekit.AutoencoderImputer(max_iter=1).fit(table)
    from aekit.cli.errors import for_the_command_line

    with pytest.raises(ValueError) as caught:
        aekit.AutoencoderImputer(max_iter=1).fit(table)
    said = for_the_command_line(str(caught.value), {"ignore_column"})  # as 'aekit impute'
    assert said.endswith("or leave it out with --ignore-column s.") and "pd." not in said
    with pytest.warns(UserWarning, match="holds numbers with a fractional part"):
        aekit.TabularEncoder().fit(table.dropna())  # "aekit train": warned ('250.00' codes)
    codes = table.assign(s=["01000", "02000", None] * 20)  # zip codes: categories, as before
    filled = aekit.AutoencoderImputer(max_iter=1, n_estimators=1).fit_transform(codes)
    assert set(filled["s"]) == {"01000", "02000"}


def test_a_column_observed_in_few_rows_is_warned_of(tmp_path):
    # a column with one observed value filled all 199 gaps with it, unsaid
    table = pd.DataFrame({"a": np.arange(100.0), "b": np.arange(100.0) * 2, "sparse": np.nan})
    table.loc[:9, "sparse"] = 1.5
    table.loc[50, "a"] = np.nan
    quick = {"max_iter": 1, "n_estimators": 1}
    warned = r"column\(s\) 'sparse' \(10 of 100\) have a value in fewer than 20% of the rows"
    with pytest.warns(UserWarning, match=warned):
        aekit.AutoencoderImputer(**quick).fit(table)
    table.to_parquet(tmp_path / "t.parquet", index=False)  # read a batch at a time: the same
    with pytest.warns(UserWarning, match=warned):
        aekit.AutoencoderImputer(**quick).fit(aekit.open_dataset(tmp_path / "t.parquet"))
    import warnings

    table.loc[:40, "sparse"] = 1.5  # 41 of 100: no word
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*fewer than 20%")
        aekit.AutoencoderImputer(**quick).fit(table)


def test_a_frame_read_with_pyarrow_types_is_filled(tmp_path):
    # pd.read_parquet(..., dtype_backend="pyarrow"): a category column became pyarrow's
    # dictionary<...> type, whose name numpy could not read back ('format number 1 ...'), and
    # an id column of text was taken for decimals written as text (pyarrow's NaN, not NA)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=80),
            "plan": pd.Categorical(rng.choice(["basic", "gold"], 80)),
            "tag": [f"C{i:04d}" for i in range(80)],
        }
    )
    frame["y"] = frame["x"] * 2
    frame.loc[::9, "y"] = np.nan
    frame.loc[::7, "plan"] = None
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    arrow = pd.read_parquet(tmp_path / "t.parquet", dtype_backend="pyarrow").drop(columns="tag")
    quick = {"max_iter": 1, "n_estimators": 1, "random_state": 0}
    filled = aekit.AutoencoderImputer(**quick).fit_transform(arrow)
    assert filled.notna().all().all() and set(filled["plan"]) <= {"basic", "gold"}
    with_ids = pd.read_parquet(tmp_path / "t.parquet", dtype_backend="pyarrow")
    from aekit.data.number_formats import decimal_numbers_as_text

    assert decimal_numbers_as_text(with_ids["tag"]) is None


def test_a_typed_column_left_empty_keeps_fits_pandas_type():
    # Int64 came back int64 and a category column as plain text (the review)
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            "x": rng.normal(size=100),
            "k": pd.array(rng.integers(0, 9, 100), dtype="Int64"),
            "c": pd.Categorical(rng.choice(["u", "v"], 100)),
        }
    )
    table.loc[::5, "x"] = np.nan
    imputer = aekit.AutoencoderImputer(max_iter=1, n_estimators=1, random_state=0).fit(table)
    new = table.iloc[:10].copy()
    new["k"] = pd.array([pd.NA] * 10, dtype="Int64")
    new["c"] = pd.Categorical([None] * 10, categories=["u", "v"])
    out = imputer.transform(new)
    assert out["k"].dtype == "Int64" and isinstance(out["c"].dtype, pd.CategoricalDtype)
    assert out[["k", "c"]].notna().all().all()


def test_a_parquet_decimal_column_is_filled_with_decimals_at_its_scale(tmp_path):
    # aekit impute trained, then failed at the write: "int or Decimal object expected, got float"
    from decimal import Decimal

    from cli_helpers import invoke, ok

    rng = np.random.default_rng(0)
    amounts = pd.Series([Decimal(f"{v:.2f}") for v in rng.normal(100, 10, 120)], dtype=object)
    amounts[[3, 40]] = None
    table = pd.DataFrame({"amount": amounts, "x": rng.normal(size=120)})
    table.to_parquet(tmp_path / "d.parquet")
    ok(invoke("impute", tmp_path / "d.parquet", "-o", tmp_path / "f.parquet", "--epochs", 2))
    filled = pd.read_parquet(tmp_path / "f.parquet")["amount"]
    assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in filled)
    assert filled.drop([3, 40]).equals(amounts.drop([3, 40]))  # known cells as they were
    # Spark's decimal(38, 18): 2e10 at 18 places is 29 digits, past Python's default 28
    # (decimal.InvalidOperation, a traceback)
    import pyarrow as pa
    import pyarrow.parquet as pq

    wide = [Decimal(f"{v:.6f}") * Decimal("1e9") for v in rng.normal(20, 1, 120)]
    wide[5] = None
    column = pa.array(wide, pa.decimal128(38, 18))
    pq.write_table(pa.table({"amount": column, "x": table["x"]}), tmp_path / "w.parquet")
    ok(invoke("impute", tmp_path / "w.parquet", "-o", tmp_path / "g.parquet", "--epochs", 2))
    assert pd.read_parquet(tmp_path / "g.parquet")["amount"][5].as_tuple().exponent == -18
