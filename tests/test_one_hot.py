"""Categorical columns that arrive as numeric dummies are found and modelled as categories."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import DEVICE

import aekit
from aekit.data.one_hot import one_hot_runs
from aekit.data.tabular import TabularEncoder


def table_and_dummies(n=300, seed=0):
    """A table whose categorical columns come last, and ``pandas.get_dummies`` of it (which
    writes each categorical column's dummies where the columns were: after the numbers)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "city": pd.Categorical(rng.choice(["x", "y", "z"], n, p=[0.9, 0.08, 0.02])),
            "plan": pd.Categorical(rng.choice(["basic", "pro"], n)),
        }
    )
    return frame, pd.get_dummies(frame, dtype=float)


def test_runs_are_exactly_the_dummy_groups():
    _, dummies = table_and_dummies()
    assert list(dummies.columns[2:]) == ["city_x", "city_y", "city_z", "plan_basic", "plan_pro"]
    assert one_hot_runs(dummies.to_numpy()) == [(2, 5), (5, 7)]


def test_an_indicator_before_a_group_is_left_out_even_when_it_never_overlaps_the_first():
    rng = np.random.default_rng(1)
    category = rng.integers(0, 3, 200)
    group = np.eye(3)[category]
    # 1 only where the group's *second* column is 1: adding it to the run gives a row with two
    # 1s only at the second column, so the left pointer must move past it there
    indicator = ((category == 1) & (rng.random(200) < 0.5)).astype(float)
    X = np.column_stack([indicator, group])
    assert one_hot_runs(X) == [(1, 4)]


@pytest.mark.parametrize(
    "column",
    [
        np.array([0.0, 2.0, 0.0, 2.0]),  # not 0/1
        np.array([0.0, 1.0, np.nan, 1.0]),  # a missing value
    ],
)
def test_a_column_that_is_not_an_indicator_ends_the_run(column):
    complement = (column != 0).astype(float)  # would make a group with an indicator column
    X = np.column_stack([column, 1 - complement])
    assert one_hot_runs(X) == []


def test_a_column_and_its_complement_are_a_group_but_one_column_or_a_constant_is_not():
    x = np.array([0.0, 1.0, 1.0, 0.0])
    assert one_hot_runs(np.column_stack([x, 1 - x])) == [(0, 2)]
    assert one_hot_runs(x[:, None]) == []
    assert one_hot_runs(np.column_stack([np.ones(4), np.zeros(4)])) == []


def test_encoder_keeps_found_dummies_as_0_1_and_gives_them_as_categorical_groups():
    _, dummies = table_and_dummies()
    encoder = TabularEncoder(detect_one_hot=True).fit(dummies)
    Z = encoder.transform(dummies)
    np.testing.assert_array_equal(Z[:, 2:], dummies.to_numpy()[:, 2:])
    assert abs(Z[:, :2].mean()) < 1e-6  # the numbers are still standardized
    assert encoder.one_hot_groups_ == ((2, 5), (5, 7))
    assert encoder.categorical_groups_ == ((2, 5), (5, 7))
    pd.testing.assert_frame_equal(encoder.inverse_transform(Z), dummies, rtol=1e-5)
    # default: dummies standardized like any number (a category of 2% becomes about +7)
    plain = TabularEncoder().fit(dummies)
    assert plain.categorical_groups_ == () and plain.transform(dummies)[:, 4].max() > 5


def test_encoder_state_keeps_the_groups_and_older_states_have_none():
    _, dummies = table_and_dummies()
    state = json.loads(json.dumps(TabularEncoder(detect_one_hot=True).fit(dummies).get_state()))
    restored = TabularEncoder().set_state(state)
    assert restored.categorical_groups_ == ((2, 5), (5, 7))
    del state["one_hot_groups"]
    assert TabularEncoder().set_state(state).categorical_groups_ == ()


def test_detector_on_dummies_is_the_detector_on_the_categorical_table(tmp_path):
    frame, dummies = table_and_dummies()
    params = dict(random_state=0, n_estimators=1)
    on_frame = aekit.AnomalyDetector(**params).fit(frame)
    on_dummies = aekit.AnomalyDetector(**params).fit(dummies.to_numpy())
    assert on_dummies.categorical_groups_ == on_frame.categorical_groups_ == ((2, 5), (5, 7))
    scores = on_dummies.anomaly_score(dummies.to_numpy())
    np.testing.assert_allclose(scores, on_frame.anomaly_score(frame), rtol=1e-4)
    on_dummies.save(tmp_path / "detector.safetensors")
    loaded = aekit.load(tmp_path / "detector.safetensors", device=DEVICE)
    np.testing.assert_allclose(loaded.anomaly_score(dummies.to_numpy()), scores, rtol=1e-6)
    standardized = aekit.AnomalyDetector(preprocessing="standardize", **params)
    assert standardized.fit(dummies.to_numpy()).categorical_groups_ == ()


def test_bool_dummies_as_pandas_writes_them_by_default_are_found_and_decode_as_bools():
    frame, _ = table_and_dummies()
    dummies = pd.get_dummies(frame)  # bool columns since pandas 2
    assert all(pd.api.types.is_bool_dtype(t) for t in dummies.dtypes.iloc[2:])
    params = dict(random_state=0, n_estimators=1)
    on_frame = aekit.AnomalyDetector(**params).fit(frame)
    on_dummies = aekit.AnomalyDetector(**params).fit(dummies)
    assert on_dummies.categorical_groups_ == ((2, 5), (5, 7))
    np.testing.assert_allclose(
        on_dummies.anomaly_score(dummies), on_frame.anomaly_score(frame), rtol=1e-4
    )
    encoder = on_dummies.encoder_
    back = encoder.inverse_transform(encoder.transform(dummies))
    pd.testing.assert_frame_equal(back.iloc[:, 2:], dummies.iloc[:, 2:])


def test_rows_that_break_a_found_group_are_scored_with_a_warning_naming_the_columns():
    _, dummies = table_and_dummies()
    detector = aekit.AnomalyDetector(random_state=0, n_estimators=1).fit(dummies.to_numpy())
    broken = dummies.to_numpy()[:3].copy()
    broken[0, 2:5] = [1, 1, 0]  # two cities at once
    broken[1, 2:5] = [0, 0, 0]  # none
    with pytest.warns(UserWarning, match=r"2 of 3 rows break the one-hot group \['x2', 'x3'") as w:
        scores = detector.anomaly_score(broken)
    assert np.isfinite(scores).all()
    assert w[0].filename == __file__  # the warning names the caller's line, not aekit's


def test_too_few_rows_to_tell_a_group_from_chance_find_none():
    _, dummies = table_and_dummies(n=30)
    assert TabularEncoder(detect_one_hot=True).fit(dummies).one_hot_groups_ == ((2, 5), (5, 7))
    fewer = dummies.iloc[1:]
    assert one_hot_runs(fewer.to_numpy()) == [(2, 5), (5, 7)]  # the columns still are groups
    assert TabularEncoder(detect_one_hot=True).fit(fewer).one_hot_groups_ == ()


def test_an_unused_category_inside_a_group_belongs_to_it_and_at_its_edge_is_left_out():
    rng = np.random.default_rng(2)
    held = np.eye(3)[rng.choice([0, 2], 100)]  # the middle category never occurs
    assert one_hot_runs(held) == [(0, 3)]
    assert one_hot_runs(held[:, [0, 2, 1]]) == [(0, 2)]  # unused last: outside
    assert one_hot_runs(held[:, [1, 0, 2]]) == [(1, 3)]  # unused first: outside
    constant = np.column_stack([np.ones(100), np.zeros(100)])  # all-ones, all-zeros: no group
    assert one_hot_runs(constant) == []


@pytest.mark.parametrize("dtype", [float, "boolean"])
def test_decoding_found_dummies_puts_a_1_at_each_groups_largest_value(dtype):
    _, dummies = table_and_dummies()
    dummies = dummies.astype({c: dtype for c in dummies.columns[2:]})
    encoder = TabularEncoder(detect_one_hot=True).fit(dummies)
    probabilities = np.array([[0.0, 0.0, 0.4, 0.3, 0.3, 0.45, 0.55]])  # rows of softmax output
    back = encoder.inverse_transform(probabilities)
    assert list(back.dtypes)[2:] == list(dummies.dtypes)[2:]
    assert back.iloc[0, 2:].astype(float).tolist() == [1, 0, 0, 0, 1]
