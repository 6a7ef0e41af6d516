"""``denoise`` clips values outside the range its noisy training inputs took, and says that
range feature by feature, in the units of the data given (a table's, where the command line's
encoder standardized it): the command line, which has no ``input_range()`` to call, said only
"each feature's training minimum and maximum"."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

import aekit
from aekit.cli.errors import for_the_command_line

RNG = np.random.default_rng(0)
TABLE = pd.DataFrame(
    {
        "temp": RNG.normal(20, 3, 200),
        "load": RNG.normal(100, 10, 200),
        "rpm": RNG.normal(1500, 50, 200),
    }
)


def _noisy(frame: pd.DataFrame) -> pd.DataFrame:
    """Ten rows with 'load' far above its range twice and 'temp' far below it once."""
    noisy = frame.head(10).copy()
    noisy.loc[[1, 2], "load"] = 500.0
    noisy.loc[0, "temp"] = -40.0
    return noisy


def _range(column: str) -> str:
    values = TABLE[column]
    return f"{column} {values.min():.4g} to {values.max():.4g}"


def test_the_python_warning_names_each_clipped_features_range():
    model = aekit.DenoisingAutoencoder(max_iter=1, hidden_layer_sizes=(8,), latent_dim=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch: "it has not learned"
        model.fit(TABLE)
    with pytest.warns(UserWarning, match="denoise clipped 3 of 30 values") as said:
        model.denoise(_noisy(TABLE))
    message = str(said[0].message)
    # the most clipped first; a feature clipped nowhere is not listed
    assert f"({_range('load')}, {_range('temp')})" in message, message
    assert "rpm" not in message
    low, high = model.input_range()
    assert f"load {low[1]:.4g} to {high[1]:.4g}" in message  # the range denoise clips to


def test_the_command_line_says_the_range_in_the_tables_units(tmp_path):
    # a table with a text column: the model reads standardized columns, its range was said
    # in those units (temp -3.017 to 3.048), and as 'feature 0'
    table = TABLE.assign(city=["lyon", "nice"] * 100)
    table.to_csv(tmp_path / "train.csv", index=False)
    _noisy(table).to_csv(tmp_path / "noisy.csv", index=False)
    dae = ["--model", "dae", "--epochs", "1", "--param", "hidden_layer_sizes=[8]", "--quiet"]
    ok(invoke("train", tmp_path / "train.csv", *dae, "--no-figures", "--out", tmp_path / "R"))
    with pytest.warns(UserWarning, match="denoise clipped") as said:
        ok(invoke("denoise", tmp_path / "R", tmp_path / "noisy.csv", "-o", tmp_path / "c.csv"))
    clipped = [str(w.message) for w in said if "denoise clipped" in str(w.message)]
    line = for_the_command_line(clipped[0], set())
    assert f"({_range('load')}, {_range('temp')})" in line, line
    assert "values of DATA" in line and "input_range" not in line, line
