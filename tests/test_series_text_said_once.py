"""A series' text column left out of the channels is said once per call: ``fit_predict`` said
it twice, in fit's words and again in predict's."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from aekit.timeseries import SeriesAnomalyDetector


def test_fit_predict_says_a_left_out_text_column_once():
    n = 200
    frame = pd.DataFrame(
        {
            "t": pd.date_range("2024-01-01", periods=n, freq="h"),
            "load": np.sin(np.arange(n) / 5) + np.random.default_rng(0).normal(0, 0.1, n),
            "host": "web1",
        }
    )
    detector = SeriesAnomalyDetector(time_column="t", window=8, max_iter=2, random_state=0)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        flags = detector.fit_predict(frame)
    text = [str(w.message) for w in said if "left out of the channels" in str(w.message)]
    assert len(text) == 1, text
    assert "host" in text[0] and "value_columns" in text[0]  # fit's words: choose the channels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(flags, detector.predict(frame))  # predict's flags
