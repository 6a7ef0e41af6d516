"""A ``.txt`` of numbers written with a decimal comma and separated by runs of whitespace
(``  0,126    -0,132``, as a spreadsheet in most of Europe exports it), read without
``--decimal ','``: its separator is sniffed as runs of whitespace, not as the commas inside its
numbers (which split ``0,126 -0,132`` into the fields ``0``, ``126 -0``, ``132``, each read
as a text category, and the first row into column names, without a word), and the read is
refused naming ``--decimal ','`` (and ``--no-header`` when the first row is data too); with
them it reads the numbers. Small and large (through a Parquet copy) alike."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import convert_in_small_chunks, invoke, ok, read_as_a_large_csv, refused

from aekit.cli.errors import for_the_command_line
from aekit.data.datasets import load_array
from aekit.data.separators import WHITESPACE, choose_separator

ROWS = 60
QUICK = ["--param", "n_estimators=1", "--quiet", "--no-figures"]  # no test reads figures/


def _values() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(ROWS, 3)).round(3)


def _lines(values: np.ndarray, padded: bool = True) -> list[str]:
    def cell(v: float) -> str:
        return (f"{v:9.3f}" if padded else f"{v:.3f}").replace(".", ",")

    return [" ".join(cell(v) for v in row) for row in values]


@pytest.fixture(params=["padded", "single-spaces"])
def european(request, tmp_path):
    """A header-less .txt of three columns of numbers written 0,126, runs of spaces between."""
    path = tmp_path / "eu.txt"
    path.write_text("\n".join(_lines(_values(), request.param == "padded")) + "\n")
    return path


@pytest.mark.parametrize(
    "lines",
    [
        ["   0,126    -0,132     0,640", "   0,105    -0,536     0,362"],
        ["0,5 1,25 7", "2,0 3 4,75"],  # a field without a comma too
        ["x y z", "0,5 1,25 7", "2,0 3 4,75"],  # under a header of names
    ],
)
def test_numbers_with_decimal_commas_between_runs_of_whitespace_sniff_whitespace(lines):
    assert choose_separator(lines) == WHITESPACE
    assert choose_separator(lines, decimal=",") == WHITESPACE


@pytest.mark.parametrize(
    "lines",
    [
        ["1,2", "3,4"],  # no whitespace between fields: commas separate
        ["2024-01-01 10:00,5.2", "2024-01-01 11:00,6.1"],  # a date and a time, then a number
        ["1,2,New York", "3,4,San Jose"],  # a text cell holding a space
        ["a,b c", "1,2 3"],  # a header cell holding a space
        ["1,5 2,5", "3,5 4,5 5,5"],  # whitespace splits the lines unalike
    ],
)
def test_a_comma_separated_file_is_still_sniffed_as_commas(lines):
    assert choose_separator(lines) == ","


def test_python_refuses_naming_decimal_and_no_header_then_reads_the_numbers(european):
    with pytest.raises(ValueError, match=r"read it with csv=\{'decimal': ',', 'header': False\}"):
        load_array(european)
    X, _ = load_array(european, csv={"decimal": ",", "header": False})
    np.testing.assert_array_equal(X.to_numpy(), _values())
    assert list(X.columns) == ["x0", "x1", "x2"]


def test_a_first_row_of_decimal_comma_numbers_is_not_taken_for_names(european):
    # read with decimal=',', the first row was the header '0,126', '-0,132', '0,640' (a row lost)
    with pytest.raises(ValueError, match=r"its first row \(.*0,126.*\) looks like data"):
        load_array(european, csv={"decimal": ","})


def test_a_header_of_names_is_refused_naming_decimal_alone(tmp_path):
    path = tmp_path / "named.txt"
    path.write_text("\n".join(["a b c", *_lines(_values())]) + "\n")
    with pytest.raises(ValueError, match=r"read it with csv=\{'decimal': ','\}\.$"):
        load_array(path)
    X, _ = load_array(path, csv={"decimal": ","})
    assert list(X.columns) == ["a", "b", "c"]
    np.testing.assert_array_equal(X.to_numpy(), _values())


@pytest.mark.parametrize("large", [False, True], ids=["in-memory", "large"])
def test_detect_names_the_options_then_runs_with_them(european, large, tmp_path, monkeypatch):
    if large:
        convert_in_small_chunks(monkeypatch, tmp_path, 16)
        read_as_a_large_csv(monkeypatch)
    message = refused(invoke("detect", european, *QUICK, "--out", tmp_path / "R"))
    message = for_the_command_line(message)
    assert message.endswith("pass --decimal ',' --no-header."), message
    assert "\n" not in message and not (tmp_path / "R").exists()
    alone = for_the_command_line(
        refused(invoke("detect", european, "--no-header", *QUICK, "--out", tmp_path / "R"))
    )
    assert "3 column(s) ('x0', 'x1', 'x2') hold numbers written with a decimal comma" in alone
    assert alone.endswith("pass --decimal ','.")
    run = tmp_path / "DET"
    result = ok(invoke("detect", european, "--decimal", ",", "--no-header", *QUICK, "--out", run))
    assert f"of {ROWS} rows flagged" in result.stdout
    assert "one-hot" not in result.output


@pytest.mark.parametrize("named", [False, True], ids=["no-header", "header"])
@pytest.mark.parametrize("large", [False, True], ids=["in-memory", "large"])
def test_such_a_file_named_csv_is_refused_naming_whitespace(named, large, tmp_path, monkeypatch):
    # a .csv is read with ','; split at its decimal commas it ran on text columns such as
    # '126 -0' (one-hot), its first row the names, or was refused as rows longer than the header
    path = tmp_path / "eu.csv"
    path.write_text("\n".join(["a b c"] * named + _lines(_values())) + "\n")
    if large:
        convert_in_small_chunks(monkeypatch, tmp_path, 16)
        read_as_a_large_csv(monkeypatch)
    message = for_the_command_line(refused(invoke("detect", path, *QUICK, "--out", tmp_path / "R")))
    fix = "pass --sep whitespace --decimal ','" + ("." if named else " --no-header.")
    said = "holds numbers written with a decimal comma (0,126) between runs of whitespace, not "
    assert message.endswith(f"{said}columns separated by ','; {fix}"), message
    options = ["--sep", "whitespace", "--decimal", ","] + ["--no-header"] * (not named)
    result = ok(invoke("detect", path, *options, *QUICK, "--out", tmp_path / "DET"))
    assert f"of {ROWS} rows flagged" in result.stdout and "one-hot" not in result.output
