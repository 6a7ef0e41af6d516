"""A CSV cut short (an interrupted download or copy) is said to be cut, not read with a NaN in
its last row and the advice to impute it; a file that merely lacks its last line break, or
whose last quoted cell spans lines, still reads."""

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, read_as_a_large_csv, refused

from aekit.data.datasets import load_array

ROWS = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 4)).round(4), columns=list("abcd"))


def _cut(tmp_path, keep_fields: int, name: str = "cut.csv"):
    """ROWS written as a CSV whose last row holds only ``keep_fields`` fields and no line
    break: the file ends where a copy stopped."""
    text = ROWS.to_csv(index=False)
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    kept = ",".join(last.split(",")[:keep_fields])
    path = tmp_path / name
    path.write_text(text.rstrip("\n")[: -len(last)] + kept)
    return path


@pytest.mark.parametrize("keep_fields", [1, 3])
def test_a_last_row_cut_short_is_refused_by_name(tmp_path, keep_fields):
    said = f"cut short: its last line has {keep_fields} fields where the line before it has 4"
    with pytest.raises(ValueError, match=said):
        load_array(_cut(tmp_path, keep_fields))


def test_a_whole_last_row_without_a_line_break_reads(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(ROWS.to_csv(index=False).rstrip("\n"))
    table, _ = load_array(path)
    np.testing.assert_allclose(table.to_numpy(), ROWS.to_numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "end",
    ["\n   ", "\n\t", "\n\n  ", "\n\x1a", "\n# end of data"],
    ids=["blanks", "tab", "blank-lines", "dos-eof", "comment"],
)
def test_a_finished_file_with_blanks_or_a_mark_after_its_last_line_is_not_called_cut(tmp_path, end):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6" + end)
    try:
        table, _ = load_array(path)
    except ValueError as err:  # as before this check: not said to be cut
        assert "cut short" not in str(err)
        return
    if end.strip(" \t\n"):  # a mark pandas reads as a row of its own, as before this check
        return
    assert table.shape == (2, 3) and not table.isna().any().any()


def test_classic_mac_line_breaks_cut_or_whole(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\r1,2,3\r4,5,6", newline="")
    assert load_array(path)[0].shape == (2, 3)
    path.write_text("a,b,c\r1,2,3\r4,5", newline="")
    with pytest.raises(
        ValueError, match="its last line has 2 fields where the line before it has 3"
    ):
        load_array(path)


def test_rows_shorter_than_the_header_throughout_are_not_a_cut(tmp_path):
    """The rows' own width is the measure, not the header's: a last row as wide as the others
    reads as they do, finished or not."""
    path = tmp_path / "t.csv"
    path.write_text("a,b,c,d\n1,2,3\n5,6,7")
    table, _ = load_array(path)
    assert table.shape == (2, 4) and table["d"].isna().all()


def test_a_short_row_before_the_end_is_still_a_missing_value(tmp_path):
    """Only the file's end is taken for a cut: a short row inside it is the NaN it was."""
    lines = ROWS.to_csv(index=False).splitlines()
    lines[5] = ",".join(lines[5].split(",")[:3])
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    table, _ = load_array(path)
    assert table.isna().sum().sum() == 1 and np.isnan(table.iloc[4, 3])


def test_a_last_quoted_cell_over_two_lines_reads(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b,note\n1,2,"x"\n3,4,"two\nlines"')
    table, _ = load_array(path)
    assert table["note"].tolist() == ["x", "two\nlines"]


def test_the_command_line_says_the_file_is_cut(tmp_path):
    message = refused(invoke("train", _cut(tmp_path, 2), "--out", tmp_path / "run"), "cut short")
    assert "impute" not in message and not (tmp_path / "run").exists()


def test_a_large_csv_cut_short_is_refused_before_it_is_copied(tmp_path, monkeypatch):
    read_as_a_large_csv(monkeypatch)
    big = pd.concat([ROWS] * 5, ignore_index=True)
    text = big.to_csv(index=False)
    path = tmp_path / "big.csv"
    path.write_text(text[: len(text) - 12])  # mid-row, as a copy stops
    assert len(text) > 1000
    refused(invoke("train", path, "--out", tmp_path / "run"), "cut short")
