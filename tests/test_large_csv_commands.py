"""The commands that take DATA, given a CSV too large for memory: read through its Parquet copy
a chunk at a time (or only the rows they use), never the whole file, with the outputs of the
same table read in memory. "Large" is a lowered :data:`aekit.data.lazy.CSV_LIMIT_BYTES`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.data import lazy, readers, row_stats, table_checks
from aekit.estimators import streaming

ROWS, CHUNK = 300, 64  # reads of at most CHUNK rows: the table is never read at once
QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2"]
COLUMNS = ["--id-column", "id", "--ignore-column", "note"]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """300 rows: an integer id, four numbers, a free-text note, a label; the same file as
    small.csv (read in memory) and big.csv (made "large" in :func:`large`)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(ROWS, 4)), columns=list("abcd"))
    frame.insert(0, "id", np.arange(ROWS) + 1000)
    frame["note"] = [f"row {i}" for i in range(ROWS)]
    frame["kind"] = rng.choice(["p", "q"], size=ROWS)
    folder = tmp_path_factory.mktemp("large")
    for name in ("small.csv", "big.csv"):
        frame.to_csv(folder / name, index=False)
    return folder


def _trained(table, model: str):
    out = table / model.upper()
    ok(invoke("train", table / "small.csv", "--label-column", "kind", *COLUMNS, "--model",
              model, *QUICK, "--out", out, "--no-figures", "--quiet"))  # fmt: skip
    return out


@pytest.fixture(scope="module")
def cvae_run(table):
    return _trained(table, "cvae")


@pytest.fixture(scope="module")
def vae_run(table):
    return _trained(table, "vae")


@pytest.fixture
def large(monkeypatch, tmp_path):
    """big.csv read whole by nothing; returns the largest read of rows (a one-item list) once a
    command has run. :func:`small_and_large` makes big.csv large."""
    monkeypatch.setattr(streaming, "BATCH_ROWS", CHUNK)
    monkeypatch.setattr(row_stats, "CHUNK_BYTES", CHUNK * 4)  # a fit's pass: CHUNK rows at most
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR read again
    real_csv = table_checks.read_csv

    def read_csv(path, *args, **kwargs):
        assert not (Path(path).name == "big.csv" and kwargs.get("nrows") is None), "read whole"
        return real_csv(path, *args, **kwargs)

    monkeypatch.setattr(table_checks, "read_csv", read_csv)
    largest = [0]
    real_read, real_gather = readers.RowReader.read, readers.RowReader.gather

    def read(self, start, stop):
        rows = real_read(self, start, stop)
        largest[0] = max(largest[0], len(rows))
        return rows

    def gather(self, ids):
        rows = real_gather(self, ids)
        largest[0] = max(largest[0], len(rows))
        return rows

    monkeypatch.setattr(readers.RowReader, "read", read)
    monkeypatch.setattr(readers.RowReader, "gather", gather)
    return largest


def small_and_large(table, monkeypatch, command, run, *options):
    """``aekit COMMAND RUN DATA -o OUT OPTIONS`` of small.csv (in memory), then of big.csv
    (large); the two outputs read back."""
    outs = []
    for name, limit in (("small", lazy.CSV_LIMIT_BYTES), ("big", 1000)):
        monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", limit)
        out = table / f"{command}-{name}-{run.name}.csv"
        ok(invoke(command, run, table / f"{name}.csv", "-o", out, *options))
        outs.append(pd.read_csv(out))
    return outs


def test_predict_reads_a_large_csv_a_chunk_at_a_time(table, cvae_run, large, monkeypatch):
    small, big = small_and_large(table, monkeypatch, "predict", cvae_run)
    assert 0 < large[0] <= CHUNK
    pd.testing.assert_frame_equal(big, small, check_exact=False, atol=1e-5, check_dtype=False)
    assert list(big.columns) == ["id", "label", "p_p", "p_q"]


def test_interpolate_reads_only_its_two_rows_of_a_large_csv(table, vae_run, cvae_run, large,
                                                            monkeypatch):  # fmt: skip
    small, big = small_and_large(table, monkeypatch, "interpolate", vae_run, "--from", "3",
                                 "--to", "250")  # fmt: skip
    assert large[0] == 2  # the two ends, read together
    pd.testing.assert_frame_equal(big, small, check_exact=False, atol=1e-5)
    # a ConditionalVAE walks within the label both ends share, read from DATA's label column
    kinds = pd.read_csv(table / "small.csv")["kind"]
    a, b = np.flatnonzero(kinds == kinds[280])[-2:]
    small, big = small_and_large(table, monkeypatch, "interpolate", cvae_run, "--from", a,
                                 "--to", b)  # fmt: skip
    pd.testing.assert_frame_equal(big, small, check_exact=False, atol=1e-5)


def test_traverse_reads_only_its_row_of_a_large_csv(table, vae_run, large, monkeypatch):
    figures = []
    for name, limit in (("small", lazy.CSV_LIMIT_BYTES), ("big", 1000)):
        monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", limit)
        out = table / f"traverse-{name}.png"
        ok(invoke("traverse", vae_run, table / f"{name}.csv", "--index", 290, "--image-shape",
                  "1,2,2", "-o", out))  # fmt: skip
        figures.append(out.read_bytes())
    assert large[0] == 1 and figures[0] == figures[1]
    result = invoke("traverse", vae_run, table / "big.csv", "--index", ROWS, "--image-shape",
                    "1,2,2")  # fmt: skip
    refused(result, f"--index {ROWS} is outside DATA's {ROWS} rows")


@pytest.mark.parametrize("command", ["encode", "score"])
def test_the_integer_ids_of_a_large_csv_are_written_as_read_in_memory(
    table, vae_run, large, monkeypatch, command
):
    # the Parquet copy stores numbers as float64: the ids came out as 1000.0
    small_and_large(table, monkeypatch, command, vae_run)
    small, big = (
        pd.read_csv(table / f"{command}-{name}-{vae_run.name}.csv", dtype=str)
        for name in ("small", "big")
    )
    assert big["id"].tolist() == small["id"].tolist() == [str(i + 1000) for i in range(ROWS)]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_impute_of_a_large_csv_keeps_every_column_as_in_memory(tmp_path, large, monkeypatch,
                                                               suffix):  # fmt: skip
    from aekit.cli import common

    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(200, 3)).round(3), columns=list("abc"))
    frame.insert(0, "id", np.arange(200) + 1000)
    frame["note"] = [f"row {i}" for i in range(200)]
    frame["count"] = rng.integers(0, 5, 200).astype(float)
    frame.loc[::7, "b"] = np.nan
    frame.loc[::5, "count"] = np.nan  # whole numbers with gaps: filled with whole numbers
    frame.to_csv(tmp_path / "small.csv", index=False)
    frame.to_csv(tmp_path / "big.csv", index=False)
    outs = []
    for name, limit, lazy_bytes in (("small", lazy.CSV_LIMIT_BYTES, common.LAZY_BYTES),
                                    ("big", 1000, 0)):  # fmt: skip
        monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", limit)
        monkeypatch.setattr(common, "LAZY_BYTES", lazy_bytes)  # big.csv: fitted from disk
        out = tmp_path / f"{name}-filled{suffix}"
        ok(invoke("impute", tmp_path / f"{name}.csv", "--id-column", "id", "--ignore-column",
                  "note", "--param", "max_iter=2", "--param", "batch_size=32", "--quiet",
                  "-o", out))  # fmt: skip
        outs.append(pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out))
    small, big = outs
    assert 0 < large[0] <= CHUNK  # fitted and filled a chunk at a time
    # the id and ignored columns in place, every observed cell as it was; the fills are another
    # fit's (from disk, in row-group order), whole numbers in the column of whole numbers
    assert big.columns.tolist() == small.columns.tolist() == frame.columns.tolist()
    if suffix == ".csv":  # in memory the file's own cells come back ('1.0' of count stays
        # '1.0', read back as floats); from disk its Parquet copy's integers: the same numbers
        same = [c for c in frame.columns if c != "count"]
        assert big[same].dtypes.to_dict() == small[same].dtypes.to_dict()
    else:  # the file's types (pandas' metadata aside: nullable integers read back as int64)
        import pyarrow.parquet as pq

        types = [
            [
                str(t).replace("large_", "")
                for t in pq.read_schema(tmp_path / f"{n}-filled{suffix}").types
            ]
            for n in ("small", "big")
        ]
        assert types[0] == types[1]
    observed = frame.notna()
    pd.testing.assert_frame_equal(big[observed], small[observed], check_dtype=False)
    assert big.notna().all().all() and (big["count"] == big["count"].round()).all()


def test_a_command_that_needs_every_row_reads_the_copy_not_the_text_again(
    table, large, monkeypatch
):
    # train on fewer float32 rows than it fits from disk (LAZY_BYTES) reads DATA whole: from the
    # copy, as pandas read the CSV (integer labels stay integers), not by parsing the text again
    codes = []
    for name, limit in (("small", lazy.CSV_LIMIT_BYTES), ("big", 1000)):
        monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", limit)
        run = table / f"whole-{name}"
        ok(invoke("train", table / f"{name}.csv", "--label-column", "id", "--ignore-column",
                  "note", "--ignore-column", "kind", "--model", "cvae", *QUICK, "--out", run,
                  "--no-figures", "--quiet"))  # fmt: skip
        assert (run / "model.safetensors").exists()
        import aekit

        model = aekit.load(run / "model.safetensors")
        assert model.classes_.dtype == np.int64
        codes.append(model.transform(pd.read_csv(table / "small.csv")[list("abcd")]))
    np.testing.assert_array_equal(codes[0], codes[1])
