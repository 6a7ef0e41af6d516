"""AnomalyDetector on tables with categorical columns: round trips, explanations, declared and
unseen categories, the categorical likelihood, and missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from anomaly_helpers import mixed_frame, small_detector
from conftest import DEVICE

import aekit


def test_categorical_columns_round_trip_and_explain(tmp_path):
    frame = mixed_frame(300)
    detector = small_detector().fit(frame)
    assert detector.encoder_.categories_ == {"colour": ["blue", "green", "red"]}
    odd = frame.iloc[:10].copy()
    odd["colour"] = odd["colour"].map({"red": "blue", "green": "red", "blue": "green"})
    assert (detector.anomaly_score(odd) > detector.anomaly_score(frame.iloc[:10])).all()
    path = tmp_path / "mixed.safetensors"
    detector.save(path)
    loaded = aekit.load(path, device=DEVICE)
    np.testing.assert_allclose(loaded.score_samples(odd), detector.score_samples(odd))
    assert list(loaded.explain(odd).columns) == ["value", "twice", "colour", "latent"]
    with pytest.raises(ValueError, match="category 'purple', not seen in fit"):
        detector.predict(frame.assign(colour=["purple"] * len(frame)))


def test_a_declared_category_no_training_row_holds_is_unseen():
    # One pandas dtype for training and new data (common practice) declares "purple" too; it
    # was taken for a seen category, so a purple row scored as normal, silently.
    frame = mixed_frame(300)
    shared = pd.CategoricalDtype(["blue", "green", "purple", "red"])
    detector = small_detector().fit(frame.astype({"colour": shared}))
    assert detector.encoder_.categories_ == {"colour": ["blue", "green", "red"]}
    np.testing.assert_allclose(  # the declared but unused category changes nothing else
        detector.score_samples(frame.astype({"colour": shared})),
        detector.score_samples(frame.astype({"colour": object})),
    )
    purple = frame.iloc[:3].astype({"colour": shared}).assign(colour="purple")
    declared = "category 'purple', declared by the column's dtype but held by no row in fit"
    with pytest.raises(ValueError, match=declared):
        detector.predict(purple.astype({"colour": shared}))


def test_categorical_columns_get_a_categorical_likelihood_and_missing_values_encode():
    frame = mixed_frame(200)
    detector = small_detector().fit(frame)
    assert detector.categorical_groups_ == ((2, 5),)  # value, twice, then colour's 3 indicators
    assert detector.estimators_[0].categorical_groups == ((2, 5),)
    holes = frame.astype({"colour": object})
    holes.loc[[1, 2], "colour"] = None
    holes.loc[3, "value"] = np.nan
    with pytest.raises(ValueError, match="handle_missing=True"):
        small_detector().fit(holes)
    # handle_missing=True: a missing number encodes as its mean, a missing category as no
    # category; a column with missing training values is then modelled as numbers.
    masked = small_detector(handle_missing=True).fit(holes)
    assert masked.categorical_groups_ == ()
    assert np.isfinite(masked.score_samples(holes)).all()
    np.testing.assert_allclose(masked.encoder_.transform(holes.iloc[[1]])[0, 2:], 0.0)
    # missing values at predict time only: the categorical likelihood is kept
    assert np.isfinite(small_detector(handle_missing=True).fit(frame).score_samples(holes)).all()
