"""A categorical column whose type differs between fit and new rows (zip codes as text in a CSV,
as integers in a Parquet file): read as fit's type on the command line, and named with the cast
that fixes it in Python, both ways."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

from aekit.data.category_types import as_fitted_codes
from aekit.data.tabular import TabularEncoder

ZIPS = ["05713", "43889", "68836", "75001"]


def shop(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"zip": rng.choice(ZIPS, n), "spend": rng.normal(20, 5, n)})


def _scores(run, data, tmp_path) -> pd.DataFrame:
    ok(invoke("score", run, data, "-o", tmp_path / "s.csv"))
    return pd.read_csv(tmp_path / "s.csv")


@pytest.mark.parametrize("fit_on", ["csv", "parquet"])
def test_a_code_column_fitted_from_one_file_kind_scores_the_other(tmp_path, fit_on):
    # a CSV's '68836' and a Parquet file's 68836 were different categories: all 50 rows of the
    # training file, written to Parquet, were flagged as unseen (05713 is 5713 in the Parquet)
    frame = shop()
    frame.to_csv(tmp_path / "shop.csv", index=False)
    frame.assign(zip=frame["zip"].astype(int)).to_parquet(tmp_path / "shop.parquet")
    other = "parquet" if fit_on == "csv" else "csv"
    run = tmp_path / "RUN"
    ok(invoke("detect", tmp_path / f"shop.{fit_on}", "--category-column", "zip", "--out", run,
              "--quiet", "--param", "n_estimators=1", "--param", "member_params={max_iter=2}",
              "--no-figures"))  # fmt: skip
    scores = _scores(run, tmp_path / f"shop.{other}", tmp_path)
    assert np.isfinite(scores["anomaly_score"]).all()
    assert not scores["top_features"].str.contains("unseen").any()


def test_an_autoencoder_run_reads_codes_as_fitted_too(tmp_path):
    frame = shop()
    frame.to_csv(tmp_path / "shop.csv", index=False)
    frame.assign(zip=frame["zip"].astype(int)).to_parquet(tmp_path / "shop.parquet")
    run = tmp_path / "RUN"
    ok(invoke("train", tmp_path / "shop.csv", "--category-column", "zip", "--out", run,
              "--param", "max_iter=2", "--quiet", "--no-figures"))  # fmt: skip
    assert len(_scores(run, tmp_path / "shop.parquet", tmp_path)) == len(frame)


def test_impute_with_a_run_reads_codes_as_fitted_and_writes_them_as_given(tmp_path):
    # impute --model alone encoded DATA itself: a CSV run given the Parquet file's integer
    # zips refused every row, advising --category-column zip, which the run then refused
    frame = shop()
    frame.loc[::10, "spend"] = np.nan
    frame.to_csv(tmp_path / "shop.csv", index=False)
    numbers = frame.assign(zip=frame["zip"].astype(int).astype("Int64"))
    numbers.loc[3, "zip"] = pd.NA  # a gap, filled with a code of fit, as an integer
    numbers.to_parquet(tmp_path / "shop.parquet")
    run, filled = tmp_path / "RUN", tmp_path / "filled.parquet"
    ok(invoke("impute", tmp_path / "shop.csv", "-o", tmp_path / "f.csv", "--out", run,
              "--category-column", "zip", "--epochs", "2", "--quiet", "--no-figures"))  # fmt: skip
    for typed in ([], ["--category-column", "zip"]):  # the run's own option, typed again
        ok(invoke("impute", tmp_path / "shop.parquet", "--model", run, "-o", filled, *typed))
        out = pd.read_parquet(filled)
        assert out["zip"].notna().all() and pd.api.types.is_integer_dtype(out["zip"])
        kept = numbers["zip"].notna()
        assert (out["zip"][kept] == numbers["zip"][kept]).all()
        assert out.loc[3, "zip"] in {5713, 43889, 68836, 75001}


def test_codes_are_read_as_fitted_and_other_codes_stay_unseen():
    assert as_fitted_codes(pd.Series([68836, 5713, 99999]), ZIPS).tolist() == [
        "68836",
        "05713",
        "99999",
    ]
    texts = pd.Series(["68836", "05713", "x", None], dtype=object)
    assert as_fitted_codes(texts, [68836, 5713]).tolist()[:3] == [68836, 5713, "x"]
    floats = pd.Series([68836.0, np.nan])  # integers read as floats beside a missing value
    assert as_fitted_codes(floats, ["68836"]).tolist()[0] == "68836"


def test_text_codes_keep_their_zeros_only_numbers_get_fits():
    # a CSV's '7' beside fit's '007' was rewritten to '007' and scored as normal, unsaid: only a
    # number (a file of integers drops its zeros) is read with fit's zeros
    known = ["007", "008", "010", "123"]
    texts = pd.Series(["7", "8", "10", "007", "0123"], dtype=object)
    assert as_fitted_codes(texts, known).tolist() == ["7", "8", "10", "007", "0123"]
    assert as_fitted_codes(pd.Series([7, 123]), known).tolist() == ["007", "123"]
    mixed = pd.Series([7, "7", None], dtype=object)  # one cell of each
    assert as_fitted_codes(mixed, known).tolist()[:2] == ["007", "7"]
    declared = pd.Series([7, 10]).astype("category")  # integer codes declared categories
    assert as_fitted_codes(declared, known).tolist() == ["007", "010"]


@pytest.mark.parametrize(
    ("fitted", "given", "words"),
    [
        ("text", "integers", "was text in fit ('68836' is one of its categories)"),
        ("integers", "text", "was integers in fit (68836 is one of its categories)"),
    ],
)
def test_python_names_the_cast_both_ways(fitted, given, words):
    text = shop()
    numbers = text.assign(zip=text["zip"].astype(int))
    codes = numbers.astype({"zip": "category"})  # integers declared categories
    fit, new = (text, numbers) if fitted == "text" else (codes, text)
    encoder = TabularEncoder().fit(fit)
    row = new[new["zip"].astype(str).isin(["68836"])].head(1)
    with pytest.raises(ValueError, match="holds (numbers|text) here") as caught:
        encoder.transform(row)
    assert words in str(caught.value)
    from aekit.cli.errors import for_the_command_line

    line = for_the_command_line(str(caught.value), {"category_column"})
    advice = "--category-column" if fitted == "text" else "write the column as integers in DATA"
    assert advice in line and "X[" not in line, line


def test_a_number_and_its_text_in_one_column_are_warned_of():
    # {'c': [5, 6, 7, 8, '5', '6', '7', '8']}: two categories for each value, unsaid
    values = pd.Series([7, "7", 8, "8", "x"] * 20, dtype=object)
    frame = pd.DataFrame({"a": np.arange(100.0) % 7, "c": values})
    with pytest.warns(UserWarning, match=r"column 'c' holds values both as numbers and as text "
                      r"\(7 and '7', 8 and '8'\)"):  # fmt: skip
        TabularEncoder().fit(frame)
    import warnings

    for alone in (values.astype(str), [True, "x"] * 50):  # a number or its text alone
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            TabularEncoder().fit(frame.assign(c=alone))
        assert not [w for w in said if "both as numbers and as text" in str(w.message)]


def test_the_cast_advised_for_a_float_and_its_text_makes_one_category():
    # astype(str) was advised: 1.0 became '1.0', still apart from '1'
    import re
    import warnings

    from aekit.data.category_types import warn_codes_both_ways

    frame = pd.DataFrame({"c": pd.Series([1.0, "1", 2.0, "2"], dtype=object)})
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        warn_codes_both_ways("c", list(frame["c"].unique()))
    cast = re.search(r"X\['c'\] = (.*)\.$", str(said[0].message))[1]
    assert frame.assign(c=eval(cast, {"X": frame})).c.nunique() == 2  # noqa: S307
