"""The checks of a table's columns look at a table of 20,000 columns (gene expression) in a numpy
pass over its numbers, not a pandas pass a column: each finds what its rule, a column at a time,
finds, at the edges where one pass over a block could differ from the rule (NaN, a column of one
value, of NaN alone, an infinity, -0.0 beside 0.0, bools, text among numbers, pandas' nullable
dtypes), and calls the rule's pandas work for the few columns it must look at."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from aekit.cli import column_warnings, tables
from aekit.data import column_checks, constant_columns, number_blocks, tabular
from aekit.data.non_numeric import non_numeric_columns, numbers_held_as_objects

ROWS = 25  # enough rows for the row-number rule (20)


def _edges() -> pd.DataFrame:
    """Columns at the edges of each rule, among many columns of ordinary counts."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.poisson(20, (ROWS, 300)), columns=[f"g{i}" for i in range(300)])
    nan = np.full(ROWS, np.nan)
    edges = {
        "one_int": np.full(ROWS, 7),
        "one_float_gaps": np.where(np.arange(ROWS) % 3, 2.5, np.nan),
        "nan_alone": nan,
        "signed_zeros": np.tile([0.0, -0.0], ROWS)[:ROWS],
        "one_inf": np.full(ROWS, np.inf),
        "inf_beside": np.r_[np.inf, np.arange(ROWS - 1.0)],
        "whole_floats": np.r_[np.nan, np.arange(ROWS - 1.0)],
        "halves": np.arange(ROWS) / 2,
        "flags": np.ones(ROWS, dtype=bool),
        "row_id": rng.permutation(ROWS) + 100,
        "span_twice": np.r_[0, np.arange(ROWS - 1)] * 1,  # 0..23 and a 0 again: span 23
        "span_repeat": np.r_[0, 0, np.arange(2, ROWS)],  # span 24, a value twice
        "uint_id": np.arange(ROWS, dtype=np.uint64),
        "nullable_id": pd.array(np.arange(ROWS), dtype="Int64"),
        "nullable_one": pd.array([3] * (ROWS - 1) + [None], dtype="Int64"),
        "text_one": ["a"] * ROWS,
        "text_among": ["1", "2", "x"] + [str(i) for i in range(ROWS - 3)],
        "object_numbers": pd.Series([1.0, None] * 12 + [2.0], dtype=object),
        "category": pd.Categorical(["u"] * ROWS),
        "int32_one": np.full(ROWS, 4, dtype=np.int32),
    }
    return pd.concat([frame, pd.DataFrame(edges)], axis=1)


def _said(call, *args) -> list[str]:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        call(*args)
    return [str(w.message) for w in said]


def _counting(monkeypatch, owner, name: str) -> list:
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_constant_columns_are_those_of_the_rule_a_column(monkeypatch):
    frame = _edges()
    rule = {}  # the rule, a column at a time
    for column in frame.columns:
        observed = frame[column].dropna()
        if len(observed) and observed.nunique() == 1:
            rule[str(column)] = observed.iloc[0]
    assert list(rule) == [  # -0.0 beside 0.0 is one value to pandas, infinity one too
        "one_int", "one_float_gaps", "signed_zeros", "one_inf", "flags", "nullable_one",
        "text_one", "category", "int32_one",
    ]  # fmt: skip
    dropped = _counting(monkeypatch, pd.Series, "dropna")
    (message,) = _said(constant_columns.warn_constant_columns, frame)
    assert f"(X.drop(columns={list(rule)!r}))" in message
    assert "'one_int' (7)" in message and "'one_float_gaps' (2.5)" in message
    # the rule's pandas pass: for the columns of one value, and those of other dtypes alone
    assert len(dropped) <= len(rule) + 6, f"{len(dropped)} pandas passes for 320 columns"


def test_whole_number_columns_are_those_of_the_rule_a_column(monkeypatch):
    frame = _edges()
    rule = [str(c) for c in frame.columns if column_warnings._holds_whole_numbers(frame[c])]
    assert "whole_floats" in rule and "one_inf" in rule and "halves" not in rule
    assert "nan_alone" not in rule and "flags" not in rule and "nullable_id" in rule
    calls = _counting(monkeypatch, column_warnings, "_holds_whole_numbers")
    assert column_warnings._whole_number_columns(frame) == rule
    assert len(calls) <= 8, f"{len(calls)} columns judged one at a time, of 320"  # non-numpy


def test_row_number_columns_warned_of_as_the_rule_a_column_does(monkeypatch):
    frame = _edges()
    rule = _said(lambda: [column_checks.warn_row_number(str(c), frame[c]) for c in frame])
    assert [m.split("'")[1] for m in rule] == ["row_id", "uint_id", "nullable_id"]
    calls = _counting(monkeypatch, column_checks, "warn_row_number")
    found = _said(
        lambda: [
            column_checks.warn_row_number(str(frame.columns[p]), frame.iloc[:, p])
            for p in column_checks.row_number_columns(frame)
        ]
    )
    assert found == rule
    # those whose largest value is the smallest + 24 (some counts too), nullable ones, uint64
    assert len(calls) <= 20, f"{len(calls)} columns judged one at a time, of 320"
    assert column_checks.row_number_columns(frame.iloc[:19]) == []  # too few rows to judge


def test_fit_encoder_of_numbers_warns_as_the_rule_a_column(monkeypatch):
    frame = _edges().drop(columns=["text_one", "text_among", "object_numbers", "category"])
    assert not tables.has_text_columns(frame)
    said = _said(tables.fit_encoder, frame)
    assert [m.split("'")[1] for m in said[:3]] == ["row_id", "uint_id", "nullable_id"]
    assert "constant in the training rows" in said[3] and len(said) == 4
    getitem = _counting(monkeypatch, pd.DataFrame, "__getitem__")
    _said(tables.fit_encoder, frame)
    assert len(getitem) <= 5, f"{len(getitem)} columns taken by name, of 316"


def test_text_columns_are_told_by_dtype_as_by_column(monkeypatch):
    frame = _edges()
    frame["bool_objects"] = pd.Series([True, False] * 12 + [True], dtype=object)
    frame["bool_categories"] = pd.Categorical([True, False] * 12 + [True])
    frame["nullable_flags"] = pd.array([True, None] * 12 + [False], dtype="boolean")
    types = pd.api.types
    rule = [
        str(c)
        for c in frame.columns
        if not (types.is_numeric_dtype(frame[c]) or types.is_bool_dtype(frame[c]))
    ]
    assert rule == ["text_one", "text_among", "object_numbers", "category", "bool_objects"]
    getitem = _counting(monkeypatch, pd.DataFrame, "__getitem__")
    assert non_numeric_columns(frame) == rule
    assert tables.has_text_columns(frame) and not tables.has_text_columns(frame.iloc[:, :300])
    read = numbers_held_as_objects(frame)  # the object column of numbers alone: floats
    assert len(getitem) <= 4, f"{len(getitem)} columns taken by name, of 323"  # object ones
    assert read["object_numbers"].dtype == np.float64
    assert read["text_among"].dtype == frame["text_among"].dtype


def test_the_encoder_fits_numbers_in_one_pass_and_refuses_as_a_column_does(monkeypatch):
    frame = _edges()[[f"g{i}" for i in range(300)] + ["whole_floats", "halves", "text_one"]]
    frame = frame.assign(whole_floats=frame["whole_floats"].fillna(0.0))
    calls = _counting(monkeypatch, tabular, "numbers_of")
    encoder = tabular.TabularEncoder().fit(frame)
    assert calls == []  # numpy's numbers, none infinite or empty: no check of their own
    numbers = frame.drop(columns="text_one").to_numpy(np.float64)
    assert encoder.range_["halves"] == [0.0, 12.0] and len(encoder.range_) == 302
    mean = [encoder.mean_[c] for c in frame.columns[:-1]]
    np.testing.assert_allclose(mean, numbers.mean(axis=0))
    assert encoder.transform(frame).shape == (ROWS, 303)
    # an infinity, a column of NaN alone: refused in the words of a table of that column alone
    for column, values in {"inf_beside": _edges()["inf_beside"], "nan_alone": np.nan}.items():
        bad = frame.assign(**{column: values})
        with pytest.raises(ValueError) as alone:
            tabular.TabularEncoder(handle_missing="mask").fit(bad[[column, "text_one"]])
        with pytest.raises(ValueError) as among:
            tabular.TabularEncoder(handle_missing="mask").fit(bad)
        assert str(among.value) == str(alone.value) and column in str(alone.value)


def test_missing_cells_are_pandas_isna():
    frame = _edges()
    numbers = frame.select_dtypes(include=["number", "bool"]).drop(columns="nullable_id")
    numbers = numbers.drop(columns="nullable_one")
    for table in (frame, numbers, numbers.iloc[:, :0]):
        np.testing.assert_array_equal(number_blocks.missing_cells(table), table.isna().to_numpy())
    tall = numbers.iloc[:, :3]
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(number_blocks, "BLOCK_CELLS", 2 * ROWS)  # a block of two columns
    try:
        np.testing.assert_array_equal(number_blocks.missing_cells(tall), tall.isna().to_numpy())
    finally:
        monkeypatch.undo()


def test_the_detector_reads_a_table_of_numbers_whole(monkeypatch):
    from aekit import AnomalyDetector
    from aekit.data.one_hot import one_hot_column_runs

    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.poisson(20, (35, 50)), columns=[f"g{i}" for i in range(50)])
    dummies = pd.get_dummies(rng.choice(list("abc"), 35), prefix="d", dtype=int)
    frame = pd.concat([frame, dummies], axis=1)
    runs = one_hot_column_runs(frame)  # the whole table at once
    assert runs == [["d_a", "d_b", "d_c"]] == one_hot_column_runs(frame.assign(t="x"))
    chosen = _counting(monkeypatch, pd.DataFrame, "select_dtypes")
    isna = _counting(monkeypatch, pd.DataFrame, "isna")
    assert AnomalyDetector()._table(frame, fitting=True) is frame  # nothing to rename
    assert chosen == [] and isna == []
    bad = frame.astype({"g3": float})
    bad.loc[4, "g3"] = np.inf
    refused = []
    for table in (bad, bad.assign(t="x")):  # numbers alone, and beside text (pandas' choice)
        with pytest.raises(ValueError) as said:
            AnomalyDetector()._table(table, fitting=True)
        refused.append(str(said.value))
    assert refused[0] == refused[1] and "'g3'" in refused[0]
