"""``--na-values``: text that marks a missing value in a CSV DATA file ('?', -999), read as
missing as an empty cell is, in memory and through a large file's Parquet copy, recorded in a
RUN for the commands that read new files for it; and the messages that name it."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.cli import run as run_in_process
from aekit.data import lazy
from aekit.data.csv_parquet import csv_to_parquet

ROWS = 120
DETECT = ["--handle-missing", "--param", "n_estimators=1", "--quiet", "--no-figures"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The same table three times: its gaps as empty cells, as '?', and as '?' and -999."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(20, 70, ROWS).astype(float),
            "balance": rng.normal(100, 10, ROWS).round(2),
            "visits": rng.integers(0, 9, ROWS),
        }
    )
    frame.loc[[3, 10, 20, 90], "age"] = np.nan
    frame.loc[[5, 100], "balance"] = np.nan
    folder = tmp_path_factory.mktemp("na")
    frame.to_csv(folder / "empty.csv", index=False)
    marked = frame.astype(object).where(frame.notna(), "?")
    marked.to_csv(folder / "marked.csv", index=False)
    marked.loc[[5, 100], "balance"] = -999
    marked.to_csv(folder / "two.csv", index=False)
    return folder


def _detect_scores(data, out, *options) -> pd.DataFrame:
    ok(invoke("detect", data, "--out", out, *DETECT, *options))
    return pd.read_csv(out / "scores.csv")


def test_markers_read_as_missing_score_as_empty_cells(files):
    empty = _detect_scores(files / "empty.csv", files / "E")
    marked = _detect_scores(files / "marked.csv", files / "M", "--na-values", "?")
    two = _detect_scores(files / "two.csv", files / "T", "--na-values", "?", "--na-values", "-999")
    pd.testing.assert_frame_equal(marked, empty)
    pd.testing.assert_frame_equal(two, empty)
    # impute fills the same cells with the same values
    filled = []
    for name, options in (("empty", []), ("marked", ["--na-values", "?"])):
        out = files / f"filled-{name}.csv"
        ok(invoke("impute", files / f"{name}.csv", *options, "--param", "max_iter=2",
                  "--quiet", "-o", out))  # fmt: skip
        filled.append(pd.read_csv(out))
    pd.testing.assert_frame_equal(filled[1], filled[0])


def test_a_run_records_the_markers_for_the_files_read_for_it(files):
    run = files / "REC"
    ok(invoke("detect", files / "marked.csv", "--out", run, *DETECT, "--na-values", "?"))
    assert tomllib.loads((run / "config.toml").read_text())["data"]["na_values"] == ["?"]
    assert "--na-values '?'" in (run / "command.txt").read_text()
    # score reads a new file with the recorded markers, untyped: as the file of empty cells
    scores = []
    for name in ("marked", "empty"):
        out = files / f"scored-{name}.csv"
        ok(invoke("score", run, files / f"{name}.csv", "-o", out))
        scores.append(pd.read_csv(out))
    pd.testing.assert_frame_equal(scores[0], scores[1])
    # --na-values '' reads no marker beyond pandas' own: the '?' cells are text again
    result = invoke("score", run, files / "marked.csv", "--na-values", "", "-o", files / "x.csv")
    refused(result, "column 'age' holds '?' (row 3), not a number")


def test_a_large_csv_reads_the_markers_through_its_parquet_copy(files, monkeypatch, tmp_path):
    empty = _detect_scores(files / "empty.csv", tmp_path / "E")  # in memory (as the test above)
    monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 1000)  # the file is "large"
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    data = tmp_path / "large.csv"
    data.write_bytes((files / "marked.csv").read_bytes())
    out = tmp_path / "L"
    result = invoke("detect", data, "--out", out, *DETECT, "--na-values", "?")
    assert "converting it to Parquet" in ok(result).output
    pd.testing.assert_frame_equal(pd.read_csv(out / "scores.csv"), empty)
    # the same file in the same process without the option: a copy of its own, whose '?' cells
    # are text among numbers (the copy made with the option was reused, reading them missing)
    result = invoke("detect", data, "--out", tmp_path / "L2", *DETECT)
    refused(result, "column 'age' holds '?' among numbers")


def test_the_parquet_copy_reads_a_marker_that_first_appears_after_the_first_chunk(tmp_path):
    values = [str(v) for v in range(40)]
    values[30] = "?"  # in the third chunk of 16 rows: the column's kind is numbers by then
    path = tmp_path / "late.csv"
    pd.DataFrame({"a": values, "b": range(40)}).to_csv(path, index=False)
    said = r"column 'a' holds '\?' among numbers in 1 row \(the first: data row 30, 0-based\): "
    said += r"if '\?' marks"
    # in csv_to_parquet's own words (it advised pd.read_csv(..., na_values=['?']))
    with pytest.raises(ValueError, match=said + r" a missing value, pass csv_options=\{'na_values"):
        csv_to_parquet(path, tmp_path / "no.parquet", rows=16)
    csv_to_parquet(path, tmp_path / "yes.parquet", rows=16, csv_options={"na_values": ["?"]})
    column = pd.read_parquet(tmp_path / "yes.parquet")["a"]
    assert column.isna().tolist() == [i == 30 for i in range(40)]


def test_a_marker_holding_the_separator_is_one_line_and_exit_2(files, capsys):
    # aekit.cli.run: the command's status and stderr as the aekit process gives them
    status = run_in_process(["detect", files / "marked.csv", "--na-values", "?,-999",
                             "--out", files / "S"])  # fmt: skip
    stderr = capsys.readouterr().err
    assert status == 2, stderr
    assert stderr.strip().splitlines() == [
        "aekit: error: --na-values '?,-999' holds the separator ',', which no cell of the file "
        "can; give one marker per option: --na-values '?' --na-values -999."
    ]
    assert not (files / "S").exists()


def test_every_command_that_reads_data_takes_the_option():
    import inspect

    from aekit.cli import app, table_options

    readers = [
        info.name or info.callback.__name__
        for info in app.registered_commands
        if info.callback is not None
        and set(inspect.signature(info.callback).parameters) & set(table_options.DATA_PARAMETERS)
    ]
    assert {"train", "detect", "score", "impute", "index", "search", "detect-series"} <= set(
        readers
    )
    for name in readers:
        help_text = invoke(name, "--help").output
        assert "--na-values" in help_text and "--thousands" in help_text, name


def test_the_recorded_markers_are_taken_unless_typed():
    from aekit.cli.csv_options import CsvOptions, resolve

    recorded = CsvOptions(na_values=("?", "-999")).record()
    assert recorded == {"na_values": ["?", "-999"]}
    assert resolve(None, None, None, None, None, None, recorded).na_values == ("?", "-999")
    assert resolve(None, None, None, None, None, ["n/a"], recorded).na_values == ("n/a",)
    assert resolve(None, None, None, None, None, [""], recorded).na_values == ()
    assert CsvOptions(na_values=("?",)).flags() == ["--na-values", "?"]
    thousands = CsvOptions(decimal=",", thousands=".")  # recorded and typed alike
    assert resolve(None, None, None, None, None, None, thousands.record()) == thousands
    assert resolve(None, None, "", None, None, None, thousands.record()).thousands is None
