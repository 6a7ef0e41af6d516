"""A table of many columns (gene expression: 20,000 genes) is read without work that grows with
the square of its columns, or a pass of pandas a column: a 50 x 20,000 CSV of whole numbers
took 'aekit train' more than five minutes, most of it in the two checks below. (Their time is
not asserted here: a test asserts what they find, and how many passes over the cells.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aekit.cli import zero_led_codes
from aekit.data import table_checks


def test_the_repeated_header_check_still_finds_a_name_written_twice(tmp_path):
    # names are looked up in a set now (a list took 45 s for 20,000 columns): the finding holds
    path = tmp_path / "twice.csv"
    path.write_text("age,gene_1,age\n1,2,3\n")
    table = pd.read_csv(path)  # pandas names the second age 'age.1'
    with pytest.raises(ValueError, match="age"):
        table_checks._refuse_repeated_names(path, table, ",", "utf-8")
    table_checks._refuse_repeated_names(path, table.drop(columns="age.1"), ",", "utf-8")


def test_leading_zeros_are_looked_for_in_one_pass_over_the_cells(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(1, 9, (20, 400)), columns=[f"g{i}" for i in range(400)])
    frame["store"] = ["0037", "12"] * 10  # the one column written with leading zeros
    frame.to_csv(tmp_path / "wide.csv", index=False)
    calls = []
    fullmatch = pd.core.strings.accessor.StringMethods.fullmatch

    def counted(self, *args, **kwargs):
        calls.append(args[0] if args else kwargs.get("pat"))
        return fullmatch(self, *args, **kwargs)

    monkeypatch.setattr(pd.core.strings.accessor.StringMethods, "fullmatch", counted)
    found = zero_led_codes.zero_led_cells(str(tmp_path / "wide.csv"), list(frame.columns))
    assert list(found) == ["store"] and found["store"][:2] == (0, "0037")
    assert len(calls) <= 6, f"{len(calls)} passes of pandas' fullmatch for 401 columns"
