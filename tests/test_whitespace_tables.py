"""Text tables separated by runs of whitespace (``np.savetxt``, the UCR archive's ECG5000): a
``.txt`` or ``.dat`` is a table whose separator is sniffed from its first lines; ``--sep ' '``
(``whitespace``) reads runs of whitespace and is recorded in the RUN; a file read as one column
of whole lines, or whose first row of numbers became its header, is refused naming the option
that reads it (``--sep``, ``--no-header``); the Parquet copy of a large file reads it alike."""

from __future__ import annotations

import gzip
import tomllib

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.cli import csv_options
from aekit.cli.data import DataOptions, load_data
from aekit.cli.errors import for_the_command_line
from aekit.data import csv_parquet, lazy
from aekit.data.datasets import csv_to_parquet, load_array, open_dataset
from aekit.data.separators import WHITESPACE, choose_separator

ROWS, COLUMNS = 40, 6
QUICK = ["--param", "n_estimators=1", "--quiet", "--no-figures"]  # one member: a few seconds


def _values() -> np.ndarray:
    """A class label (1..3) then five measurements a row, as the UCR files hold them."""
    rng = np.random.default_rng(0)
    values = rng.normal(size=(ROWS, COLUMNS))
    values[:, 0] = rng.integers(1, 4, size=ROWS)
    return values


def _padded_lines(values: np.ndarray) -> list[str]:
    """Each row as the UCR archive writes it: leading blanks, runs of spaces between numbers."""
    return ["".join(f"{v:16.7e}" for v in row) for row in values]


@pytest.fixture
def ucr(tmp_path):
    """A space-padded .txt without a header row, its values as np.loadtxt reads them."""
    path = tmp_path / "UCR_TRAIN.txt"
    path.write_text("\n".join(_padded_lines(_values())) + "\n")
    return path, np.loadtxt(path)


@pytest.fixture
def headed(tmp_path):
    """The same table under a header row of names, itself padded."""
    path = tmp_path / "headed.dat"
    header = "".join(f"{name:>16}" for name in ["label", "a", "b", "c", "d", "e"])
    path.write_text("\n".join([header, *_padded_lines(_values())]) + "\n")
    return path, np.loadtxt(path, skiprows=1)


def test_a_space_padded_txt_reads_as_np_loadtxt(ucr):
    path, expected = ucr
    table, _ = load_array(path, csv={"header": False})
    np.testing.assert_array_equal(table.to_numpy(), expected)
    assert list(table.columns) == [f"x{i}" for i in range(COLUMNS)]
    dataset = open_dataset(path, csv={"header": False}, label_column="x0")
    np.testing.assert_array_equal(dataset.labels, expected[:, 0])
    np.testing.assert_allclose(dataset.reader.read(0, ROWS), expected[:, 1:].astype(np.float32))


def test_a_header_row_of_names_is_read_as_names(headed):
    path, expected = headed
    table, y = load_array(path, label_column="label")
    assert list(table.columns) == list("abcde")
    np.testing.assert_array_equal(table.to_numpy(), expected[:, 1:])
    np.testing.assert_array_equal(y, expected[:, 0])


def test_a_compressed_txt_is_sniffed_too(ucr, tmp_path):
    path, expected = ucr
    packed = tmp_path / "UCR_TRAIN.txt.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    table, _ = load_array(packed, csv={"header": False})
    np.testing.assert_array_equal(table.to_numpy(), expected)


@pytest.mark.parametrize("fixture", ["ucr", "headed"])
def test_the_parquet_copy_of_a_large_txt_reads_alike(fixture, request, tmp_path, monkeypatch):
    path, expected = request.getfixturevalue(fixture)
    header = fixture == "headed"
    options = {} if header else {"header": False}
    copy = csv_to_parquet(path, tmp_path / "copy.parquet", rows=7, csv_options=options)
    np.testing.assert_array_equal(pd.read_parquet(copy).to_numpy(), expected)
    # the command line's large-file path: a Parquet copy made a chunk at a time
    monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 1)
    monkeypatch.setattr(csv_parquet, "CHUNK_ROWS", 7)
    monkeypatch.setattr(csv_options, "current", csv_options.CsvOptions(header=header))
    X, _ = load_data(str(path), DataOptions())
    np.testing.assert_array_equal(X.to_numpy(), expected)


def test_the_large_file_hint_spells_whitespace_as_python_takes_it(ucr, tmp_path, monkeypatch):
    path, _ = ucr
    monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 1)
    result = ok(invoke("detect", path, "--sep", "whitespace", "--no-header", *QUICK,
                       "--out", tmp_path / "R"))  # fmt: skip
    assert "csv_options={'sep': r'\\s+', 'header': False}" in result.output


def test_detect_reads_the_ucr_file_and_later_commands_read_it_alike(ucr, tmp_path):
    path, expected = ucr
    run = tmp_path / "DET"
    ok(invoke("detect", path, "--no-header", "--label-column", "x0", *QUICK, "--out", run))
    scores = tmp_path / "s.csv"
    ok(invoke("score", run, path, "-o", scores))
    assert len(pd.read_csv(scores)) == ROWS


@pytest.mark.parametrize("spelling", [" ", "whitespace", r"\s+"])
def test_sep_whitespace_reads_runs_of_spaces_and_is_recorded(spelling, ucr, tmp_path):
    path, expected = ucr
    table = tmp_path / "ucr.csv"  # a .csv is read with ',' unless --sep says otherwise
    table.write_bytes(path.read_bytes())
    run = tmp_path / "RUN"
    ok(invoke("detect", table, "--sep", spelling, "--no-header", "--label-column", "x0",
              *QUICK, "--out", run))  # fmt: skip
    recorded = tomllib.loads((run / "config.toml").read_text())["data"]
    assert recorded["sep"] == WHITESPACE
    assert "--sep whitespace" in (run / "command.txt").read_text()
    ok(invoke("score", run, table, "-o", tmp_path / "s.csv"))  # the recorded --sep reads it


def test_a_csv_read_as_one_column_of_lines_is_refused_naming_sep(ucr, tmp_path):
    path, _ = ucr
    table = tmp_path / "ecg.csv"
    table.write_bytes(path.read_bytes())
    message = refused(invoke("detect", table, *QUICK, "--out", tmp_path / "R"))
    assert "--sep whitespace" in for_the_command_line(message)
    assert not (tmp_path / "R").exists()


def test_one_column_of_tab_separated_lines_is_refused_naming_the_tab(tmp_path):
    table = tmp_path / "tabs.csv"
    pd.DataFrame(_values(), columns=list("labcde")).to_csv(table, sep="\t", index=False)
    message = refused(invoke("detect", table, *QUICK, "--out", tmp_path / "R"))
    assert r"--sep '\t'" in for_the_command_line(message)


def test_a_column_of_phrases_is_no_separator_mistake(tmp_path):
    table = tmp_path / "notes.csv"
    table.write_text("note\nthe pump is loud\nok now\nleaking a little\n")
    frame, _ = load_array(table)
    assert list(frame.columns) == ["note"] and len(frame) == 3


@pytest.mark.parametrize("large", [False, True])
def test_a_first_row_of_numbers_read_as_names_names_no_header(large, ucr, tmp_path, monkeypatch):
    path, _ = ucr
    if large:
        monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 1)
        monkeypatch.setattr(csv_parquet, "CHUNK_ROWS", 7)
    message = refused(invoke("detect", path, *QUICK, "--out", tmp_path / "R"), "looks like data")
    assert "pass --no-header" in for_the_command_line(message)


@pytest.mark.parametrize(
    ("lines", "sep"),
    [
        (["a,b,c", "1,2,3"], ","),
        (["a\tb c\td", "1\t2\t3"], "\t"),
        (["a;b", "1,5;2,25", "3,0;4,75"], ";"),  # decimal commas: ';' separates
        (["  1.0  -2.5e-01 3", " 4.0 5.0  6"], WHITESPACE),
        (["1.5", "2.5"], ","),  # one column
        (["the pump is loud", "ok now", "leaking a little"], ","),  # words, not a table
    ],
)
def test_the_separator_sniffed_from_the_first_lines(lines, sep):
    assert choose_separator(lines) == sep


def test_the_decimal_mark_is_never_the_separator_sniffed(tmp_path):
    path = tmp_path / "de.txt"
    path.write_text(" 1,5  2,25\n 3,0  4,75\n")
    table, _ = load_array(path, csv={"header": False, "decimal": ","})
    np.testing.assert_array_equal(table.to_numpy(), [[1.5, 2.25], [3.0, 4.75]])


def test_a_marker_holding_whitespace_is_refused_when_reading_whitespace():
    with pytest.raises(ValueError, match="holds the separator whitespace"):
        csv_options.resolve(" ", None, None, None, None, ["n a"], {})
