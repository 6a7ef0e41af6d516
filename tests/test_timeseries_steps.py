"""The time step of a series: its most common step (not the median, which a series with many
gaps puts between two steps), the same at fit and score, named in words, its gaps counted and
filled on its own grid."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.timeseries import SeriesAnomalyDetector
from aekit.timeseries.inputs import read_series
from aekit.timeseries.step_names import (
    duration_name,
    from_saved,
    length_name,
    same_step,
    step_name,
)


def _tiny(**params):
    """A window detector that fits in a fraction of a second: what is read is under test."""
    member = aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=2, random_state=0)
    inner = aekit.AnomalyDetector(estimator=member, n_estimators=1, preprocessing=None)
    return SeriesAnomalyDetector(window=10, estimator=inner, random_state=0, **params)


def _five_minutes(n=300, keep=0.55, seed=0):
    """A wave every 5 minutes, and the same with 45% of its points missing (as NAB's traffic
    series: most steps 5 minutes, many 10, 15 or more)."""
    stamps = pd.date_range("2015-09-08 11:39", periods=n, freq="5min")
    full = pd.DataFrame({"timestamp": stamps, "value": np.sin(np.arange(n) / 6.0)})
    kept = np.random.default_rng(seed).random(n) < keep
    kept[[0, 1, -1]] = True  # rows 0 -> 1 five minutes apart, as in speed_7578
    return full, full[kept].reset_index(drop=True)


def test_a_series_with_many_gaps_is_on_its_most_common_step():
    full, gappy = _five_minutes()
    steps = gappy["timestamp"].diff().dt.total_seconds().to_numpy()[1:]
    assert np.median(steps) > 300  # the premise: the median step was no step of the series
    gaps = np.flatnonzero(steps != 300)
    expected = (
        f"its step is 5 minutes, with {len(gaps)} gaps (missing timestamps; the first after "
        f"row {gaps[0]}: {steps[gaps[0]] / 60:g} minutes); resample X to one point every 5 "
        "minutes, or fill that grid by linear interpolation: pass handle_missing='interpolate'."
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        read_series(gappy, "timestamp", None, "error")
    series, _ = read_series(gappy, "timestamp", None, "interpolate")
    assert series.step == "5 minutes"
    np.testing.assert_array_equal(np.diff(series.grid_time), 300.0)  # the true 5-minute grid
    assert len(series.values) == len(full)
    # Every kept row is on the grid with its own value; the missing ones on the line between.
    on_grid = np.searchsorted(series.grid_time, series.row_time)
    np.testing.assert_allclose(series.values[on_grid, 0], gappy["value"])
    # Fit on the gappy stretch, scored on the whole series: the same step, so no warning.
    detector = _tiny(time_column="timestamp", handle_missing="interpolate").fit(gappy)
    assert detector.time_step_ == "5 minutes"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert detector.score_samples(full).shape == (len(full),)


def test_jittered_timestamps_are_irregular_steps_of_their_regular_step():
    rng = np.random.default_rng(1)
    n = 200
    # A logger every 10 minutes, give or take one (NAB's TravelTime_451).
    minutes = 10 * np.arange(n) + rng.choice([-1, 0, 0, 0, 1], n)
    stamps = pd.Timestamp("2015-07-10") + pd.to_timedelta(minutes, unit="min")
    frame = pd.DataFrame({"t": stamps, "v": np.sin(minutes / 30.0)})
    # named as jitter: the README's "steps within 10% count as it" led a user to expect them
    # taken as they are
    jitter = r"10 minutes, with \d+ irregular steps \(.*, most less than half of it off: jitter;"
    with pytest.raises(ValueError, match=jitter):
        read_series(frame, "t", None, "error")
    series, _ = read_series(frame, "t", None, "interpolate")
    np.testing.assert_array_equal(np.diff(series.grid_time), 600.0)
    # Linear interpolation of a slow sine at the grid's times: close to the sine itself.
    grid_minutes = (series.grid_time + 60 * minutes[0]) / 60
    np.testing.assert_allclose(series.values[:, 0], np.sin(grid_minutes / 30.0), atol=0.01)
    # Numbers with jitter: the regular step is near 1, and a second draw is not another step.
    times = [np.arange(150) + np.random.default_rng(s).uniform(-0.05, 0.05, 150) for s in (2, 3)]
    parts = [pd.DataFrame({"t": t, "v": np.sin(t / 4)}) for t in times]
    series, _ = read_series(parts[0], "t", None, "interpolate")
    assert abs(np.diff(series.grid_time)[0] - 1) < 0.02
    detector = _tiny(time_column="t", handle_missing="interpolate").fit(parts[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        detector.score_samples(parts[1])


@pytest.mark.parametrize(
    ("seconds", "name"),
    [
        (1, "1 second"),
        (0.5, "0.5 seconds"),
        (300, "5 minutes"),
        (299.9, "5 minutes"),  # jitter: within 0.1% of whole minutes
        (301, "301 seconds"),
        (390, "390 seconds"),
        (3600, "1 hour"),
        (5400, "90 minutes"),
        (129600, "36 hours"),
        (86400, "1 day"),
        (604800, "1 week"),
    ],
)
def test_a_step_in_seconds_reads_as_a_duration(seconds, name):
    assert duration_name(seconds) == name


def test_a_gap_reads_as_a_length_in_its_largest_unit():
    # a gap of 2735 minutes was said so, where another warning said "7 hours" (user review)
    assert [length_name(s) for s in (2735 * 60, 7 * 3600, 90, 30, 0.5)] == [
        "1.9 days", "7 hours", "1.5 minutes", "30 seconds", "0.5 seconds"
    ]  # fmt: skip
    assert length_name(3599.9) == "1 hour" and length_name(86399) == "1 day"  # not 60 minutes


def test_steps_in_calendar_units_and_as_saved_by_older_model_files():
    assert [step_name(k, "month") for k in (1, 3, 12, 24)] == [
        "1 month",
        "3 months",
        "1 year",
        "2 years",
    ]
    assert step_name(2, "B") == "2 business days" and step_name(60, "number") == (
        "60 time-column units"
    )
    saved = {"h": "1 hour", "5min": "5 minutes", "390s": "390 seconds", "D": "1 day"}
    saved |= {"2B": "2 business days", "60": "60 time-column units", "1 month": "1 month"}
    assert {old: from_saved(old) for old in saved} == saved
    assert from_saved(None) is None
    assert same_step("5 minutes", "300 seconds") and same_step("12 months", "1 year")
    assert not same_step("1 hour", "2 hours") and not same_step("1 day", "1 business day")


def test_a_gap_over_a_daylight_saving_change_is_whole_local_days():
    # Daily in Paris, the 23-hour day of 2024-03-31 inside a gap: in UTC that gap was 71 hours,
    # "irregular", and the grid UTC days, as many of its steps being regular as in local days.
    stamps = pd.date_range("2024-03-01", periods=120, freq="D", tz="Europe/Paris")
    frame = pd.DataFrame({"t": stamps.astype(str), "v": np.arange(120.0)}).drop(index=[30, 31])
    with pytest.raises(ValueError, match=r"step is 1 day, with 1 gap \(.*row 29: 3 days\); "):
        read_series(frame, "t", None, "error")
    series, _ = read_series(frame, "t", None, "interpolate")
    np.testing.assert_allclose(series.values[:, 0], np.arange(120.0))  # one point a local day


def test_dates_written_as_text_without_time_column_are_refused_naming_it():
    # a CSV's timestamps are text: they were left out as a text column and the rows read as
    # evenly spaced, so a 42-hour gap went unnoticed (user audit); typed dates were refused
    import pandas as pd

    from aekit.cli.errors import for_the_command_line

    stamps = pd.date_range("2024-03-30", periods=300, freq="5min", tz="Europe/Berlin")
    frame = pd.DataFrame({"timestamp": stamps.astype(str), "value": np.sin(np.arange(300) / 5)})
    with pytest.raises(ValueError, match="'timestamp' of dates written as text") as info:
        _tiny().fit(frame)
    line = for_the_command_line(str(info.value), {"time_column"})
    assert "pass --time-column timestamp" in line
    with pytest.warns(UserWarning, match="text column"):  # other text is left out, as before
        _tiny().fit(frame.assign(timestamp=["a1", "b2", "c3"] * 100))


def test_day_first_dates_are_read_without_pandas_advice():
    # pandas said "Pass `dayfirst=True`", an option aekit has not; the dates were read right
    stamps = pd.date_range("2014-02-14 14:30", periods=200, freq="5min")
    frame = pd.DataFrame(
        {"timestamp": stamps.strftime("%d/%m/%Y %H:%M"), "value": np.arange(200.0) % 7}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        detector = _tiny(time_column="timestamp").fit(frame)
    assert not any("dayfirst" in str(w.message) for w in caught)
    assert detector.time_step_ == "5 minutes"


def test_a_channel_filled_mostly_by_interpolation_is_warned_of():
    # a dead sensor (NaN from row 60 on) was filled silently: the grid's warning counts missing
    # timestamps, not a channel's missing values
    frame = pd.DataFrame(
        {"t": pd.date_range("2024-01-01", periods=100, freq="min"), "a": 1.0, "b": 2.0}
    )
    frame.loc[60:, "b"] = np.nan
    with pytest.warns(UserWarning, match=r"filled 40 of the 100 values of channel 'b' \(40%") as w:
        read_series(frame, "t", None, "interpolate")
    from aekit.cli.errors import for_the_command_line

    text = str(w[0].message)  # in 'aekit score', which cannot leave a channel out: a refit
    assert for_the_command_line(text, {"handle_missing"}).endswith(
        "refit without it: name the other channels with 'aekit detect-series --value-columns'."
    )
    assert for_the_command_line(text, {"value_columns"}).endswith("with --value-columns.")
    frame.loc[60:70, "b"] = 2.0  # a few readings missing (10%): no warning
    frame.loc[71:, "b"] = 2.0
    frame.loc[[5, 50], "b"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_series(frame, "t", None, "interpolate")


def test_unix_seconds_against_a_model_fitted_on_dates_are_said_as_such():
    # the same minutes written as epoch seconds were told to 'resample to one point every 1
    # minute', which they are
    times = pd.date_range("2024-01-01", periods=120, freq="min")
    frame = pd.DataFrame({"t": times, "v": np.sin(np.arange(120) / 5)})
    detector = _tiny(time_column="t").fit(frame)
    seconds = frame.assign(t=(times - pd.Timestamp("1970-01-01")) // pd.Timedelta("1s"))
    with pytest.warns(UserWarning, match=r"holds numbers \(a step of 60 time-column units\), "
                      r"but the detector was fitted on dates \(a step of 1 minute\)"):  # fmt: skip
        detector.score_samples(seconds)
    numbers = _tiny(time_column="t").fit(seconds)  # the other way round: told to write numbers
    with pytest.warns(UserWarning, match=r"holds dates .* fitted on numbers .* as numbers, as"):
        numbers.score_samples(frame)


def test_the_hour_skipped_at_daylight_saving_in_local_times_is_named():
    # Paris wall-clock times every 5 minutes across 2024-03-31 02:00: 'pass interpolate' alone
    # made up an hour that never was
    local = pd.date_range("2024-03-31 00:00", periods=60, freq="5min", tz="Europe/Paris")
    frame = pd.DataFrame({"t": local.tz_localize(None), "v": np.arange(60.0)})
    with pytest.raises(
        ValueError,
        match=r"1\.08 hours\).*gap after row 23, ending on a Sunday at 03:00, looks like",
    ):
        read_series(frame, "t", None, "error")
    assert len(read_series(frame.assign(t=local), "t", None, "error")[0].values) == 60
    # a missing hour of hourly data on a weekday, or zoned times: a gap like another
    hourly = pd.DataFrame({"t": pd.date_range("2024-01-10", periods=48, freq="h"), "v": 1.0})
    for times in (hourly, hourly.assign(t=hourly["t"].dt.tz_localize("UTC"))):
        with pytest.raises(ValueError, match="1 gap") as other:
            read_series(times.drop(index=[20]), "t", None, "error")
        assert "daylight" not in str(other.value)


def test_empty_timestamps_are_counted_and_the_first_placed():
    frame = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=30, freq="h").astype(str)})
    frame["v"] = 1.0
    frame.loc[[0, 7], "t"] = ""  # a CSV's empty cells: 'has empty timestamps' named no row
    with pytest.raises(ValueError, match=r"has 2 empty timestamps \(the first in row 0, 0-based\)"):
        read_series(frame, "t", None, "error")
    numbers = pd.DataFrame({"t": np.arange(30.0), "v": 1.0})
    numbers.loc[12, "t"] = np.nan
    with pytest.raises(ValueError, match=r"has 1 empty timestamp \(the first in row 12, 0-based\)"):
        read_series(numbers, "t", None, "error")


def test_a_transposed_series_scored_is_told_to_transpose_it():
    x = np.sin(np.arange(300) / 7.0)[:, None] * [1.0, 2.0, 3.0]
    detector = _tiny().fit(x)
    with pytest.raises(ValueError, match=r"X has 300 channels, .* fitted on 3; .*pass X\.T\)"):
        detector.score_samples(x.T)
    with pytest.raises(ValueError, match=r"fitted on 3; pass the same value columns as in fit\.$"):
        detector.score_samples(x[:, :2])
