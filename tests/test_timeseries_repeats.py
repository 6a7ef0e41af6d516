"""Timestamps that do not increase (repeated rows, one time with different values, a step back)
and long interpolated gaps, as in NAB's logs (:mod:`aekit.timeseries.repeats`,
:mod:`aekit.timeseries.grid`)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.timeseries import SeriesAnomalyDetector
from aekit.timeseries.inputs import read_series


def _frame(n=60, start="2024-03-10 00:00"):
    times = pd.date_range(start, periods=n, freq="5min")
    values = np.sin(np.arange(n) / 3)
    return pd.DataFrame({"timestamp": times.strftime("%Y-%m-%d %H:%M:%S"), "value": values})


def _repeat(frame, row, copies, values=None):
    """``frame`` with ``copies`` more rows at the time of ``row`` (its value, or ``values``)."""
    extra = frame.iloc[[row] * copies].copy()
    if values is not None:
        extra["value"] = values
    return pd.concat([frame.iloc[: row + 1], extra, frame.iloc[row + 1 :]], ignore_index=True)


def test_exact_duplicate_rows_are_dropped_with_a_count_and_scored_as_their_first():
    frame = _frame()
    doubled = _repeat(frame, 20, 3)  # a reading written four times (NAB's AWS series)
    with pytest.warns(UserWarning, match="dropped 3 rows repeating an earlier row exactly"):
        series, _ = read_series(doubled, "timestamp", None, "error")
    np.testing.assert_array_equal(series.values[:, 0], frame["value"])  # the grid as without
    gap = doubled.drop(index=[44, 45])  # rows 41, 42 of frame: messages count the rows given
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="first after row 43: 15 min"):
        read_series(gap, "timestamp", None, "error")
    blank = doubled.assign(value=doubled["value"].where(doubled.index != 30))
    with pytest.warns(UserWarning), pytest.raises(ValueError, match=r"of its 63 rows: row 30 "):
        read_series(blank, "timestamp", None, "error")
    member = aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=2, random_state=0)
    inner = aekit.AnomalyDetector(estimator=member, n_estimators=1, preprocessing=None)
    detector = SeriesAnomalyDetector(window=8, estimator=inner, time_column="timestamp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = detector.fit(doubled).score_samples(doubled)
        plain = detector.score_samples(frame)
    assert len(scores) == len(doubled)  # one score per row given, the copies included
    np.testing.assert_allclose(scores[20:24], plain[20])
    np.testing.assert_allclose(np.delete(scores, [21, 22, 23]), plain)


def test_one_time_with_different_values_is_refused_or_averaged_with_interpolate():
    frame = _repeat(_frame(), 20, 2, values=[5.0, -1.0])
    with pytest.raises(
        ValueError,
        match=r"repeats 1 timestamp with different values \(first "
        r"at row 21\).*handle_missing='interpolate'.*groupby\('timestamp'\)",
    ):
        read_series(frame, "timestamp", None, "error")
    with pytest.warns(UserWarning, match="averaged the rows of 1 timestamp"):
        series, _ = read_series(frame, "timestamp", None, "interpolate")
    assert series.values.shape == (60, 1)
    expected = (np.sin(20 / 3) + 5.0 - 1.0) / 3  # the mean of the three readings at that time
    assert series.values[20, 0] == pytest.approx(expected)


def test_a_step_back_in_time_names_the_row_both_times_and_the_sort():
    frame = _frame()
    replayed = pd.concat([frame.iloc[:30], frame.iloc[18:]], ignore_index=True)  # 12 rows again
    for handle_missing in ("error", "interpolate"):
        with pytest.raises(
            ValueError,
            match=r"goes back in time at row 30: 2024-03-10 01:30:00 after 2024-03-10 "
            r"02:25:00 in row 29; 12 rows repeat earlier timestamps.*"
            r"X.sort_values\('timestamp'\)",
        ):
            read_series(replayed, "timestamp", None, handle_missing)


def test_local_times_set_back_an_hour_are_told_their_zone_not_to_sort():
    # daylight saving's end in local times without their zone: sorting, the only advice,
    # would interleave the two hours
    berlin = pd.date_range("2024-10-27 01:00", periods=48, freq="5min", tz="Europe/Berlin")
    frame = pd.DataFrame({"timestamp": berlin.tz_localize(None), "value": np.arange(48.0)})
    told = r"daylight saving.*X\['timestamp'\]\.dt\.tz_localize\('Europe/Berlin', ambiguous"
    with pytest.raises(ValueError, match=told):
        read_series(frame, "timestamp", None, "error")
    # as a CSV holds them: text, under a name with a space (the advice named X[stamp'])
    text = frame.rename(columns={"timestamp": "time stamp"})
    text["time stamp"] = text["time stamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    spaced = r"X\.sort_values\('time stamp'\).*X\['time stamp'\]\.dt\.tz_localize"
    with pytest.raises(ValueError, match=spaced) as refused:
        read_series(text, "time stamp", None, "error")
    from aekit.cli.errors import for_the_command_line

    assert for_the_command_line(str(refused.value)).endswith(
        "sorting would interleave the two hours: write the timestamps with their UTC offset "
        "(2024-10-27 02:00:00+01:00), or in UTC."
    )
    read_series(frame.assign(timestamp=berlin), "timestamp", None, "error")  # with its zone
    june = pd.Series(pd.date_range("2024-06-01", periods=48, freq="5min"))
    days_back = frame.assign(timestamp=june.where(june.index != 30, pd.Timestamp("2024-05-25")))
    with pytest.raises(ValueError) as refused:  # no clock change: a step back of a week
        read_series(days_back, "timestamp", None, "error")
    assert "daylight" not in str(refused.value)


def test_interpolation_that_makes_up_most_points_is_warned_of_with_the_longest_gap():
    frame = _frame(200)
    long_gap = frame.drop(index=range(40, 160))  # 120 of 200 points made up
    with pytest.warns(
        UserWarning,
        match=r"made up 120 of the 200 points \(60%\).*after row "
        r"39, is 10.1 hours \(121 steps\)",
    ):
        read_series(long_gap, "timestamp", None, "interpolate")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a few missing points: no warning
        read_series(frame.drop(index=range(40, 60)), "timestamp", None, "interpolate")


def test_messages_about_a_datetime_index_say_the_index():
    frame = _frame().set_index(pd.DatetimeIndex(_frame()["timestamp"]))[["value"]]
    with pytest.raises(ValueError, match="^the index is not evenly spaced"):
        read_series(frame.drop(index=frame.index[[30, 31]]), None, None, "error")
    with pytest.raises(ValueError, match=r"^the index goes back in time.*X.sort_index\(\)"):
        read_series(frame.iloc[::-1], None, None, "error")


def _long_table():
    """Three hosts' series in one long table, as monitoring exports write them."""
    parts = [
        _frame().assign(host=h, value=lambda f, k=k: f["value"] + k) for k, h in enumerate("abc")
    ]
    return pd.concat(parts, ignore_index=True)[["host", "timestamp", "value"]]


def test_several_series_in_one_long_table_are_refused_not_averaged():
    # each host repeats every timestamp: sorted and read with interpolate, the three hosts were
    # averaged into one series (two warnings, no error); unsorted, the advice was to sort
    table = _long_table()
    for rows in (table, table.sort_values("timestamp", kind="stable")):
        for handle_missing in ("error", "interpolate"):
            with pytest.raises(
                ValueError,
                match=r"several series in one long table: .*column 'host' \(3 values: 'a', 'b', "
                r"'c'\).*groupby\('host'\).*X\.pivot\(index='timestamp', columns='host', "
                r"values='value'\)",
            ):
                read_series(rows, "timestamp", None, handle_missing)
    # the advice works: the hosts as a list of series, or as channels
    hosts = [s for _, s in table.groupby("host")]
    assert len(read_series(hosts[0], "timestamp", None, "error")[0].values) == 60
    wide = table.pivot(index="timestamp", columns="host", values="value").reset_index()
    assert read_series(wide, "timestamp", None, "error")[0].values.shape == (60, 3)


def test_repeated_times_with_a_column_that_is_no_series_id_keep_their_rules():
    # free text (one row per value) or a status repeated at one time does not split a series
    frame = _repeat(_frame(), 20, 2, values=[5.0, -1.0])
    noted = frame.assign(note=[f"n{i}" for i in range(len(frame))])
    status = frame.assign(status=["ok"] * len(frame))
    status.loc[21, "status"] = "warn"
    for table in (noted, status):
        with pytest.raises(ValueError, match="repeats 1 timestamp with different values"):
            read_series(table, "timestamp", ["value"], "error")


def test_a_status_that_differs_at_one_repeated_time_tells_no_series_apart():
    # a status flag alternating row by row, and one reading logged twice under both flags:
    # read as a long table of two series ('no way out on the command line'), though only 2
    # of 61 rows share a time
    frame = _repeat(_frame(), 20, 1, values=[5.0])
    flagged = frame.assign(status=["ok", "warn"] * (len(frame) // 2) + ["ok"] * (len(frame) % 2))
    assert flagged.loc[20, "status"] != flagged.loc[21, "status"]
    with pytest.raises(ValueError, match="repeats 1 timestamp with different values"):
        read_series(flagged, "timestamp", ["value"], "error")
    assert len(read_series(flagged, "timestamp", ["value"], "interpolate")[0].values) == 60


def test_series_that_overlap_in_part_are_a_long_table_and_a_rare_status_is_not():
    # host a on hours 0-99, host b on 90-189: read as one series of both, the ten shared hours
    # averaged, when the rule asked half a series' rows to share their time
    hours = pd.date_range("2024-01-01", periods=190, freq="h")
    table = pd.DataFrame(
        {"host": ["a"] * 100 + ["b"] * 100, "timestamp": np.r_[hours[:100], hours[90:]]}
    ).assign(value=np.arange(200.0))
    with pytest.raises(ValueError, match=r"several series in one long table: .*column 'host'"):
        read_series(table, "timestamp", ["value"], "interpolate")
    # a status 'warn' on 2 rows of 61, one of them a reading logged twice: no series
    frame = _repeat(_frame(), 20, 1, values=[5.0])
    rare = frame.assign(status="ok")
    rare.loc[[21, 40], "status"] = "warn"
    with pytest.raises(ValueError, match="repeats 1 timestamp with different values"):
        read_series(rare, "timestamp", ["value"], "error")
