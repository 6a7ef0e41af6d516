"""Tables as spreadsheets and databases export them: read right, or refused with one message
that names the problem, the column and the fix."""

from __future__ import annotations

import pandas as pd
import pytest

from aekit.data.datasets import load_array


def _frame(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame({"a": [i * 0.5 for i in range(n)], "b": [i % 7 for i in range(n)]})


def test_a_header_row_repeated_inside_the_file_is_refused_naming_its_row(tmp_path):
    lines = _frame().to_csv(index=False).splitlines()
    lines.insert(11, lines[0])  # after data row 9: two files joined with cat
    path = tmp_path / "joined.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"data row 10 .*repeats the header row.*delete it"):
        load_array(path)


def test_a_text_column_holding_its_own_name_as_a_value_still_reads(tmp_path):
    path = tmp_path / "kinds.csv"
    path.write_text("kind,b\nkind,1\ncat,2\n")  # only one column repeats its name
    X, _ = load_array(path)
    assert list(X["kind"]) == ["kind", "cat"]
