"""Which columns of DATA 'aekit detect-series' reads as its channels: a label column among
them is warned of, and the values taken as --time-column are said to be so."""

import warnings

import numpy as np
import pytest
from cli_helpers import invoke, quick_series_detector, refused, series_frame


def test_detect_series_warns_of_a_label_column_read_as_a_channel(tmp_path, monkeypatch):
    # a 0/1 'label' column became a channel of the window autoencoder silently, where detect
    # and train warn (user review)
    quick_series_detector(monkeypatch)
    labels = (np.arange(120) % 40 == 0).astype(int)
    frame = series_frame(120, 0)[["timestamp", "a"]].assign(label=labels)
    frame.to_csv(tmp_path / "s.csv", index=False)
    base = ["detect-series", tmp_path / "s.csv", "--time-column", "timestamp", "--window", 12]
    with pytest.warns(UserWarning, match="column 'label' is named like a label") as caught:
        result = invoke(*base, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    said = str(caught[0].message)
    assert "--label-column label" in said and "--value-columns naming the others" in said
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*named like a label")  # named: not said
        result = invoke(*base, "--label-column", "label", "--out", tmp_path / "named")
    assert result.exit_code == 0, result.output


def test_a_time_column_that_took_the_only_numbers_is_named(tmp_path):
    from aekit.cli.errors import for_the_command_line

    # --time-column value (the wrong column) said "no numeric value columns" alone (user review)
    frame = series_frame(60, 0)[["timestamp", "a"]]
    frame.to_csv(tmp_path / "s.csv", index=False)
    result = invoke("detect-series", tmp_path / "s.csv", "--time-column", "a", "--out",
                    tmp_path / "run")  # fmt: skip
    said = for_the_command_line(refused(result, "no numeric value columns"))
    assert said.endswith(
        "name them with --value-columns (columns: ['timestamp', 'a']). --time-column a is its "
        "only numeric column: is it the time?"
    ), said


def test_a_row_counter_read_as_a_channel_is_warned_of(tmp_path, monkeypatch):
    # a column t = 0..n-1 became a channel silently; later points continue it past every value
    # seen in fit, and 73% of a NAB series' continuation was flagged for it (user review)
    quick_series_detector(monkeypatch)
    frame = series_frame(120, 0)[["a"]].assign(t=np.arange(120))[["t", "a"]]
    frame.to_csv(tmp_path / "s.csv", index=False)
    base = ["detect-series", tmp_path / "s.csv", "--window", 12]
    with pytest.warns(
        UserWarning, match=r"column 't' rises by 1 at every point \(0 to 119\)"
    ) as said:
        result = invoke(*base, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    from aekit.cli.errors import for_the_command_line  # as the command prints it

    printed = for_the_command_line(str(said[0].message))
    assert "pass --time-column t (the time axis) or --ignore-column t" in printed
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*rises by")  # the time axis: not said
        result = invoke(*base, "--time-column", "t", "--out", tmp_path / "timed")
    assert result.exit_code == 0, result.output


def test_a_steady_channel_is_warned_of_in_python_and_a_measured_one_is_not():
    import pandas as pd

    import aekit

    rng = np.random.default_rng(0)
    values = rng.normal(size=200)
    kwargs = dict(window=10, max_iter=2, random_state=0)
    stamps = pd.DataFrame({"epoch": 1_600_000_000 + 300 * np.arange(200), "v": values})
    with pytest.warns(UserWarning, match=r"time_column='epoch' \(the time axis\)"):
        aekit.SeriesAnomalyDetector(**kwargs).fit(stamps)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*rises by")
        aekit.SeriesAnomalyDetector(**kwargs).fit(pd.DataFrame({"v": values, "w": values}))
        aekit.SeriesAnomalyDetector(value_columns=["v"], **kwargs).fit(stamps)


def test_a_row_counter_beside_the_time_column_and_an_arrays_ramp_are_warned_of():
    # both were skipped: a time_column given, or no column names
    import pandas as pd

    import aekit
    from aekit.cli.errors import for_the_command_line

    values = np.random.default_rng(0).normal(size=200)
    kwargs = dict(window=10, max_iter=2, random_state=0)
    stamps = pd.date_range("2024-01-01", periods=200, freq="h")
    frame = pd.DataFrame({"time": stamps, "row": np.arange(200), "v": values})
    with pytest.warns(UserWarning, match=r"column 'row' rises by 1 at every point") as said:
        aekit.SeriesAnomalyDetector(time_column="time", **kwargs).fit(frame)
    printed = for_the_command_line(str(said[0].message))
    assert printed.endswith("flagged for that alone; leave it out with --ignore-column row.")
    ramp = np.column_stack([values, 10 + 0.5 * np.arange(200)])
    with pytest.warns(
        UserWarning, match=r"channel 1 \(0-based\) of X rises by 0.5 .* \(10 to 109.5\)"
    ):
        aekit.SeriesAnomalyDetector(**kwargs).fit(ramp)


def test_an_unread_likelihood_window_is_said_in_the_command_lines_words():
    from aekit.cli.errors import for_the_command_line

    said = for_the_command_line(
        "likelihood_window=300 has no effect with threshold='contamination'; drop it or use "
        "threshold='likelihood'.",
        {"likelihood_window", "threshold"},
    )
    assert said == (
        "--likelihood-window 300 has no effect with --threshold contamination (the default); "
        "drop it or use --threshold likelihood."
    )


def test_a_text_column_left_out_of_the_channels_is_said_once(tmp_path, monkeypatch):
    # said by fit, then again in other words by scoring the training points (a new user)
    quick_series_detector(monkeypatch)
    frame = series_frame(120, 0)[["timestamp", "a"]].assign(host="h1")
    frame.to_csv(tmp_path / "s.csv", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("detect-series", tmp_path / "s.csv", "--time-column", "timestamp",
                        "--window", 12, "--out", tmp_path / "run")  # fmt: skip
    assert result.exit_code == 0, result.output
    said = [str(w.message) for w in caught if "left out of the channels" in str(w.message)]
    assert len(said) == 1 and "name them with value_columns" in said[0]
