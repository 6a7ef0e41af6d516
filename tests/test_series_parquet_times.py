"""``aekit score`` of a series run writes its time column as timestamps in Parquet when DATA's
column is text the detector read as dates: they were written as text (strings in the Parquet
schema), which a reader must parse again; a CSV keeps them as written."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

QUICK = ["--window", "8", "--param", "max_iter=2", "--quiet"]


def series(times) -> pd.DataFrame:
    values = np.sin(np.arange(len(times)) / 5) + np.random.default_rng(0).normal(0, 0.1, len(times))
    return pd.DataFrame({"timestamp": times, "value": values})


@pytest.mark.parametrize(
    "text, expected",
    [
        # as typed, without a zone: the wall clock, naive
        (pd.date_range("2024-01-01", periods=120, freq="h").strftime("%Y-%m-%dT%H:%M"), None),
        # with offsets that change at daylight saving time: the instants, in UTC
        (
            pd.date_range("2024-03-30", periods=120, freq="h", tz="Europe/Paris").astype(str),
            "UTC",
        ),
    ],
)
def test_text_dates_are_timestamps_in_parquet_and_as_written_in_csv(tmp_path, text, expected):
    series(text).to_csv(tmp_path / "m.csv", index=False)
    ok(invoke("detect-series", tmp_path / "m.csv", "--time-column", "timestamp", *QUICK,
              "--out", tmp_path / "R"))  # fmt: skip
    ok(invoke("score", tmp_path / "R", tmp_path / "m.csv", "-o", tmp_path / "s.parquet"))
    written = pd.read_parquet(tmp_path / "s.parquet")["timestamp"]
    assert pd.api.types.is_datetime64_any_dtype(written), written.dtype
    assert str(getattr(written.dt.tz, "key", written.dt.tz) or "") == (expected or "")
    instants = pd.to_datetime(pd.Series(text), utc=True)
    if expected is None:  # the wall clock as written
        instants = instants.dt.tz_localize(None)
    assert (written.to_numpy() == instants.to_numpy()).all()
    ok(invoke("score", tmp_path / "R", tmp_path / "m.csv", "-o", tmp_path / "s.csv"))
    assert pd.read_csv(tmp_path / "s.csv")["timestamp"].tolist() == list(text)  # as written


def test_a_numeric_time_column_stays_numbers(tmp_path):
    series(np.arange(120) * 60).to_csv(tmp_path / "m.csv", index=False)
    ok(invoke("detect-series", tmp_path / "m.csv", "--time-column", "timestamp", *QUICK,
              "--out", tmp_path / "R"))  # fmt: skip
    ok(invoke("score", tmp_path / "R", tmp_path / "m.csv", "-o", tmp_path / "s.parquet"))
    written = pd.read_parquet(tmp_path / "s.parquet")["timestamp"]
    assert pd.api.types.is_numeric_dtype(written) and written.iloc[1] == 60
