"""A thousands separator given for a file whose number column puts it elsewhere than between
groups of three digits ('9.7' beside '2.092,40', read with --thousands '.'): pandas dropped it and
read 97, without a word; the column is now refused, named with a cell and the fix."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from aekit.cli import app
from aekit.cli.errors import error_message, for_the_command_line
from aekit.data.datasets import load_array

EU = {"sep": ";", "decimal": ",", "thousands": "."}


@pytest.fixture
def mixed(tmp_path):
    """';'-separated amounts written 2.092,40 beside rates written 9.7 (an Excel export)."""
    rows = "".join(f"{i + 1}.{i % 1000:03d},40;{9 + i % 5}.{i % 10}\n" for i in range(40))
    path = tmp_path / "mixed.csv"
    path.write_text(f"amount;rate\n{rows}")
    return path


def test_a_decimal_point_read_with_thousands_dot_is_refused_naming_the_column(mixed):
    with pytest.raises(ValueError, match="mixes decimal styles") as err:
        load_array(mixed, csv=EU)
    said = str(err.value)
    assert "column 'rate' holds '9.0' (row 0), read as 90" in said, said
    assert "'amount'" not in said  # 2.092,40 is grouped as thousands are


def test_numbers_grouped_by_thousands_are_read_as_before(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("amount;n\n1.234,5;12\n-1.234.567;3\n0,25;4\n999;1.000\n")
    X, _ = load_array(path, csv=EU)
    np.testing.assert_array_equal(X["amount"], [1234.5, -1234567, 0.25, 999])
    np.testing.assert_array_equal(X["n"], [12, 3, 4, 1000])


def test_a_comma_separated_file_with_thousands_comma_is_checked_alike(tmp_path):
    path = tmp_path / "us.csv"
    path.write_text('amount,x\n"1,234.5",1\n"1,5",2\n')
    with pytest.raises(ValueError, match=r"column 'amount' holds '1,5' \(row 1\), read as 15"):
        load_array(path, csv={"thousands": ","})


def test_the_command_line_names_ignore_column_and_that_option_reads_the_rest(mixed, tmp_path):
    options = ["--sep", ";", "--decimal", ",", "--thousands", "."]
    quick = ["--model", "ae", "--param", "max_iter=2", "--quiet", "--no-figures"]
    runner = CliRunner()
    result = runner.invoke(
        app, ["train", str(mixed), *options, *quick, "--out", str(tmp_path / "R")]
    )
    assert isinstance(result.exception, ValueError), result.output
    line = for_the_command_line(error_message(result.exception))
    assert "column 'rate' holds '9.0'" in line and "--ignore-column rate" in line, line
    assert "csv=" not in line and "text_columns" not in line, line
    result = runner.invoke(
        app,
        [
            "train",
            str(mixed),
            *options,
            *quick,
            "--ignore-column",
            "rate",
            "--out",
            str(tmp_path / "S"),
        ],
    )
    assert result.exit_code == 0, result.output
