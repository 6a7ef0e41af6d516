"""``--category-column``: a table's column of codes (zip codes) read as categories, not as a
quantity: a CSV's as written ('01000' kept), a Parquet file's numbers as categories, recorded in
the RUN and reused; and the warning that names the option for a column named like a code."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, read_as_a_large_csv, refused

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]
FAST = [*QUICK, "--no-figures"]  # train, where no test reads its figures
ZIPS = ["01000", "02134", "75001", "94105"]


def shop(n: int = 120, seed: int = 0) -> pd.DataFrame:
    """Zip codes as written (text), a spend that depends on them, an age."""
    rng = np.random.default_rng(seed)
    zips = rng.choice(ZIPS, n)
    spend = np.where(zips == "75001", 100.0, 20.0) + rng.normal(0, 5, n)
    return pd.DataFrame({"zip": zips, "spend": spend, "age": rng.integers(18, 80, n)})


def categories(run) -> dict:
    return json.loads((run / "encoder.json").read_text())["categories"]


def test_a_csv_code_column_is_read_as_written_and_its_categories_come_back(tmp_path):
    shop().to_csv(tmp_path / "shop.csv", index=False)
    run = tmp_path / "RUN"
    ok(invoke("train", tmp_path / "shop.csv", "--category-column", "zip", "--out", run, *FAST))
    assert categories(run) == {"zip": ZIPS}  # '01000', not 1000; and no spread of numbers
    assert "category_columns" in (run / "config.toml").read_text()
    assert "--category-column zip" in (run / "command.txt").read_text()
    # the RUN's option is reused: the zips read as written again, decoded as categories
    ok(invoke("reconstruct", run, tmp_path / "shop.csv", "-o", tmp_path / "rec.csv"))
    back = pd.read_csv(tmp_path / "rec.csv", dtype={"zip": str})
    assert set(back["zip"]) <= set(ZIPS)


def test_without_the_option_a_code_column_is_a_measurement_and_warned_of(tmp_path):
    shop().to_csv(tmp_path / "shop.csv", index=False)  # '01000': its zeros say it is codes
    with pytest.warns(UserWarning, match="leading zeros.*--category-column zip"):
        ok(invoke("train", tmp_path / "shop.csv", "--out", tmp_path / "RUN", *FAST))
    assert not (tmp_path / "RUN" / "encoder.json").exists()  # numbers alone: no encoding
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "DATA's column")  # declared: nothing to say
        ok(invoke("train", tmp_path / "shop.csv", "--category-column", "zip", "--out",
                  tmp_path / "RUN2", *FAST))  # fmt: skip


@pytest.mark.parametrize(
    ("name", "warned"),
    [("zip", True), ("ZipCode", True), ("product_code", True), ("postal code", True),
     ("price", False), ("encode", False), ("zipper", False)],
)  # fmt: skip
def test_the_names_said_to_be_codes(name, warned):
    from aekit.cli.column_warnings import warn_of_code_like_columns

    frame = pd.DataFrame({name: [10, 11, 12, 13] * 5, "x": np.arange(20.0)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_of_code_like_columns(frame)
    assert bool(caught) == warned
    # a flag (two values), fractions or text are no codes read as quantities
    for values in ([0, 1] * 10, np.linspace(0, 1, 20), ["a", "b"] * 10):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warn_of_code_like_columns(pd.DataFrame({name: values}))


def test_a_parquet_number_column_is_categories_and_scored_with_the_runs_option(tmp_path):
    frame = shop().assign(zip=lambda f: f["zip"].astype(int))
    frame.to_parquet(tmp_path / "shop.parquet")
    run = tmp_path / "RUN"
    ok(invoke("detect", tmp_path / "shop.parquet", "--category-column", "zip", "--out", run,
              "--quiet"))  # fmt: skip
    ok(invoke("score", run, tmp_path / "shop.parquet", "-o", tmp_path / "s.csv"))
    scores = pd.read_csv(tmp_path / "s.csv")
    assert len(scores) == len(frame) and np.isfinite(scores["anomaly_score"]).all()
    # a zip no training row held is an unseen category, not a number between two others
    frame.loc[0, "zip"] = 50000
    frame.to_parquet(tmp_path / "new.parquet")
    ok(invoke("score", run, tmp_path / "new.parquet", "-o", tmp_path / "n.csv"))
    assert pd.read_csv(tmp_path / "n.csv")["top_features"][0].startswith("zip=50000 (unseen)")


def test_impute_fills_a_code_with_one_of_its_categories_as_written(tmp_path):
    frame = shop(seed=1).astype({"zip": object})
    frame.loc[::7, "zip"] = None
    frame.to_csv(tmp_path / "gaps.csv", index=False)
    ok(invoke("impute", tmp_path / "gaps.csv", "--category-column", "zip", "-o",
              tmp_path / "filled.csv", *QUICK))  # fmt: skip
    filled = pd.read_csv(tmp_path / "filled.csv", dtype={"zip": str})
    assert filled["zip"].notna().all() and set(filled["zip"]) <= set(ZIPS)
    kept = frame["zip"].notna()
    assert (filled["zip"][kept] == frame["zip"][kept]).all()


def test_a_large_csv_read_through_its_copy_keeps_the_codes_as_written(tmp_path, monkeypatch):
    read_as_a_large_csv(monkeypatch)
    shop().to_csv(tmp_path / "shop.csv", index=False)
    run = tmp_path / "RUN"
    ok(invoke("train", tmp_path / "shop.csv", "--category-column", "zip", "--out", run, *FAST))
    assert categories(run) == {"zip": ZIPS}


def test_wrong_category_columns_are_refused(tmp_path):
    shop().to_csv(tmp_path / "shop.csv", index=False)
    np.save(tmp_path / "x.npy", np.zeros((20, 3), dtype=np.float32))
    data, out = tmp_path / "shop.csv", tmp_path / "RUN"
    said = refused(invoke("train", data, "--category-column", "zipp", "--out", out, *FAST),
                   "--category-column zipp", "no such column", "zip, spend, age")  # fmt: skip
    assert len(said) < 200
    refused(invoke("train", data, "--category-column", "zip", "--id-column", "zip", "--out",
                   out, *FAST), "one or the other")  # fmt: skip
    labelled = ["--model", "cvae", "--label-column", "zip"]
    refused(invoke("train", data, "--category-column", "zip", *labelled, "--out", out, *FAST),
            "labels are classes")  # fmt: skip
    for array in (tmp_path / "x.npy", "digits"):
        refused(invoke("train", array, "--category-column", "zip", "--out", out, *FAST),
                "names columns of a table")  # fmt: skip
    assert not out.exists()


def test_codes_beyond_float32_read_from_parquet_score_as_trained(tmp_path):
    # read a batch at a time, rows are float32: 987654321 became 987654336, unseen, and a run
    # could not score its own training file
    rng = np.random.default_rng(0)
    codes = np.array([123456789, 123456790, 123456791, 987654321])
    frame = pd.DataFrame({"sku": rng.choice(codes, 120), "spend": rng.normal(size=120)})
    frame.to_parquet(tmp_path / "sku.parquet")
    run = tmp_path / "DET"
    ok(invoke("detect", tmp_path / "sku.parquet", "--category-column", "sku", "--out", run,
              "--quiet", "--param", "n_estimators=1"))  # fmt: skip
    ok(invoke("score", run, tmp_path / "sku.parquet", "-o", tmp_path / "s.csv"))
    assert np.isfinite(pd.read_csv(tmp_path / "s.csv")["anomaly_score"]).all()


def test_a_table_on_disk_is_warned_of_too(tmp_path, monkeypatch):
    read_as_a_large_csv(monkeypatch, lazy_bytes=0)  # read a batch at a time, not as a frame
    shop(300).to_csv(tmp_path / "shop.csv", index=False)
    with pytest.warns(UserWarning, match="'zip' holds codes written with leading zeros"):
        ok(invoke("detect", tmp_path / "shop.csv", "--out", tmp_path / "RUN", "--quiet",
                  "--param", "n_estimators=1"))  # fmt: skip
    shop(300).assign(zip=lambda f: f["zip"].astype(int)).to_csv(tmp_path / "n.csv", index=False)
    with pytest.warns(UserWarning, match="'zip' is named like a code"):  # no zeros: its name
        ok(invoke("detect", tmp_path / "n.csv", "--out", tmp_path / "RUN2", "--quiet",
                  "--param", "n_estimators=1"))  # fmt: skip


def test_a_run_reads_its_codes_as_it_was_trained_to(tmp_path):
    from aekit.cli.column_warnings import warn_of_code_like_columns

    shop().to_csv(tmp_path / "shop.csv", index=False)
    data, coded, plain = tmp_path / "shop.csv", tmp_path / "CODED", tmp_path / "PLAIN"
    ok(invoke("train", data, "--category-column", "zip", "--out", coded, *FAST))
    ok(invoke("train", data, "--out", plain, *FAST))
    out = ["-o", tmp_path / "r.csv"]
    refused(invoke("score", plain, data, "--category-column", "zip", *out),
            "was trained without --category-column", "leave the option out")  # fmt: skip
    refused(invoke("score", coded, data, "--category-column", "age", *out),
            "was trained with --category-column zip")  # fmt: skip
    ok(invoke("score", coded, data, "--category-column", "zip", *out))  # as recorded: fine
    # a run whose codes were text in training (a Parquet file's strings) reads them as text
    # again, which the advice of its refusal without the option names
    shop().to_parquet(tmp_path / "shop.parquet")
    ok(invoke("train", tmp_path / "shop.parquet", "--out", tmp_path / "TEXT", *FAST))
    ok(invoke("score", tmp_path / "TEXT", data, "--category-column", "zip", *out))
    said = refused(invoke("score", coded, data, "--id-column", "zip", *out), "also the --id-column")
    assert "(recorded in" in said
    for command in (
        ["train-hasher", data, "--out", tmp_path / "H"],
        ["detect-series", data, "--time-column", "age", "--out", tmp_path / "S"],
    ):
        refused(invoke(*command, "--category-column", "zip"), "numbers alone")  # fmt: skip
        # refused in words, and not listed by their --help (it was, then refused)
        assert "--category-column" not in ok(invoke(command[0], "--help")).output
    assert "--category-column" in ok(invoke("train", "--help")).output
    for figure in (
        ["reconstruct", coded, data, "-o", tmp_path / "r.png"],
        ["traverse", coded, data, "-o", tmp_path / "t.svg"],
    ):
        refused(invoke(*figure), "trained on a table (its columns zip, spend, age)")  # fmt: skip
    with pytest.warns(UserWarning, match="1234567 is read as near 1234568"):
        warn_of_code_like_columns(pd.DataFrame({"product_code": [1234567, 1234568, 2000000]}))


def test_a_bare_model_file_reads_the_codes_as_its_fit_did(tmp_path):
    # without --category-column the CSV's zips are numbers (5713.0 beside a gap): read as the
    # model's text codes ('05713'), as a RUN's commands read them, and written as DATA has them
    frame = shop().astype({"zip": object})
    frame.loc[::9, "zip"] = None
    frame.to_csv(tmp_path / "gaps.csv", index=False)
    model = tmp_path / "imp.safetensors"
    ok(invoke("impute", tmp_path / "gaps.csv", "--category-column", "zip", "--save-model", model,
              "-o", tmp_path / "f.csv", *QUICK))  # fmt: skip
    ok(invoke("impute", tmp_path / "gaps.csv", "--model", model, "-o", tmp_path / "g.csv"))
    given = pd.read_csv(tmp_path / "gaps.csv", dtype=str)["zip"]
    filled = pd.read_csv(tmp_path / "g.csv", dtype=str)["zip"]
    assert filled[given.notna()].equals(given[given.notna()])  # '05713' as written
    assert filled.isin(set(frame["zip"].dropna())).all()


def test_the_commands_refusing_the_option_are_commands():
    # keyed by name: a renamed command would slip out of the refusal unsaid
    from aekit.cli import app
    from aekit.cli.category_columns import NUMBERS_ALONE

    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    assert set(NUMBERS_ALONE) <= names


def test_digits_written_with_leading_zeros_are_warned_of_as_codes(tmp_path):
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame(
        {
            "customer_no": [f"{v:08d}" for v in rng.integers(10**6, 10**7, n)],  # '0420...'
            "store": [f"{v:04d}" for v in rng.integers(1, 60, n)],  # '0037'
            "visits": rng.integers(0, 12, n),  # '0' alone is a number
            "spend": rng.normal(50, 10, n).round(2),
        }
    )
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    run = ["--out", tmp_path / "R", *QUICK]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok(invoke("train", path, *run))
    said = [str(w.message) for w in caught if "leading zeros" in str(w.message)]
    assert len(said) == 2, said  # customer_no and store; not visits, nor spend
    first = frame["store"].str.startswith("0").idxmax()
    store = next(s for s in said if "'store'" in s)
    assert f"({frame['store'][first]!r}, row {first})" in store, store
    assert "--category-column store" in store and "--id-column store" in store, store
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "DATA's column")  # declared: nothing to say
        ok(invoke("train", path, "--category-column", "store", "--id-column", "customer_no",
                  "--out", tmp_path / "R2", *FAST))  # fmt: skip
