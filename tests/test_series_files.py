"""A SeriesAnomalyDetector's model file edited and signed again is refused at load, naming the
file and the value, as an AnomalyDetector's is: it loaded, then flagged no point (a NaN
threshold) or every one (a negative scale), blamed the series for its own NaN, or failed only
at scoring (another window)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DEVICE
from forged import resign

import aekit


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(600) / 10) + rng.normal(scale=0.1, size=600)
    detector = aekit.SeriesAnomalyDetector(window=16, max_iter=2, random_state=0)
    path = tmp_path_factory.mktemp("series") / "detector.safetensors"
    detector.fit(series.astype(np.float32)).save(path)
    return path, series


def _fitted(name, value):
    return lambda header: header["fitted"].update({name: value})


def _param(name, value):
    return lambda header: header["params"].update({name: value})


EDITS = {
    "threshold-nan": (_fitted("threshold_", float("nan")), "threshold_ is nan; a threshold is"),
    "threshold-null": (_fitted("threshold_", None), "threshold_ is null; a threshold is a"),
    "scale-negative": (_fitted("scale_", [-1.0]), r"scale_\[0\] is -1.0; a scale must be"),
    "scale-0": (_fitted("scale_", [0.0]), r"scale_\[0\] is 0.0; a scale must be positive"),
    "mean-nan": (_fitted("mean_", [float("nan")]), r"mean_\[0\] is nan; a channel's mean is"),
    "floor-negative": (_fitted("flatline_floor_", [-1.0]), r"flatline_floor_\[0\] is -1.0; a"),
    "gate-null": (_fitted("peak_error_gate_", None), "peak_error_gate_ is null; with peak_"),
    "step-text": (_fitted("time_step_", "x"), "time_step_ is 'x'; it is a time step in words"),
    "window-8": (_param("window", 8), "window is 8, but its window detector reads 16 values"),
    "stride": (_param("stride", 64), r"stride is 64; it is at most window \(16\)"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edited_series_detector_is_refused_at_load(saved, tmp_path, name):
    source, _ = saved
    edit, what = EDITS[name]
    path = resign(source, tmp_path / "edited.safetensors", header=edit)
    with pytest.raises(
        ValueError, match=f"^{path} does not hold a consistent SeriesAnomalyDetector: {what}"
    ):
        aekit.load(path, device=DEVICE)


def test_a_series_detector_signed_again_unchanged_still_loads(saved, tmp_path):
    source, series = saved
    path = resign(source, tmp_path / "same.safetensors", header=lambda header: None)
    loaded = aekit.load(path, device=DEVICE)  # signed again unchanged: still loads and scores
    assert np.isfinite(loaded.score_samples(series.astype(np.float32))).all()


def test_codes_older_pandas_wrote_still_load():
    # the load check refused 'H' (pandas before 2.2), which loaded before it as a step of 1 hour
    # ('one 'H' period' before the step names): codes pandas 2.2 renamed are read by their new
    # names, a code pandas never wrote is still refused
    from aekit.timeseries.step_names import from_saved

    assert [from_saved(code) for code in ("H", "2H", "15T", "S")] == [
        "1 hour", "2 hours", "15 minutes", "1 second",
    ]  # fmt: skip
    assert from_saved("M") == from_saved("ME")
    for old, new in (("AS", "YS"), ("BH", "bh"), ("SM", "SME"), ("A-DEC", "YE-DEC")):  # review
        assert from_saved(old) == from_saved(new)
    with pytest.raises(ValueError, match=r"^time_step_ is 'x'; it is a time step in words"):
        from_saved("x")
