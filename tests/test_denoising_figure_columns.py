"""A table's denoising figure names the table's columns on its axis: of more than 12 columns
it named none, and ``aekit denoise --figure`` of a table with text columns none at all."""

from __future__ import annotations

import numpy as np
import pandas as pd
from cli_helpers import invoke, ok

from aekit.viz import denoising_lines


def named(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def test_every_column_of_a_table_of_20_is_named_and_every_kth_of_many_more():
    X = np.random.default_rng(0).normal(size=(6, 20))
    names = [f"sensor_{i}" for i in range(20)]
    axes = denoising_lines(X + 0.1, X, X, feature_names=names)
    assert named(axes[-1]) == names
    wide = np.random.default_rng(0).normal(size=(6, 60))
    genes = [f"gene_{i}" for i in range(60)]
    axes = denoising_lines(wide + 0.1, wide, wide, feature_names=genes)
    assert named(axes[-1]) == genes[::3]  # 20 names, each under its own column
    np.testing.assert_array_equal(axes[-1].get_xticks(), np.arange(0, 60, 3))


def test_denoise_figure_of_a_table_with_text_columns_names_its_encoded_columns(
    tmp_path, saved_figures
):
    drawn = saved_figures
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"age": rng.normal(size=80), "income": rng.normal(size=80),
                          "city": rng.choice(["Oslo", "Rome"], 80)})  # fmt: skip
    table.to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("train", tmp_path / "t.csv", "--model", "dae", "--epochs", "1", "--quiet",
              "--no-figures", "--out", tmp_path / "RUN"))  # fmt: skip
    ok(invoke("denoise", tmp_path / "RUN", tmp_path / "t.csv", "-o", tmp_path / "d.csv",
              "--figure", tmp_path / "f.png"))  # fmt: skip
    (axes,) = drawn
    assert named(axes[-1]) == ["age", "income", "city=Oslo", "city=Rome"]
    assert "values as encoded: numbers standardized" in axes[0].figure.get_suptitle()
