"""Numbers a CSV writes with marks (a currency, thousands separators) are refused on the command
line naming its options, not pandas' code."""

from __future__ import annotations

import numpy as np
import pandas as pd
from cli_helpers import invoke, ok

from aekit.cli.errors import error_message, for_the_command_line


def refused(result, *words: str) -> str:
    """The refusal as the command line prints it, holding ``words``."""
    said = for_the_command_line(error_message(result.exception))
    for word in words:
        assert word in said, said
    return said


def _table(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"a": rng.normal(size=n), "amount": rng.uniform(10, 900, n).round(2)})


def test_impute_names_ignore_column_for_currency_amounts(tmp_path):
    # "Convert the column first: X['amount'] = pd.to_numeric(...)": Python, on the command line
    frame = _table().astype({"a": object})
    frame["amount"] = [f"${v}" for v in frame["amount"]]
    frame.loc[3, "a"] = None
    frame.to_csv(tmp_path / "holes.csv", index=False)
    said = refused(invoke("impute", tmp_path / "holes.csv", "-o", tmp_path / "f.csv"),
                   "holds numbers written with", "--ignore-column amount")  # fmt: skip
    assert "pd.to_numeric" not in said and "X[" not in said


def test_score_names_thousands_for_a_grouped_cell(tmp_path):
    # "holds '1,234.50' (row 5), not a number ... Fix the value": --thousands ',' fixed it
    _table().to_csv(tmp_path / "clean.csv", index=False)
    run = tmp_path / "RUN"
    ok(invoke("detect", tmp_path / "clean.csv", "--out", run, "--quiet", "--param",
              "n_estimators=1"))  # fmt: skip
    bad = _table().astype({"amount": object})
    bad.loc[5, "amount"] = "1,234.50"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    said = refused(invoke("score", run, tmp_path / "bad.csv", "-o", tmp_path / "s.csv"),
                   "'1,234.50' (row 5)", "pass --thousands ','")  # fmt: skip
    assert "pd.read_csv" not in said
    # a Parquet file's text column: --thousands reads text tables alone (it was advised, and
    # given, the same refusal came back)
    bad.astype({"amount": str}).to_parquet(tmp_path / "bad.parquet", index=False)
    said = refused(invoke("score", run, tmp_path / "bad.parquet", "-o", tmp_path / "p.csv"),
                   "convert the column to numbers in DATA")  # fmt: skip
    assert "pass --thousands" not in said
