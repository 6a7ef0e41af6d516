"""Tables as spreadsheets and databases export them: read right, or refused with one message
that names the problem, the column and the fix."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from aekit.data.datasets import load_array
from aekit.data.tabular import TabularEncoder


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


@pytest.mark.parametrize(
    "cells", [["1,234.5", "2,000.0", "987.25"], ["12%", "7%", "100%"], ["$1,200", "$35", "$4,000"]]
)
def test_numbers_written_as_a_spreadsheet_writes_them_are_named_not_made_categories(cells):
    X = pd.DataFrame({"a": [0.5, 1.5, 2.5] * 10, "amount": cells * 10})
    # refused, not warned of then fitted: each amount would be a category of its own
    with pytest.raises(ValueError, match=r"column 'amount' holds numbers written with"):
        TabularEncoder().fit(X)
    declared = X.assign(amount=X["amount"].astype("category"))  # the way out the refusal names
    assert TabularEncoder().fit(declared).n_features_out_ == 1 + len(set(cells))


def test_text_with_a_few_numbers_is_not_taken_for_formatted_numbers():
    X = pd.DataFrame(
        {"a": [0.5, 1.5, 2.5] * 10, "size": ["S", "M", "L, wide"] * 9 + ["1", "2", "3"]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TabularEncoder().fit(X)


def test_on_the_command_line_formatted_numbers_point_to_ignore_column():
    from aekit.cli.errors import for_the_command_line

    X = pd.DataFrame({"a": [0.5, 1.5, 2.5] * 10, "price": ["$1,200", "$35", "$4,000"] * 10})
    with pytest.raises(ValueError) as caught:
        TabularEncoder().fit(X)
    line = for_the_command_line(str(caught.value), {"ignore_column", "category_column"})
    assert line.endswith("leave it out with --ignore-column price."), line
    assert "say so with --category-column price)" in line, line
    assert "pd.to_numeric" not in line and "astype" not in line


def test_empty_columns_of_trailing_separators_are_dropped_with_a_warning(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b,,\n1,2,,\n3,4,,\n")
    with pytest.warns(UserWarning, match="dropped 2 column"):
        X, _ = load_array(path)
    assert list(X.columns) == ["a", "b"] and X["b"].tolist() == [2, 4]


def test_a_column_without_a_name_but_with_values_is_refused_naming_it(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,,c\n1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match=r"no name in the header row \(column 2, counted"):
        load_array(path)


def test_a_column_missing_in_every_row_is_named_as_such():
    import numpy as np

    import aekit
    from aekit.cli.errors import for_the_command_line

    X = pd.DataFrame({"a": [0.5, 1.5, 2.5] * 10, "empty": np.nan})
    with pytest.raises(ValueError, match=r"column 'empty' has no value in any row") as caught:
        aekit.AnomalyDetector().fit(X)
    line = for_the_command_line(str(caught.value), {"ignore_column"})
    assert "leave it out with --ignore-column empty" in line, line


def test_a_fitted_detector_does_not_advise_leaving_out_a_column_it_needs():
    # at predict time, dropping the empty column failed with "X lacks ['b']": the advice is
    # to impute, or to refit with handle_missing=True, not to leave the column out
    import numpy as np

    import aekit
    from aekit.cli.errors import for_the_command_line

    X = pd.DataFrame({"a": np.linspace(0, 1, 60), "b": np.linspace(5, 2, 60)})
    detector = aekit.AnomalyDetector(n_estimators=1, contamination=0.1, random_state=0).fit(X)
    for new in (X.head(3).assign(b=np.nan), X.head(3).assign(b=np.nan, a=np.inf)):
        with pytest.raises(ValueError) as caught:
            detector.predict(new)
        said = str(caught.value)
        assert "column 'b' has no value in any row. Impute them, or refit with" in said, said
        assert "drop" not in said
        line = for_the_command_line(said, set())
        assert "refit with 'aekit detect --handle-missing'" in line, line


@pytest.mark.parametrize("marker", ["-", "?", "  "])
def test_a_missing_value_marker_among_numbers_is_said_to_be_one(tmp_path, marker):
    """'-', '?' or spaces in a numbers column were told "fix those cells", which did not say
    that an empty cell reads as missing."""
    from cli_helpers import invoke

    from aekit.cli.errors import error_message, for_the_command_line

    frame = _frame().astype({"a": object})
    frame.loc[5, "a"] = marker
    frame.to_csv(tmp_path / "m.csv", index=False)
    result = invoke("train", tmp_path / "m.csv", "--out", tmp_path / "R", "--quiet")
    message = for_the_command_line(error_message(result.exception))
    assert "marks a missing value, pass --na-values" in message, message
    frame.loc[5, "a"] = "abc"  # a typo stays a typo
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = invoke("train", tmp_path / "t.csv", "--out", tmp_path / "T", "--quiet")
    assert "fix those cells" in for_the_command_line(error_message(result.exception))


def test_a_column_infinite_in_every_row_is_not_said_to_have_no_value():
    import numpy as np

    import aekit

    X = pd.DataFrame({"a": [0.0, 1.0, 2.0], "inf": [np.inf] * 3, "empty": [np.nan] * 3})
    with pytest.raises(ValueError) as refusal:
        aekit.Autoencoder(max_iter=1).fit(X)
    assert "column 'empty' has no value in any row" in str(refusal.value)
    assert "'inf' has no value" not in str(refusal.value)


@pytest.mark.parametrize(
    "cells",
    [
        ["1,3", "1,3,5", "2", "4,5"],  # a survey's choices
        ["114 55", "752 36", "411 03", "903 25"],  # Swedish postcodes
        ["250.00", "401.9", "428.0"],  # diagnosis codes held as text
        ["250,401", "428", "250,401,428"],  # lists of them (the second review)
    ],
)
def test_codes_that_look_like_numbers_are_warned_of_not_refused(cells):
    # a review found such columns refused as numbers with thousands separators: they are only
    # warned of, as before, and fit as categories
    X = pd.DataFrame({"a": np.arange(30.0), "code": (cells * 10)[:30]})
    with pytest.warns(UserWarning, match="column 'code' holds"):
        encoder = TabularEncoder().fit(X)
    assert encoder.feature_groups_[1].kind == "categorical"
