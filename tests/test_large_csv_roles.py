"""The columns a command does not give the model (``--id-column``, ``--label-column``,
``--ignore-column``) of a CSV read as a small file (into memory) and as a large one (through its
Parquet copy, made a chunk at a time): text further down such a column is no typo among
numbers, and both reads keep it as the file writes it. "Large" is a lowered
:data:`aekit.data.lazy.CSV_LIMIT_BYTES`, its chunks :data:`aekit.data.csv_parquet.CHUNK_ROWS`
rows."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cli_helpers import convert_in_small_chunks, invoke, read_as_a_large_csv
from tiny_detector import tiny_members

from aekit.cli import large_csv
from aekit.cli.errors import error_message
from aekit.data import csv_parquet, lazy

ROWS, CHUNK = 300, 64  # rows 250-270 lie in the fourth chunk of the large read
DETECT = ["--param", "n_estimators=1", "--quiet", "--no-figures"]
IMPUTE = ["--param", "max_iter=2", "--param", "batch_size=32", "--quiet"]


def _features() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(ROWS, 3)).round(3), columns=list("abc"))


def _with(column: str, values: list, late: dict[int, str]) -> pd.DataFrame:
    """The features and ``column`` of ``values``, its cells at the rows of ``late`` text."""
    frame = _features()
    frame[column] = pd.Series(values, dtype=object)
    for row, text in late.items():
        frame.loc[row, column] = text
    return frame


def id_table() -> pd.DataFrame:
    # '007' in the first chunk: read whole, the column is text, written as the file writes it
    ids = [str(1001 + i) for i in range(ROWS)]
    ids[3] = "007"
    return _with("id", ids, {250: "A-17"})


def label_table() -> pd.DataFrame:
    labels = [int(i % 10 == 0) for i in range(ROWS)]
    return _with("y", labels, {260: "anomaly", 270: "anomaly"})


def ignored_table() -> pd.DataFrame:
    frame = _with("note", [i % 7 for i in range(ROWS)], {265: "free text", 3: "007"})
    frame.loc[::9, "b"] = np.nan  # gaps for impute to fill
    return frame


@pytest.fixture(autouse=True)
def quick_detector(monkeypatch):
    """Tiny members: how each read keeps a column is under test, not the detector's scores."""
    tiny_members(monkeypatch)


@dataclass
class Outcome:
    exit_code: int
    message: str | None
    stdout: str
    output: str  # stdout and stderr
    files: dict[str, pd.DataFrame]


@pytest.fixture
def small_and_large(monkeypatch, tmp_path) -> Callable[..., tuple[Outcome, Outcome]]:
    """``run(frame, args, outputs, lazy_bytes)``: ``aekit ARGS`` of the table ``frame`` written
    as a CSV, read in memory and then as a large CSV whose text is never read whole (fitted from
    disk where ``lazy_bytes`` is 0); ``ARGS`` holds DATA and OUT for the file and a folder to
    write in, ``outputs`` the files written there that are read back (as text)."""
    convert_in_small_chunks(monkeypatch, tmp_path, CHUNK)

    def command(path: Path, out: Path, args: list[str], outputs: list[str]) -> Outcome:
        out.mkdir()
        filled = [{"DATA": path, "OUT": out}.get(a, a) for a in args]
        result = invoke(*[str(a).replace("OUT/", f"{out}/") for a in filled])
        message = error_message(result.exception) if result.exception is not None else None
        files = {n: pd.read_csv(out / n, dtype=str) for n in outputs if (out / n).exists()}
        return Outcome(result.exit_code, message, result.stdout, result.output, files)

    def run(frame: pd.DataFrame, args: list[str], outputs: list[str], lazy_bytes: int = -1):
        path = tmp_path / "table.csv"
        frame.to_csv(path, index=False)
        small = command(path, tmp_path / "small", args, outputs)
        read_as_a_large_csv(monkeypatch, lazy_bytes)
        large = command(path, tmp_path / "large", args, outputs)
        assert "converting it to Parquet" in large.output
        return small, large

    return run


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (read as text) with its columns of numbers as numbers."""
    frame = frame.copy()
    for name in frame.columns:
        with contextlib.suppress(ValueError):
            frame[name] = pd.to_numeric(frame[name])
    return frame


def _same(small: Outcome, large: Outcome, outputs: list[str], exact: bool = True) -> None:
    """The same exit code, message and files; fitted from disk (not ``exact``), the rows are
    read as float32, so the scores are equal to float32 rounding."""
    assert (large.exit_code, large.message) == (small.exit_code, small.message)
    assert small.exit_code == 0, small.message
    for name in outputs:
        if exact:
            pd.testing.assert_frame_equal(large.files[name], small.files[name])
        else:
            ours, theirs = _numbers(large.files[name]), _numbers(small.files[name])
            pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-4)


@pytest.mark.parametrize("lazy_bytes", [-1, 0], ids=["read-whole", "from-disk"])
def test_an_id_column_with_text_further_down_is_written_as_the_file_writes_it(
    small_and_large, lazy_bytes
):
    args = ["detect", "DATA", "--id-column", "id", "--out", "OUT/DET", *DETECT]
    small, large = small_and_large(id_table(), args, ["DET/scores.csv"], lazy_bytes)
    _same(small, large, ["DET/scores.csv"], exact=lazy_bytes < 0)
    ids = large.files["DET/scores.csv"]["id"].tolist()
    assert ids[3] == "007" and ids[250] == "A-17" and ids[4] == "1005"


@pytest.mark.parametrize("lazy_bytes", [-1, 0], ids=["read-whole", "from-disk"])
def test_an_id_column_of_digits_keeps_its_leading_zeros(small_and_large, lazy_bytes):
    # digits alone were read as numbers in both reads: the id 00007 was written back as 7
    ids = [f"{i:05d}" for i in range(ROWS)]
    args = ["detect", "DATA", "--id-column", "id", "--out", "OUT/DET", *DETECT]
    small, large = small_and_large(_with("id", ids, {}), args, ["DET/scores.csv"], lazy_bytes)
    _same(small, large, ["DET/scores.csv"], exact=lazy_bytes < 0)
    assert large.files["DET/scores.csv"]["id"].tolist() == ids


@pytest.mark.parametrize("lazy_bytes", [-1, 0], ids=["read-whole", "from-disk"])
def test_a_label_column_with_text_further_down_is_read_as_labels(small_and_large, lazy_bytes):
    args = ["detect", "DATA", "--label-column", "y", "--out", "OUT/DET", *DETECT]
    small, large = small_and_large(label_table(), args, ["DET/scores.csv"], lazy_bytes)
    _same(small, large, ["DET/scores.csv"], exact=lazy_bytes < 0)
    # the figures against the labels, said alike
    assert "against --label-column y" in small.stdout
    assert large.stdout.splitlines()[:-1] == small.stdout.splitlines()[:-1]  # but 'run: OUT'


def test_an_ignored_column_with_text_further_down_is_written_back_by_impute(small_and_large):
    args = ["impute", "DATA", "--ignore-column", "note", "-o", "OUT/filled.csv", *IMPUTE]
    small, large = small_and_large(ignored_table(), args, ["filled.csv"])
    _same(small, large, ["filled.csv"])
    notes = large.files["filled.csv"]["note"].tolist()
    assert notes[3] == "007" and notes[265] == "free text" and notes[4] == "4"


def test_an_ignored_column_with_text_further_down_is_no_feature_to_detect(small_and_large):
    args = ["detect", "DATA", "--ignore-column", "note", "--handle-missing", "--out", "OUT/D"]
    small, large = small_and_large(ignored_table(), [*args, *DETECT], ["D/scores.csv"], 0)
    _same(small, large, ["D/scores.csv"], exact=False)


def test_the_conversion_stores_a_column_no_model_reads_as_text_once_it_holds_text(tmp_path):
    path = tmp_path / "t.csv"
    frame = pd.DataFrame(
        {
            "id": ["007", *map(str, range(1, 9)), "A-17"],  # text in the last chunk alone
            "flag": ["True", "False"] * 4 + ["maybe", "True"],
            "count": range(10),  # numbers throughout: as before, integers named
            "a": np.linspace(0, 1, 10),
        }
    )
    frame.to_csv(path, index=False)
    convert = partial(csv_parquet.csv_to_parquet, path, tmp_path / "t.parquet", rows=3)
    copy = convert(not_features=["id", "flag", "count"])
    read = pd.read_parquet(copy)
    assert read["id"].tolist() == frame["id"].tolist() == pd.read_csv(path)["id"].tolist()
    assert read["flag"].tolist() == frame["flag"].tolist()
    assert read["count"].dtype == np.float64 and read["count"].tolist() == list(range(10))
    assert csv_parquet.integer_columns(copy) == {"count": "int64"}
    with pytest.raises(ValueError, match=r"column 'id' holds numbers but also text \('A-17'"):
        convert(not_features=["flag"])  # a feature's text among numbers is refused, as before


def test_a_large_csv_has_a_copy_for_each_set_of_columns_no_model_reads(tmp_path, monkeypatch):
    # the copy stores them by what they hold: a command with other columns gets its own copy
    monkeypatch.setattr(large_csv, "_copies", {})
    monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 1000)
    monkeypatch.setattr(csv_parquet, "CHUNK_ROWS", CHUNK)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    path = tmp_path / "t.csv"
    label_table().to_csv(path, index=False)
    as_label = large_csv.parquet_copy(str(path), label_column="y")
    assert large_csv.parquet_copy(str(path), label_column="y") == as_label
    assert pq.read_schema(as_label).field("y").type == pa.string()
    with pytest.raises(ValueError, match=r"column 'y' holds numbers but also text \('anomaly'"):
        large_csv.parquet_copy(str(path))  # as a feature


def test_a_mid_sized_csv_keeps_a_late_text_id_column_as_written(tmp_path):
    # pandas read the rows in blocks, each with its own type: '007' became 7 and the ids
    # ints beside the text 'A-17' of a later block, while the large path keeps them as written
    from aekit.data.table_checks import read_csv

    ids = [str(1000 + i) for i in range(300_000)]
    ids[3], ids[-10] = "007", "A-17"
    path = tmp_path / "mid.csv"
    pd.DataFrame({"id": ids, "a": np.arange(300_000) % 7}).to_csv(path, index=False)
    column = read_csv(path)["id"]
    assert column.tolist() == ids


SERIES = ["--window", "8", "--quiet"]


def _quick_series_detector(monkeypatch) -> None:
    import aekit
    from aekit.timeseries import detector as module

    member = aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=2)
    quick = aekit.AnomalyDetector(estimator=member, n_estimators=1, preprocessing=None)
    monkeypatch.setattr(module, "default_window_detector", lambda: quick)


def time_table(late: dict[int, str]) -> pd.DataFrame:
    """A series whose time column ``t`` counts seconds, its cells at the rows of ``late``
    text (rows past the first chunk of the large read)."""
    return _with("t", [str(1_700_000_000 + 60 * i) for i in range(ROWS)], late)


def test_a_time_column_of_numbers_is_read_alike(small_and_large, monkeypatch):
    _quick_series_detector(monkeypatch)
    args = ["detect-series", "DATA", "--time-column", "t", "--out", "OUT/S", *SERIES]
    small, large = small_and_large(time_table({}), args, ["S/scores.csv"])
    _same(small, large, ["S/scores.csv"])
    assert large.files["S/scores.csv"]["t"].iloc[-1] == str(1_700_000_000 + 60 * (ROWS - 1))


@pytest.mark.parametrize(
    "late",
    [
        {260: "oops"},  # a typo among the numbers of the time column
        # numbers, then the same instants as dates
        {i: str(pd.Timestamp(1_700_000_000 + 60 * i, unit="s")) for i in range(200, ROWS)},
    ],
    ids=["one-text-cell", "numbers-then-dates"],
)
def test_a_time_column_with_text_further_down_is_refused_alike(small_and_large, late, monkeypatch):
    # the large read stored the time column as a feature's: refused in its own words, 'column
    # 't' holds numbers but also text', while the small file reached the detector's check
    _quick_series_detector(monkeypatch)
    args = ["detect-series", "DATA", "--time-column", "t", "--out", "OUT/S", *SERIES]
    small, large = small_and_large(time_table(late), args, [])
    assert (large.exit_code, large.message) == (small.exit_code, small.message)
    assert small.exit_code != 0 and "Traceback" not in small.output + large.output
    first = min(late)
    said = f"time column 't' holds numbers but also text: {late[first]!r} (row {first}, 0-based)"
    assert said in small.message


@pytest.mark.parametrize(
    "command",
    [
        ["score", "RUN", "DATA", "-o", "OUT/scores.csv"],
        ["evaluate", "RUN", "DATA", "--label-column", "y"],
    ],
    ids=["score", "evaluate"],
)
def test_a_series_run_reads_the_time_column_of_new_data_alike(
    small_and_large, command, monkeypatch, tmp_path
):
    # 'aekit score RUN DATA' of a series run reads DATA's time column as detect-series does
    _quick_series_detector(monkeypatch)
    train = tmp_path / "train.csv"
    time_table({}).to_csv(train, index=False)
    fit = ["detect-series", train, "--time-column", "t", "--out", tmp_path / "run", *SERIES]
    assert invoke(*fit).exit_code == 0
    args = [tmp_path / "run" if a == "RUN" else a for a in command]
    small, large = small_and_large(time_table({260: "oops"}).assign(y=0), args, [])
    assert (large.exit_code, large.message) == (small.exit_code, small.message)
    assert small.exit_code != 0 and "'oops' (row 260, 0-based)" in small.message
