"""Generated table rows within their columns' training ranges: ``TabularEncoder`` keeps each
numeric column's range (``range_``), ``inverse_transform(Z, clip=True)`` keeps to it, and
``aekit generate --clip`` does; without it, rows outside are warned of (a new user's drawn
customer table: visits of -3 for a count of at least 0)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

import aekit


def customers(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "visits": rng.poisson(1.5, n),
        "income": rng.lognormal(10, 0.6, n),
        "segment": rng.choice(["basic", "plus", "vip"], n),
    })  # fmt: skip


def test_clip_keeps_each_number_within_its_range_in_fit():
    table = customers()
    encoder = aekit.TabularEncoder().fit(table)
    assert encoder.range_ == {
        "visits": [0.0, float(table["visits"].max())],
        "income": [table["income"].min(), table["income"].max()],
    }
    Z = encoder.transform(table)
    Z[:, :2] += np.random.default_rng(1).normal(0, 3, (len(Z), 2))  # far out, both ways
    free, kept = encoder.inverse_transform(Z), encoder.inverse_transform(Z, clip=True)
    assert free["visits"].min() < 0 and free["income"].max() > table["income"].max()
    for column in ("visits", "income"):
        assert kept[column].between(table[column].min(), table[column].max()).all()
    inside = (free["visits"] >= 0) & (free["visits"] <= table["visits"].max())
    assert (kept["visits"][inside] == free["visits"][inside]).all()  # only the outside moves
    pd.testing.assert_series_equal(kept["segment"], free["segment"])
    state = json.loads(json.dumps(encoder.get_state()))
    assert aekit.TabularEncoder().set_state(state).range_ == encoder.range_
    del state["range"]  # a file saved before the ranges were kept
    older = aekit.TabularEncoder().set_state(state)
    with pytest.raises(ValueError, match="saved before aekit kept its columns' ranges"):
        older.inverse_transform(Z, clip=True)
    older.inverse_transform(Z)  # as before


def test_generate_warns_of_rows_outside_and_clips_them_when_asked(tmp_path):
    customers().to_csv(tmp_path / "t.csv", index=False)
    run = tmp_path / "RUN"
    ok(invoke("train", tmp_path / "t.csv", "--epochs", "2", "--quiet", "--out", run))
    drawn = ["generate", run, "-n", "500", "--draw", "--seed", "1"]
    with pytest.warns(UserWarning, match=r"rows hold a number outside .*--clip keeps each"):
        ok(invoke(*drawn, "-o", tmp_path / "free.csv"))
    ok(invoke(*drawn, "--clip", "-o", tmp_path / "kept.csv"))
    free, kept = (pd.read_csv(tmp_path / f"{n}.csv") for n in ("free", "kept"))
    table = customers()
    assert free["visits"].min() < 0 <= kept["visits"].min()
    for column in ("visits", "income"):
        assert kept[column].between(table[column].min(), table[column].max()).all()
    numbers = tmp_path / "n.csv"
    customers().drop(columns="segment").to_csv(numbers, index=False)
    ok(invoke("train", numbers, "--epochs", "1", "--quiet", "--out", tmp_path / "NUM"))
    refused(invoke("generate", tmp_path / "NUM", "--clip", "-o", tmp_path / "x.csv"), "np.clip")
