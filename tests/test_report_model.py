"""``aekit report RUN`` shows the table columns the run was trained on, each with its kind, and
a detector's threshold, its rule and value: the page had the parameters alone
(``threshold = "contamination"``), where ``aekit info`` named both."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

from aekit.cli.common import load_run

QUICK = ["--quiet", "--no-figures"]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report_model")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"temp": rng.normal(20, 3, 120), "load": rng.normal(100, 9, 120),
         "city": rng.choice(["lyon", "nice", "oslo"], 120)}
    )  # fmt: skip
    frame.to_csv(folder / "t.csv", index=False)
    return folder


def section(page: str, title: str) -> list[list[str]]:
    """The cells of the report's section ``title``, row by row."""
    found = re.search(rf"<h2>{title}</h2>(.*?)</section>", page, re.S)
    assert found, f"no {title} section"
    rows = re.findall(r"<tr>(.*?)</tr>", found[1], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_a_detector_report_shows_its_columns_and_its_threshold(table):
    ok(invoke("detect", table / "t.csv", "--param", "n_estimators=1", "--threshold", "mean_std",
              "--quiet", "--out", table / "DET"))  # fmt: skip
    ok(invoke("report", table / "DET"))
    page = (table / "DET" / "report.html").read_text(encoding="utf-8")
    columns = section(page, "Columns")
    assert columns[0] == ["column", "kind", "dtype"]
    assert ["temp", "numeric", "float64"] in columns
    assert any(row[:2] == ["city", "categorical (lyon, nice, oslo)"] for row in columns)
    threshold = dict(row for row in section(page, "Threshold") if len(row) == 2)
    assert threshold["rule"] == "mean_std (n_std=1.0)"
    value = load_run(table / "DET").threshold_
    assert threshold["value"].startswith(f"{value:.6g} on the anomaly score")


def test_an_autoencoder_report_shows_its_encoders_columns_and_no_threshold(table):
    ok(invoke("train", table / "t.csv", "--model", "ae", "--epochs", "1", *QUICK,
              "--out", table / "AE"))  # fmt: skip
    ok(invoke("report", table / "AE"))
    page = (table / "AE" / "report.html").read_text(encoding="utf-8")
    names = [row[0] for row in section(page, "Columns")[1:]]
    assert names == ["temp", "load", "city"]
    assert "<h2>Threshold</h2>" not in page
