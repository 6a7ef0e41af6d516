"""A column option naming a column DATA lacks names the column meant (a header with a trailing
space, another case, a close spelling) and lists DATA's columns without a run of dots."""

from __future__ import annotations

import numpy as np
import pandas as pd
from cli_helpers import invoke, refused


def _wide(tmp_path):
    rng = np.random.default_rng(0)
    names = ["customer_id", "zip", "amount", "member", "active", "Prix", "âge", "visits"]
    frame = pd.DataFrame({n: rng.integers(0, 9, 30) for n in names}).assign(**{"income ": 1.0})
    frame.to_csv(tmp_path / "t.csv", index=False)
    return tmp_path / "t.csv"


def test_a_header_with_a_trailing_space_is_named_as_meant(tmp_path):
    # "no such column; its columns: customer_id, ..., âge client, ...." (no suggestion, and
    # the list ended with four dots)
    data = _wide(tmp_path)
    said = refused(invoke("detect", data, "--ignore-column", "income", "--out", tmp_path / "R"),
                   "--ignore-column income: DATA", "no such column")  # fmt: skip
    assert "(did you mean --ignore-column 'income '? its header has a trailing space)" in said
    assert said.endswith("âge, visits and 1 more.") and "..." not in said


def test_another_case_and_a_close_spelling_are_named_too(tmp_path):
    data = _wide(tmp_path)
    said = refused(invoke("detect", data, "--id-column", "Customer_ID", "--out", tmp_path / "R"))
    assert "did you mean --id-column customer_id? its header's case differs" in said
    said = refused(invoke("train", data, "--category-column", "zipp", "--out", tmp_path / "R"))
    assert "(did you mean --category-column zip?)" in said
    said = refused(invoke("train", data, "--category-column", "xyz", "--out", tmp_path / "R"))
    assert "did you mean" not in said


def test_spaces_typed_are_told_from_the_headers_case():
    # '--ignore-column "income "' for a header 'income' was said to differ by case
    from aekit.cli.similar_columns import meant

    said = meant("--ignore-column", "income ", ["income", "zip"])
    assert said == " (did you mean --ignore-column income? the name typed has a trailing space)"
    said = meant("--ignore-column", "Income ", ["income"])
    assert "the name typed has a trailing space; its header's case differs" in said
    said = meant("--ignore-column", "income", [" income "])
    assert said.endswith("its header has spaces around it)")
