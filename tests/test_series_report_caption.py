"""The report's caption of a series detector's figure is true to its rule: the likelihood rule
draws no threshold line, and its caption said "with the threshold"."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok


@pytest.mark.parametrize("rule", ["likelihood", "pot"])
def test_the_series_caption_names_a_threshold_line_only_where_the_figure_draws_one(
    tmp_path, saved_figures, rule
):
    drawn = saved_figures
    t = np.arange(400)
    values = np.sin(t / 8) + 0.05 * np.random.default_rng(0).normal(size=t.size)
    values[300:305] += 3
    pd.DataFrame({"value": values}).to_csv(tmp_path / "s.csv", index=False)
    run = tmp_path / "S"
    ok(invoke("detect-series", tmp_path / "s.csv", "--window", "16", "--threshold", rule,
              "--likelihood-window", "50", "--epochs", "2", "--quiet", "--out", run))  # fmt: skip
    (figure,) = drawn
    score_axes = figure.axes[1]
    lines = [line.get_label() for line in score_axes.get_lines()]
    has_line = any(label.startswith("threshold") for label in lines)
    assert has_line == (rule != "likelihood"), lines
    ok(invoke("report", run))
    page = html.unescape((run / "report.html").read_text(encoding="utf-8"))
    if rule == "likelihood":
        assert "anomaly score (bottom), with no threshold line: the likelihood rule" in page
        assert "with the threshold" not in page
    else:
        assert "anomaly score with the threshold (bottom)" in page
