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
    # names are looked up in a set now (a list took 45 s for 20,000 columns): the finding holds,
    # read from the header itself, which pandas' names cannot tell apart
    twice, taken = tmp_path / "twice.csv", tmp_path / "taken.csv"
    twice.write_text("age,gene_1,age\n1,2,3\n")  # pandas names the second age 'age.1'
    taken.write_text("age,age.1\n1,2\n")  # a column really named age.1
    assert list(pd.read_csv(twice).columns) == ["age", "gene_1", "age.1"]
    with pytest.raises(ValueError, match=r"names the columns \['age'\] more than once"):
        table_checks._refuse_repeated_names(twice, pd.read_csv(twice), ",", "utf-8")
    table_checks._refuse_repeated_names(taken, pd.read_csv(taken), ",", "utf-8")
    # several, counted once each (raw.count of every name was quadratic): in the header's order
    many = tmp_path / "many.csv"
    many.write_text("b,a,b,a,c,b,a.1\n1,2,3,4,5,6,7\n")
    with pytest.raises(ValueError, match=r"names the columns \['b', 'a'\] more than once"):
        table_checks._refuse_repeated_names(many, pd.read_csv(many), ",", "utf-8")


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


def _counted_reads(monkeypatch, module) -> list:
    calls = []
    read_csv = pd.read_csv

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(module.pd, "read_csv", counted)
    return calls


def test_a_table_of_counts_is_not_read_again_as_text(tmp_path, monkeypatch):
    # no 0 and digit after a separator or a line's start: no cell led by a zero ('0', '10'
    # and '107' are none), so pandas need not read 20,000 columns again as text (4 s)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(0, 200, (30, 400)), columns=[f"g{i}" for i in range(400)])
    frame.to_csv(tmp_path / "counts.csv", index=False)
    reads = _counted_reads(monkeypatch, zero_led_codes)
    assert zero_led_codes.zero_led_cells(str(tmp_path / "counts.csv"), list(frame.columns)) == {}
    assert reads == []


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n\n\n   \n3,4\n5,0037\n6,7\n",  # blank lines before the last row looked at
        "a,b\r1,2\r3,4\r5,0037\r",  # lines ended by \r alone
        'a,b\n1,"2\n\n\n"\n3,4\n5,0037\n',  # a quoted cell over lines: pandas reads the rows
        "a;b\n1;2\n3; 0037\n",  # a space before it, another separator
    ],
)
def test_zero_led_cells_are_found_among_the_rows_pandas_reads(tmp_path, monkeypatch, text):
    monkeypatch.setattr(zero_led_codes, "SAMPLED_ROWS", 3)
    path = tmp_path / ("table.txt" if ";" in text else "table.csv")
    path.write_text(text, newline="")
    found = zero_led_codes.zero_led_cells(str(path), ["b"])
    assert list(found) == ["b"] and found["b"][1] == "0037"
    beyond = text.replace("5,0037", "5,37\n8,0037").replace("3; 0037", "3; 37\n8;9\n8; 0037")
    path.write_text(beyond, newline="")  # a row past those pandas reads: none found
    assert zero_led_codes.zero_led_cells(str(path), ["b"]) == {}


def test_a_table_read_without_text_columns_asks_pandas_for_no_column_types(tmp_path, monkeypatch):
    # dtype={} made pandas look each of 20,000 columns up in it: 1 s more than dtype=None
    pd.DataFrame({"a": [1, 2], "b": [3.5, 4.5]}).to_csv(tmp_path / "t.csv", index=False)
    reads = _counted_reads(monkeypatch, table_checks)
    table_checks.read_csv(tmp_path / "t.csv")
    assert [kwargs["dtype"] for kwargs in reads] == [None]
    table_checks.read_csv(tmp_path / "t.csv", text_columns=["a"])
    assert reads[-1]["dtype"] == {"a": str}
