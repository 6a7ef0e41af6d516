"""What ``SeriesAnomalyDetector`` reads: channels by name, empty series, and timestamps whose UTC
offset changes at daylight saving time."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

import aekit
from aekit.timeseries import SeriesAnomalyDetector
from aekit.timeseries.inputs import read_series


def _tiny(**params):
    """A window detector that fits in a fraction of a second: what is read is under test."""
    member = aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=2, random_state=0)
    inner = aekit.AnomalyDetector(estimator=member, n_estimators=1, preprocessing=None)
    return SeriesAnomalyDetector(window=10, estimator=inner, random_state=0, **params)


def _channels(n=120):
    t = np.arange(n)
    rng = np.random.RandomState(0)
    return pd.DataFrame(
        {"a": np.sin(t / 4), "b": np.cos(t / 4), "c": rng.normal(size=n), "note": "x"}
    )


def test_channels_are_matched_by_name_not_position():
    frame = _channels()
    detector = _tiny().fit(frame)
    scores = detector.score_samples(frame)
    with pytest.raises(ValueError, match=r"another order.*pass the columns \['a', 'b', 'c'\]"):
        detector.score_samples(frame[["b", "a", "c"]])
    with pytest.raises(ValueError, match=r"missing \['c'\], unexpected \['z'\]"):
        detector.score_samples(frame.rename(columns={"c": "z"}))
    with pytest.raises(ValueError, match=r"missing \[\], unexpected \['d'\]"):
        detector.score_samples(frame.assign(d=1.0))
    # With value_columns the channels are picked by name: any order of X's columns scores the same.
    named = _tiny(value_columns=["a", "b", "c"]).fit(frame)
    np.testing.assert_allclose(named.score_samples(frame[["c", "note", "b", "a"]]), scores)


def test_names_on_one_side_only_warn_as_scikit_learn_does():
    frame = _channels()
    by_frame, by_array = _tiny().fit(frame), _tiny().fit(frame[["a", "b", "c"]].to_numpy())
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        by_frame.score_samples(frame[["a", "b", "c"]].to_numpy())
    with pytest.warns(UserWarning, match="X has feature names, but SeriesAnomalyDetector"):
        scores = by_array.score_samples(frame)
    np.testing.assert_allclose(scores, by_array.score_samples(frame[["a", "b", "c"]].to_numpy()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same kind of input on both sides: no warning
        warnings.simplefilter("ignore", ConvergenceWarning)  # a tiny fit, on purpose
        by_frame.score_samples(frame.drop(columns="note"))  # (a text column is said)


def test_an_empty_series_is_a_clear_error():
    frame = pd.DataFrame({"time": np.arange(120) * 60.0, "a": np.sin(np.arange(120) / 4)})
    empty = [np.zeros(0), np.zeros((0, 2)), frame.iloc[:0], frame.iloc[:0].astype(str)]
    for X in empty:
        with pytest.raises(ValueError, match="the series has no points"):
            _tiny(time_column="time" if isinstance(X, pd.DataFrame) else None).fit(X)
    with pytest.raises(ValueError, match="the series has no points"):
        _tiny(time_column="time").fit(frame).score_samples(frame.iloc[:0])
    with pytest.raises(ValueError, match="the series has no points"):
        _tiny().fit(frame.to_numpy()).score_samples(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="5 points, fewer than window=10"):  # as before
        _tiny(time_column="time").fit(frame).score_samples(frame.iloc[:5])


def test_a_series_of_one_point_is_said_in_the_singular():
    # "a series has 1 points": fitting on, or scoring, a one-point series
    with pytest.raises(ValueError, match=r"a series has 1 point, fewer than window=10;"):
        _tiny().fit(np.zeros((1, 2)))
    fitted = _tiny().fit(np.sin(np.arange(120) / 4))
    with pytest.raises(ValueError, match=r"a series has 1 point, fewer than window=10;"):
        fitted.score_samples(np.zeros(1))
    # in a list, the series is named (user review)
    with pytest.raises(ValueError, match=r"^series 1 of X \(0-based\) has 3 points, fewer than"):
        fitted.score_samples([np.zeros(40), np.zeros(3)])


def test_timestamps_whose_utc_offset_changes_are_instants():
    # Hourly across the spring change of Europe/Paris, as pandas writes such a column to CSV:
    # "... 01:00:00+01:00" then "... 03:00:00+02:00", one hour apart.
    stamps = pd.date_range("2024-03-30 12:00", periods=120, freq="h", tz="Europe/Paris")
    frame = pd.DataFrame({"time": stamps.astype(str), "a": np.sin(np.arange(120) / 4)})
    assert frame["time"].str[-6:].nunique() == 2
    detector = _tiny(time_column="time").fit(frame)  # evenly spaced: one hour in UTC
    assert detector.score_samples(frame).shape == (120,)
    assert detector.score_samples(frame.assign(time=stamps)).shape == (120,)  # zone-aware dates
    broken = frame.copy()
    broken.loc[7, "time"] = "2024-13-45 99:00"
    with pytest.raises(
        ValueError, match=r"neither numbers nor dates \(row 7\): time data"
    ) as error:
        detector.score_samples(broken)
    assert "You might want to try" not in str(error.value)  # pandas' advice on its own arguments
    assert "day first" not in str(error.value)


def test_dates_written_day_first_are_said_to_be():
    # 01/01/2024 .. 12/01/2024 read month first, then 13/01/2024 failed with no way out
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    frame = pd.DataFrame({"time": days.strftime("%d/%m/%Y"), "a": np.sin(np.arange(40) / 4)})
    with pytest.raises(
        ValueError, match=r"\(row 12\).*The dates read day first: write them as ISO"
    ):
        _tiny(time_column="time").fit(frame)


def test_a_channel_with_a_text_cell_is_an_error():
    # select_dtypes("number") dropped a channel that held one typo, silently.
    stamps = pd.date_range("2024-01-01", periods=120, freq="h")
    frame = pd.DataFrame({"t": stamps, "a": np.sin(np.arange(120) / 5.0), "b": np.arange(120.0)})
    typo = frame.assign(a=frame["a"].astype(object).where(frame.index != 7, "n/a?"))
    with pytest.raises(ValueError, match="column 'a' holds 'n/a\\?' \\(row 7\\), not a number"):
        aekit.SeriesAnomalyDetector(window=16, time_column="t").fit(typo)


def test_value_columns_naming_the_time_or_text_say_so():
    # both were numpy's "could not convert string to float: '2024-01-01 00:00:00'"
    from aekit.cli.errors import for_the_command_line

    stamps = pd.date_range("2024-01-01", periods=120, freq="h").astype(str)
    frame = _channels().assign(t=stamps)
    with pytest.raises(ValueError) as caught:
        _tiny(time_column="t", value_columns=["a", "t"]).fit(frame)
    assert str(caught.value) == (
        "value_columns names the time column 't'; the channels are the values measured at "
        "each time, e.g. value_columns=['a']."
    )
    assert for_the_command_line(str(caught.value)).endswith("e.g. --value-columns a.")
    with pytest.raises(ValueError, match=r"do not hold numbers: 'note' \(") as caught:
        _tiny(time_column="t", value_columns=["a", "note"]).fit(frame)
    assert for_the_command_line(str(caught.value)).startswith("--value-columns names columns")
    typo = frame.assign(a=frame["a"].astype(str).where(frame.index != 7, "n/a?"))
    with pytest.raises(ValueError, match="column 'a' holds 'n/a\\?' \\(row 7\\), not a number"):
        _tiny(time_column="t", value_columns=["a"]).fit(typo)
    with pytest.raises(ValueError) as caught:
        _tiny().fit(np.arange(5.0))  # shorter than the window of 10: the option is named
    assert for_the_command_line(str(caught.value), {"window"}).endswith(  # in detect-series
        "fewer than --window 10; use a smaller --window or a longer series."
    )


def test_unnamed_series_and_integer_columns_are_channels_by_position():
    # They raised KeyError: the channel names were made strings, then looked up in X.
    v = np.sin(np.arange(120) / 4)
    by_array = _tiny().fit(np.c_[v, v[::-1]])
    frame = pd.DataFrame(np.c_[v, v[::-1]])  # columns 0, 1: no feature names, as scikit-learn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)  # a tiny fit, on purpose
        np.testing.assert_allclose(
            _tiny().fit(frame).score_samples(frame), by_array.score_samples(frame)
        )
        unnamed = _tiny().fit(pd.Series(v))
        np.testing.assert_allclose(unnamed.score_samples(pd.Series(v)), unnamed.score_samples(v))
    assert not hasattr(unnamed, "feature_names_in_")
    named = _tiny().fit(pd.Series(v, name="v"))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        named.score_samples(pd.Series(v))


def test_a_bool_column_is_a_0_1_channel_and_a_date_column_needs_time_column():
    v = np.sin(np.arange(120) / 4)
    flags = pd.DataFrame({"v": v, "on": v > 0})
    detector, numbers = _tiny().fit(flags), flags.astype(float)
    assert list(detector.feature_names_in_) == ["v", "on"]
    np.testing.assert_allclose(
        detector.score_samples(flags), _tiny().fit(numbers).score_samples(numbers)
    )
    dated = pd.DataFrame({"ts": pd.date_range("2024", periods=120, freq="h"), "v": v})
    with pytest.raises(
        ValueError, match="date column 'ts' but no time_column; pass time_column='ts'"
    ):
        _tiny().fit(dated)
    zoned = dated.assign(utc=dated["ts"].dt.tz_localize("UTC"))  # a second date: not a channel
    with pytest.warns(UserWarning, match=r"date column\(s\) utc left out of the channels"):
        assert list(_tiny(time_column="ts").fit(zoned).feature_names_in_) == ["v"]
    as_text = pd.DataFrame({"v": v, "w": v.astype(str)})
    with pytest.raises(ValueError, match="column 'w' holds numbers stored as text"):
        _tiny().fit(as_text)


@pytest.mark.parametrize(
    ("freq", "tz", "step"),
    [
        ("MS", None, "1 month"),
        ("ME", None, "1 month"),
        ("QS", None, "3 months"),
        ("D", "Europe/Paris", "1 day"),
        ("B", None, "1 business day"),
        ("h", "Europe/Paris", "1 hour"),
        ("YS", None, "1 year"),
    ],
)
def test_calendar_regular_time_axes_are_even(freq, tz, step):
    # Months of 28-31 days and days of 23 or 25 hours across daylight saving were refused as
    # "missing or irregular timestamps".
    stamps = pd.date_range("2010-01-01", periods=150, freq=freq, tz=tz)
    frame = pd.DataFrame({"t": stamps, "v": np.sin(np.arange(150) / 4)})
    for given in (frame, frame.assign(t=stamps.astype(str))):  # as read back from a CSV
        series, _ = read_series(given, "t", None, "error")
        assert series.step == step and series.row_time is None  # the rows are the grid


@pytest.mark.parametrize(("freq", "step"), [("MS", "1 month"), ("B", "1 business day")])
def test_a_calendar_gap_is_named_and_filled_on_its_calendar_grid(freq, step):
    stamps = pd.date_range("2010-01-01", periods=150, freq=freq)
    values = np.sin(np.arange(150) / 4)
    gappy = pd.DataFrame({"t": stamps, "v": values}).drop(index=[60, 61])
    with pytest.raises(ValueError, match=f"its step is {step}, with 1 gap .*after row 59: 3 "):
        read_series(gappy, "t", None, "error")
    series, _ = read_series(gappy, "t", None, "interpolate")
    assert len(series.values) == 150  # one point per step (no weekends), the two missing filled
    np.testing.assert_allclose(series.values[[59, 62], 0], values[[59, 62]])
    # The filled points lie on the straight line between their neighbours.
    np.testing.assert_allclose(
        series.values[60:62, 0], values[59] + (values[62] - values[59]) * np.array([1, 2]) / 3
    )


def _hourly(n=120, freq="h"):
    index = pd.date_range("2024-01-01", periods=n, freq=freq, name="timestamp")
    return pd.DataFrame({"v": np.sin(np.arange(n) / 4)}, index=index)


def test_a_datetime_index_is_the_time_axis(tmp_path):
    frame = _hourly()
    detector = _tiny().fit(frame)
    assert detector.time_step_ == "1 hour"
    with pytest.raises(ValueError, match="not evenly spaced: its step is 1 hour"):
        detector.score_samples(frame.drop(index=frame.index[[30, 31]]))  # a gap: refused
    with pytest.warns(UserWarning, match="sampled every 2 hours, but the detector was fitted"):
        detector.score_samples(frame.iloc[::2])  # every other row: another step
    with pytest.warns(UserWarning, match="every 1 minute.*resample X to one point every 1 hour"):
        detector.score_samples(_hourly(freq="min"))
    with pytest.raises(ValueError, match=r"the index goes back in time at row 1.*X.sort_index()"):
        detector.score_samples(frame.iloc[::-1])
    with warnings.catch_warnings():  # one point has no step: only the error, no "sampled every"
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="a series has 1 point, fewer than window=10"):
            detector.score_samples(frame.iloc[:1])
    with pytest.warns(UserWarning, match=r"different time steps \(1 hour, 2 hours\)"):
        _tiny().fit([frame, frame.iloc[::2]])
    path = tmp_path / "detector.safetensors"
    detector.save(path)
    assert aekit.load(path).time_step_ == "1 hour"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same step, also from a time column: no warning
        warnings.simplefilter("ignore", ConvergenceWarning)  # a tiny fit, on purpose
        detector.score_samples(frame)
        _tiny(time_column="timestamp").fit(frame.reset_index()).score_samples(frame.reset_index())


def test_time_column_naming_the_index_suggests_reset_index():
    with pytest.raises(ValueError, match=r"'timestamp' is X's index.*X.reset_index\(\)"):
        _tiny(time_column="timestamp").fit(_hourly())


def test_causal_score_is_nan_before_the_first_whole_window():
    v = np.sin(np.arange(120) / 4)
    scores = _tiny().fit(v).causal_score(v)
    assert np.isnan(scores[:9]).all() and np.isfinite(scores[9:]).all()  # window=10, as documented


def test_a_text_column_left_out_of_the_channels_is_named_at_fit():
    # detect-series on a table with a text column dropped it from the channels without a word
    with pytest.warns(UserWarning, match="text column\\(s\\) note left out of the channels"):
        fitted = _tiny().fit(_channels())
    # and at score, where it was dropped without a word: the channels are the fitted ones
    said = r"note left out .*scores the channels \['a', 'b', 'c'\]; drop the column\(s\) from X"
    with pytest.warns(UserWarning, match=said):
        fitted.score_samples(_channels())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fix: nothing said
        fitted.score_samples(_channels().drop(columns="note"))
    unnamed = _tiny().fit(_channels()[["a", "b", "c"]].to_numpy())  # channels by position
    with pytest.warns(UserWarning, match=r"scores the channels \[0, 1, 2\]; drop the column"):
        unnamed.score_samples(_channels())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # channels named: nothing left out unsaid
        warnings.simplefilter("ignore", ConvergenceWarning)  # a tiny fit, on purpose
        _tiny(value_columns=["a", "b", "c"]).fit(_channels())
    # a second date column beside the time column was dropped without a word when typed
    frame = _hourly().reset_index()
    frame["received"] = frame["timestamp"] + pd.Timedelta(minutes=5)
    with pytest.warns(UserWarning, match=r"date column\(s\) received left out of the channels"):
        detector = _tiny(time_column="timestamp").fit(frame)
    assert detector.n_features_in_ == 1


def test_one_window_and_complex_series_are_said_so():
    # "X has n_samples=1; a detector needs at least 2 rows", and complex values cast silently
    wave = np.sin(np.arange(40) / 3.0)
    with pytest.raises(ValueError, match="one window of 10: fitting needs at least 11 points"):
        _tiny().fit(wave[:10])
    assert _tiny().fit(wave[:30]).n_features_in_ == 1
    with pytest.raises(ValueError, match=r"X is complex; pass its real part or magnitude"):
        _tiny().fit(wave.astype(complex))


def test_named_channels_held_as_objects_or_text_are_read_as_numbers():
    # the check of named columns refused numbers held as objects ("numbers stored as text")
    stamps = pd.date_range("2024-01-01", periods=120, freq="h")
    wave = np.sin(np.arange(120) / 4.0)
    for held in (pd.Series(wave, dtype=object), pd.Series(wave.astype(str))):
        frame = pd.DataFrame({"t": stamps, "v": held})
        fitted = _tiny(time_column="t", value_columns=["v"]).fit(frame)
        assert fitted.score_samples(frame).shape == (120,)


def test_an_array_of_sequences_given_as_a_series_is_warned_of():
    # 60 "heartbeats" of 30 steps, (n, length): read as 60 points of 30 channels, they were
    # fitted without a word, each heartbeat scored as a time point
    beats = np.sin(np.arange(30) / 3.0) + np.random.RandomState(0).normal(0, 0.1, (60, 30))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a tiny fit, on purpose
        with pytest.warns(
            UserWarning,
            match=r"a series of 60 points with 30 channels, so each window of 10 points holds "
            r"300 values, more than the 51 windows.*AnomalyDetector.*sequence_shape=\(1, 30\)",
        ):
            _tiny().fit(beats)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a series with windows enough: no warning
            warnings.simplefilter("ignore", ConvergenceWarning)
            _tiny(value_columns=["a", "b", "c"]).fit(_channels())
    with pytest.raises(ValueError, match=r"got shape \(60, 30, 1\)\. An array of 60 sequences"):
        _tiny().fit(beats[:, :, None])


def test_the_sequences_advice_on_the_command_line_names_commands():
    from aekit.cli.errors import for_the_command_line
    from aekit.timeseries.grid import Series
    from aekit.timeseries.series_input import warn_rows_of_sequences

    with pytest.warns(UserWarning) as seen:  # 500 heartbeats of 140 steps
        warn_rows_of_sequences([Series(np.zeros((500, 140)))], 64, 1)
    message = for_the_command_line(str(seen[0].message))
    assert message.startswith("DATA reads as a series of 500 points with 140 channels")
    assert "'aekit detect', or train an autoencoder on them: 'aekit train' with --param " in message
    assert "'sequence_shape=[1, 140]'" in message and "AnomalyDetector" not in message


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (None, r"X is None; pass a series: an array of shape \(time,\)"),
        (3.0, r"X is a single value \(3\.0\); pass a series"),
        ("s.csv", r"X is the text 's.csv', not rows of data.*aekit.open_dataset"),
        (
            pd.DataFrame(np.ones((100, 2)), columns=["a", "a"]),
            r"X has the column\(s\) \['a'\] more than once",
        ),
    ],
)
def test_what_is_not_a_series_is_named(X, message):
    """None and a number ended in IndexError ('tuple index out of range'); two channels of one
    name were accepted, and could not be told apart when scored by name."""
    with pytest.raises(ValueError, match=message):
        aekit.SeriesAnomalyDetector(window=8).fit(X)


def test_a_missing_value_is_named_by_its_column():
    # "first at (row 3, column 0)" named a table's column by its position
    frame = _channels()[["a", "b", "c"]]
    frame.loc[3, "b"] = np.nan
    with pytest.raises(ValueError, match=r"first at \(row 3, column 'b'\)\. Fill them"):
        _tiny().fit(frame)
    frame["c"] = np.nan
    with pytest.raises(ValueError, match=r"a value column of X \('c'\) is empty"):
        _tiny(handle_missing="interpolate").fit(frame)
