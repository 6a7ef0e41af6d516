"""Columns of one value in the training rows (country 'US', const_num 7) passed without a word,
and a change there was scored in its own units (7 -> 8 scored 18.8 against a detector's
threshold of 22.75, unflagged); fit now warns of them, as the series detector warns of a
constant channel."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

import aekit
from aekit.cli.errors import for_the_command_line

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]


def table(n: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"x": rng.normal(size=n), "city": rng.choice(["Lyon", "Nice"], n), "country": "US"}
    ).assign(const_num=7)


def test_the_encoder_names_each_constant_column_and_what_a_change_there_is_scored_against():
    with pytest.warns(UserWarning, match="constant in the training rows") as said:
        aekit.TabularEncoder().fit(table())
    (message,) = [str(w.message) for w in said if "constant" in str(w.message)]
    assert "columns 'country' ('US'), 'const_num' (7) are constant" in message, message
    assert (
        "no spread to standardize by" in message and "a category there is one never seen" in message
    )
    assert "'x'" not in message and "'city'" not in message
    line = for_the_command_line(message)
    assert "--ignore-column country --ignore-column const_num" in line and "X.drop" not in line


def test_varied_columns_and_gaps_are_not_called_constant():
    frame = table().drop(columns=["country", "const_num"])
    frame.loc[::5, "x"] = np.nan  # gaps beside varied values: no constant column
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*constant")
        aekit.TabularEncoder(handle_missing="mask").fit(frame)


def test_train_of_numbers_alone_warns_of_a_constant_column(tmp_path):
    table().drop(columns=["city", "country"]).to_csv(tmp_path / "t.csv", index=False)
    with pytest.warns(UserWarning, match=r"column 'const_num' \(7\) is constant"):
        ok(invoke("train", tmp_path / "t.csv", "--model", "ae", "--out", tmp_path / "R", *QUICK))


def test_many_constant_columns_are_counted_past_ten():
    # an image table's border pixels: dozens of constant columns, each named before
    import re

    from aekit.data.constant_columns import warn_constant_columns

    frame = pd.DataFrame(np.zeros((5, 14)), columns=[f"p{i}" for i in range(14)])
    frame["varied"] = np.arange(5.0)
    with pytest.warns(UserWarning) as said:
        warn_constant_columns(frame)
    text = str(said[0].message)
    assert "'p9' (0.0) and 4 more are constant" in text and "'p10'" not in text
    assert text.endswith("(X.loc[:, X.nunique() > 1] keeps the others).")
    assert re.search(r"leave them out of DATA\.$", for_the_command_line(text, set()))


def test_an_arrays_constant_columns_are_advised_np_delete_which_an_array_has():
    # X.drop(columns=['x1', 'x3']) was advised for a numpy X, which has no drop
    X = np.random.default_rng(0).normal(size=(30, 4))
    X[:, 1], X[:, 3] = 0.0, 2.0
    with pytest.warns(UserWarning, match="constant in the training rows") as said:
        aekit.TabularEncoder().fit(X)
    (message,) = [str(w.message) for w in said if "constant" in str(w.message)]
    assert message.endswith("fit without them (np.delete(X, [1, 3], axis=1)).")
    assert np.delete(X, [1, 3], axis=1).shape == (30, 2)  # the advice runs, leaving the others
    assert for_the_command_line(message).endswith("leave them out of DATA.")
    wide = np.zeros((5, 14))
    wide[:, 0] = np.arange(5.0)
    with pytest.warns(UserWarning) as said:
        aekit.TabularEncoder().fit(wide)
    text = [str(w.message) for w in said if "constant" in str(w.message)][0]
    assert text.endswith("(X[:, X.min(axis=0) < X.max(axis=0)] keeps the others).")
    assert wide[:, wide.min(axis=0) < wide.max(axis=0)].shape == (5, 1)
    assert for_the_command_line(text).endswith("leave them out of DATA.")
