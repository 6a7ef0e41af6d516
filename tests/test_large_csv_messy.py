"""Spreadsheet exports read by the command line as a small CSV (read into memory) and as a large
one (converted to Parquet a chunk at a time, and fitted from disk): the same exit code, message
and warnings, wherever in the file the mess lies. "Large" is a lowered
:data:`aekit.data.lazy.CSV_LIMIT_BYTES`, its chunks :data:`aekit.data.csv_parquet.CHUNK_ROWS`
rows."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_helpers import convert_in_small_chunks, invoke, read_as_a_large_csv

from aekit.cli.errors import error_message, for_the_command_line
from aekit.data import csv_parquet

ROWS, CHUNK = 300, 64  # row 250 lies in the fourth chunk of the large read
LATE = 250
QUICK = ["--param", "max_iter=1", "--param", "hidden_layer_sizes=[4]", "--param", "latent_dim=2"]


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(ROWS, 3)).round(3), columns=list("abc"))


def _lines(frame: pd.DataFrame) -> list[str]:
    return frame.to_csv(index=False).splitlines()


def header_repeated(path: Path) -> None:  # two files joined with cat, twice
    lines = _lines(_frame())
    lines.insert(LATE + 1, lines[0])
    lines.insert(100 + 1, lines[0])
    path.write_text("\n".join(lines) + "\n")


def trailing_separators(path: Path) -> None:  # 'a,b,c,,' on every line
    path.write_text("\n".join(line + ",," for line in _lines(_frame())) + "\n")


def unnamed_column_with_a_late_value(path: Path) -> None:
    lines = [line + ",," for line in _lines(_frame())]
    lines[LATE + 1] += "9"
    path.write_text("\n".join(lines) + "\n")


def formatted_numbers(path: Path) -> None:  # '$1,200' in every row of a column
    frame = _frame()
    frame["price"] = ["$1,200", "$35", "$4,000"] * (ROWS // 3)
    frame.to_csv(path, index=False)


def _cell(path: Path, value: str, row: int = LATE, column: str = "a") -> None:
    frame = _frame().astype({column: object})
    frame.loc[row, column] = value
    frame.to_csv(path, index=False)


def thousands_separator_late(path: Path) -> None:
    _cell(path, "1,234.5", column="c")


def typo_late(path: Path) -> None:
    _cell(path, "abc")


def marker_then_typo(path: Path) -> None:  # in two chunks: the file's text cells are a typo
    frame = _frame().astype({"a": object})
    frame.loc[100, "a"], frame.loc[LATE, "a"] = "?", "abc"
    frame.to_csv(path, index=False)


def empty_column(path: Path) -> None:  # a column of the spreadsheet left empty
    frame = _frame()
    frame["empty"] = np.nan
    frame.to_csv(path, index=False)


@dataclass
class Outcome:
    exit_code: int
    message: str | None
    warned: list[str]


def _train(path: Path, run: Path) -> tuple[Outcome, str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("train", path, "--out", run, "--quiet", "--no-figures", *QUICK)
    message = None
    if result.exception is not None:
        assert isinstance(result.exception, ValueError), result.output
        message = for_the_command_line(error_message(result.exception))
    warned = sorted(  # of the data (an epoch of training converges to nothing)
        {
            for_the_command_line(str(w.message))
            for w in caught
            if w.category.__name__ != "ConvergenceWarning"
            # pandas before 3.1: a large file's chunks are said to go unchecked at their starts
            and "does not check the width of a line" not in str(w.message)
        }
    )
    return Outcome(result.exit_code, message, warned), result.output


@pytest.fixture
def small_and_large(monkeypatch, tmp_path):
    """``run(make)``: the file ``make`` writes trained on in memory, then as a large CSV whose
    text is never read whole; the two outcomes."""
    temporary = convert_in_small_chunks(monkeypatch, tmp_path, CHUNK)

    def run(make) -> tuple[Outcome, Outcome]:
        path = tmp_path / "export.csv"
        make(path)
        small, _ = _train(path, tmp_path / "SMALL")
        read_as_a_large_csv(monkeypatch, lazy_bytes=0)  # fitted from disk, as a large file is
        large, output = _train(path, tmp_path / "LARGE")
        assert "converting it to Parquet" in output
        if large.exit_code != 0:  # no RUN, and no half-written copy (a whole one goes at exit)
            assert not (tmp_path / "LARGE").exists()
            for left in (p for p in temporary.rglob("*") if p.is_file()):
                assert left.name == "export.csv.parquet", left
                assert pq.ParquetFile(left).metadata.num_rows == ROWS
        return small, large

    return run


@pytest.mark.parametrize(
    "make, words",
    [
        (header_repeated, "data row 100 (and 1 more) (0-based, after the header) repeats the"),
        (trailing_separators, None),
        (unnamed_column_with_a_late_value, "1 column(s) have no name in the header row (column 5"),
        (
            formatted_numbers,
            "column 'price' holds numbers written with thousands separators, a currency or a "
            "percent sign ('$1,200', row 0)",
        ),
        (
            thousands_separator_late,
            "column 'c' holds numbers but also text ('1,234.5' in data row 250, 0-based)",
        ),
        *(
            pytest.param(
                partial(_cell, value=marker),
                # a message is one line, its runs of blanks one: '  ' is said ' '
                f"holds {marker[:1]!r} among numbers in 1 row (the first: data row 250, 0-based): "
                "if "
                f"{marker[:1]!r} marks a missing value, pass --na-values",
                id=f"missing_marker_{name}",
            )
            for marker, name in (("-", "dash"), ("?", "question"), (".", "dot"), ("  ", "spaces"))
        ),
        (typo_late, "('abc' in data row 250, 0-based); fix those cells"),
        (marker_then_typo, "('?' in data row 100, 0-based); fix those cells"),
        (empty_column, "column 'empty' has no value in any row: leave it out with --ignore-col"),
    ],
)
def test_a_messy_csv_is_refused_or_warned_of_alike_read_small_or_large(
    small_and_large, make, words
):
    small, large = small_and_large(make)
    assert large == small
    if words is None:
        assert small.exit_code == 0 and small.warned, small
    else:
        assert small.exit_code != 0 and words in small.message, small.message


def _empty_from(path: Path, first: int) -> None:
    """Column 'late' empty in its first ``first`` rows (all of them: an empty column), 'a'
    missing in row 1."""
    frame = _frame()
    frame["late"] = [np.nan] * first + [1.5] * (ROWS - first)
    frame.loc[1, "a"] = np.nan
    frame.to_csv(path, index=False)


@pytest.mark.parametrize("first, empty", [(ROWS, True), (100, False)])
def test_a_large_csv_fitted_a_chunk_at_a_time_names_an_empty_column_of_all_its_rows(
    small_and_large, monkeypatch, first, empty
):
    """The fit's pass reads 64 rows at a time: its first rows' missing values are refused, and
    a column is said to have no value in any row from all of the file (the Parquet copy's
    footers), not from the rows read (it said so of a column empty in its first rows alone,
    naming the temporary copy)."""
    from aekit.data import row_stats

    monkeypatch.setattr(row_stats, "CHUNK_BYTES", CHUNK * 4 * 4)
    small, large = small_and_large(lambda path: _empty_from(path, first))
    assert small.exit_code == large.exit_code != 0
    said = "column 'late' has no value in any row: leave it out with --ignore-column late"
    for outcome in (small, large):
        assert outcome.message.startswith("DATA has "), outcome.message
        assert (said in outcome.message) == empty, outcome.message
    assert "of the 64 rows read" in large.message


def test_a_column_of_numbers_in_its_first_rows_alone_is_refused_as_such(tmp_path):
    """Mostly text further down: read whole, it is a text column, which a chunk at a time
    cannot know in time; said so, and nothing is written."""
    path = tmp_path / "t.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(4)) + "x,1\ny,2\nz,3\nw,4\nv,5\n")
    with pytest.raises(ValueError, match=r"column 'a' holds numbers in its first rows but mostly "
                       r"text further down \('x' in row 4 the first\)"):  # fmt: skip
        csv_parquet.csv_to_parquet(path, tmp_path / "t.parquet", rows=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
