"""A detector that draws max_samples rows still knows every category and id column of its table."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import aekit


def _detector(max_samples: int) -> aekit.AnomalyDetector:
    member = aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=2)
    return aekit.AnomalyDetector(
        estimator=member, n_estimators=1, max_samples=max_samples, random_state=0
    )


def _table(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(["a", "b"], size=n)})
    frame.loc[n - 1, "c"] = "rare"  # one row: almost surely outside a draw of 300
    return frame


def test_a_category_outside_the_draw_is_known():
    frame = _table()
    detector = _detector(300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flags = detector.fit_predict(frame)  # scoring its own table raised 'not seen in fit'
    assert detector.encoder_.categories_["c"] == ["a", "b", "rare"]
    assert flags.shape == (len(frame),)


def test_the_scale_comes_from_the_draw():
    frame = _table()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = _detector(300).fit(frame)
    encoder = detector.encoder_
    assert encoder.mean_["x"] != pytest.approx(frame["x"].mean(), abs=1e-12)
    drawn = aekit.anomaly.inputs.sample_ids(len(frame), 300, np.random.RandomState(0))
    assert encoder.mean_["x"] == pytest.approx(frame["x"].iloc[drawn].mean())


def test_a_row_number_is_warned_of_above_max_samples():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"id": np.arange(300), "a": rng.normal(size=300)})
    with pytest.warns(UserWarning, match="'id'"):
        _detector(200).fit(frame)
