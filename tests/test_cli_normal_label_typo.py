"""A --normal-label that is none of DATA's labels is refused before the fit: detect and
detect-series said so only after training (an image folder's detector fitted, its threshold
warned of, then "--normal-label 'goood' is not a label of DATA")."""

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke

import aekit


def _never_fitted(*args, **kwargs):
    raise AssertionError("fitted before the labels were checked")


@pytest.mark.parametrize("command", ["detect", "detect-series"])
def test_a_mistyped_normal_label_is_refused_before_any_fit(command, tmp_path, monkeypatch):
    monkeypatch.setattr(aekit.AnomalyDetector, "fit", _never_fitted)
    monkeypatch.setattr(aekit.SeriesAnomalyDetector, "fit", _never_fitted)
    t = np.arange(120)
    frame = pd.DataFrame({"v": np.sin(t / 4), "y": np.where(t % 30 == 0, "spike", "calm")})
    frame.to_csv(tmp_path / "s.csv", index=False)
    result = invoke(
        command, tmp_path / "s.csv", "--label-column", "y", "--normal-label", "clam",
        "--out", tmp_path / "run", "--quiet",
    )  # fmt: skip
    assert isinstance(result.exception, ValueError), result.output
    assert str(result.exception) == "--normal-label 'clam' is not a label of DATA: calm, spike."
    assert not (tmp_path / "run").exists()  # nothing half-written


def test_a_normal_label_written_as_another_number_is_still_taken(tmp_path, monkeypatch):
    """'--normal-label 0' for labels read as 0.0 (a blank cell makes pandas read floats) is
    the label 0.0: the early check takes what the check after the fit takes."""
    monkeypatch.setattr(aekit.AnomalyDetector, "fit", _never_fitted)
    frame = pd.DataFrame({"v": np.arange(40.0), "y": [0.0] * 36 + [1.0] * 3 + [None]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = invoke(
        "detect", tmp_path / "t.csv", "--label-column", "y", "--normal-label", "0",
        "--out", tmp_path / "run", "--quiet",
    )  # fmt: skip
    assert isinstance(result.exception, AssertionError)  # past the check, into the fit
