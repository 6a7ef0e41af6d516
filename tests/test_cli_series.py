"""``aekit detect-series`` and ``aekit score`` on its run."""

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import quick_series_detector, series_frame
from typer.testing import CliRunner

import aekit
from aekit.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def series_run(tmp_path_factory):
    from aekit.timeseries import detector as module

    quick = aekit.AnomalyDetector(
        estimator=aekit.Autoencoder(hidden_layer_sizes=(16,), latent_dim=3, max_iter=10),
        n_estimators=1,
        preprocessing=None,
    )
    folder = tmp_path_factory.mktemp("series")
    data = folder / "train.csv"
    series_frame(400, 0).to_csv(data, index=False)
    out = folder / "run"
    with pytest.MonkeyPatch.context() as patch:  # a small window detector, for speed
        patch.setattr(module, "default_window_detector", lambda: quick)
        result = invoke(
            "detect-series", data, "--time-column", "timestamp", "--value-columns", "a,b",
            "--window", 24, "--out", out,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder, out


def test_detect_series_writes_a_run(series_run):
    folder, out = series_run
    for name in ("model.safetensors", "scores.csv", "figures/series.png", "config.toml"):
        assert (out / name).stat().st_size > 0
    command = (out / "command.txt").read_text()
    assert command.startswith("aekit detect-series") and "--window 24" in command
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.columns) == ["timestamp", "anomaly_score", "anomaly", "top_channel"]
    assert len(scores) == 400 and set(scores["top_channel"]) <= {"a", "b"}
    detector = aekit.load(out / "model.safetensors")
    assert detector.window == 24 and list(detector.feature_names_in_) == ["a", "b"]
    # the window network's losses, so 'aekit report' reads the run as it reads a training RUN
    metrics = pd.read_csv(out / "metrics.csv")
    assert len(metrics) == detector.detector_.estimators_[0].n_iter_
    # its [run] section, which 'aekit info' shows (rows, training time, date), was missing
    import tomllib

    run = tomllib.loads((out / "config.toml").read_text())["run"]
    assert run["rows"] == 400 and run["train_seconds"] > 0 and run["date"]


def test_score_on_a_series_run_scores_new_points(series_run):
    folder, out = series_run
    new = series_frame(200, 1)
    new.loc[100:110, "b"] += 3.0
    new.to_csv(folder / "new.csv", index=False)
    result = invoke("score", out, folder / "new.csv", "-o", folder / "scores.csv")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(folder / "scores.csv")
    assert len(scores) == 200
    top = scores["anomaly_score"].nlargest(10).index
    assert set(top) <= set(range(80, 131))  # windows of 24 around the broken points
    assert (scores.loc[100:110, "top_channel"] == "b").all()


def test_score_reads_a_series_files_channels_by_name(tmp_path, monkeypatch):
    # the channels of a run fitted on every numeric column are read by position: a file with
    # them (and the time column) in another order was refused, where a table run's file is
    # matched by name
    quick_series_detector(monkeypatch)
    series_frame(100, 0)[["timestamp", "a", "b"]].to_csv(tmp_path / "train.csv", index=False)
    fit = ["detect-series", tmp_path / "train.csv", "--time-column", "timestamp", "--window", 12]
    assert invoke(*fit, "--no-figures", "--out", tmp_path / "run").exit_code == 0
    new = series_frame(120, 2)[["timestamp", "a", "b"]]
    new.to_csv(tmp_path / "ordered.csv", index=False)
    new[["b", "timestamp", "a"]].to_csv(tmp_path / "shuffled.csv", index=False)
    for name in ("ordered", "shuffled"):
        scored = tmp_path / f"{name}_scores.csv"
        result = invoke("score", tmp_path / "run", tmp_path / f"{name}.csv", "-o", scored)
        assert result.exit_code == 0, result.output
    ordered, shuffled = (pd.read_csv(tmp_path / f"{n}_scores.csv") for n in ("ordered", "shuffled"))
    pd.testing.assert_frame_equal(ordered, shuffled)


def test_detect_series_refuses_bad_columns_before_writing(series_run, tmp_path):
    from aekit.cli.errors import error_message

    folder, _ = series_run
    out = tmp_path / "r"
    result = invoke("detect-series", folder / "train.csv", "--value-columns", "nope", "--out", out)
    assert isinstance(result.exception, ValueError)  # aekit's one-line error, exit 2
    assert "value_columns ['nope'] are not columns" in error_message(result.exception)
    assert not out.exists()  # nothing half-written


def test_report_on_a_series_run(series_run):
    _, out = series_run
    result = invoke("report", out)
    assert result.exit_code == 0, result.output
    assert "series.png" in (out / "report.html").read_text()


def test_detect_series_quiet_and_daylight_saving_timestamps(tmp_path, monkeypatch):
    """--quiet turns the progress bar off, as for 'aekit detect'; a zone-aware time column as
    pandas writes it (its UTC offset changes at daylight saving time) is read as instants."""
    from aekit.cli import progress

    quick_series_detector(monkeypatch)
    seen, phases = [], progress.phases

    def spy(title, total, quiet):
        seen.append(quiet)
        return phases(title, total, quiet)

    monkeypatch.setattr(progress, "phases", spy)
    stamps = pd.date_range("2024-10-26 12:00", periods=120, freq="h", tz="Europe/Paris")
    frame = pd.DataFrame({"timestamp": stamps, "value": np.sin(np.arange(120) / 4)})
    frame.to_csv(tmp_path / "paris.csv", index=False)  # "+02:00" then "+01:00"
    base = ["detect-series", tmp_path / "paris.csv", "--time-column", "timestamp", "--window", 12]
    base.append("--no-figures")
    result = invoke(*base, "--quiet", "--out", tmp_path / "quiet")
    assert result.exit_code == 0, result.output
    result = invoke(*base, "--out", tmp_path / "loud")
    assert result.exit_code == 0, result.output
    assert seen == [True, False]
    assert len(pd.read_csv(tmp_path / "quiet" / "scores.csv")) == 120


def test_detect_series_epochs_set_the_window_autoencoders_and_are_recorded(tmp_path, monkeypatch):
    quick_series_detector(monkeypatch)  # its member trains 2 epochs unless --epochs says otherwise
    series_frame(120, 0).to_csv(tmp_path / "s.csv", index=False)
    base = ["detect-series", tmp_path / "s.csv", "--time-column", "timestamp", "--window", 12]
    base.append("--no-figures")
    result = invoke(*base, "--value-columns", "a", "--epochs", 3, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    (member,) = aekit.load(tmp_path / "run" / "model.safetensors").detector_.estimators_
    assert member.n_iter_ == 3
    assert "--epochs 3" in (tmp_path / "run" / "command.txt").read_text()
    # --param max_iter alone sets them too (tests/test_cli_seed.py); beside --epochs, refused
    result = invoke(*base, "--param", "max_iter=3", "--epochs", 2, "--out", tmp_path / "other")
    assert "use --epochs" in str(result.exception) and not (tmp_path / "other").exists()


def test_detect_series_errors_give_the_command_line_spelling(tmp_path):
    from aekit.cli.errors import error_message, for_the_command_line
    from aekit.timeseries.inputs import check_value_names

    gappy = series_frame(100, 0).drop(index=range(40, 45))
    gappy.to_csv(tmp_path / "gappy.csv", index=False)
    result = invoke("detect-series", tmp_path / "gappy.csv", "--time-column", "timestamp")
    assert isinstance(result.exception, ValueError)
    message = for_the_command_line(error_message(result.exception))
    assert "not evenly spaced" in message and "pass --handle-missing interpolate." in message
    with pytest.raises(ValueError) as error:
        check_value_names(np.array(["a", "b"]), ["b", "a"], "SeriesAnomalyDetector")
    message = for_the_command_line(str(error.value))
    assert message.startswith("DATA's value columns ['b', 'a'] differ")
    assert "fit with --value-columns a,b to pick" in message


def test_detect_series_prints_roc_auc_against_labels_as_detect_does(tmp_path):
    from sklearn.metrics import precision_score, recall_score, roc_auc_score

    from aekit.timeseries import detector as module

    quick = aekit.AnomalyDetector(
        estimator=aekit.Autoencoder(hidden_layer_sizes=(16,), latent_dim=3, max_iter=10),
        n_estimators=1,
        preprocessing=None,
    )
    frame = series_frame(300, 0).drop(columns="note")
    frame.loc[200:210, "a"] += 3.0
    frame["y"] = np.where((frame.index >= 200) & (frame.index <= 210), 1.0, 0.0)
    frame.loc[5, "y"] = np.nan  # a blank label: left out
    frame.to_csv(tmp_path / "s.csv", index=False)
    out = tmp_path / "run"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "default_window_detector", lambda: quick)
        result = invoke(
            "detect-series", tmp_path / "s.csv", "--time-column", "timestamp",
            "--label-column", "y", "--window", 24, "--out", out, "--quiet", "--no-figures",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "scores.csv").drop(index=5)
    truth = frame["y"].drop(index=5) == 1
    expected = roc_auc_score(truth, scores["anomaly_score"])
    labels = "--label-column y (11 of 299 points anomalies)"
    assert f"against {labels}: ROC-AUC {expected:.4f}" in result.output
    # and how the flags of scores.csv match the labels
    flags = scores["anomaly"].astype(bool)
    assert flags.any()
    precision, recall = precision_score(truth, flags), recall_score(truth, flags)
    assert f"flags: precision {precision:.3f}, recall {recall:.3f}" in result.output


def test_detect_series_with_the_likelihood_rule(tmp_path, monkeypatch):
    """--threshold likelihood: the flags are the model's predict (not the score above
    threshold_), scores.csv gains the likelihood, command.txt the window; aekit score too."""
    from sklearn.metrics import precision_score, recall_score

    quick_series_detector(monkeypatch)
    frame = series_frame(600, 0).drop(columns="note")
    frame.loc[300:, "a"] += 2.0  # a lasting shift
    frame.to_csv(tmp_path / "s.csv", index=False)
    out = tmp_path / "run"
    result = invoke(
        "detect-series", tmp_path / "s.csv", "--time-column", "timestamp", "--window", 24,
        "--threshold", "likelihood", "--likelihood-window", 150, "--out", out, "--quiet",
        "--no-figures",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "points flagged (likelihood above 1 - 0.001)" in result.output
    detector = aekit.load(out / "model.safetensors")
    assert detector.threshold == "likelihood" and detector.likelihood_window == 150
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.columns)[-1] == "likelihood"
    np.testing.assert_array_equal(scores["anomaly"], detector.predict(frame) == -1)
    assert scores["anomaly"].iloc[300:320].any() and not scores["anomaly"].iloc[460:].any()
    assert "--threshold likelihood --likelihood-window 150" in (out / "command.txt").read_text()
    result = invoke("score", out, tmp_path / "s.csv", "-o", tmp_path / "new.csv")
    assert result.exit_code == 0, result.output
    assert "likelihood" in pd.read_csv(tmp_path / "new.csv").columns
    # evaluate judges the ranking and the model's own flags (its predict: no threshold on the
    # score, so none is reported); it reported no flag figures at all, and did not say why
    frame["y"] = (frame.index >= 300).astype(int)
    frame.to_csv(tmp_path / "labelled.csv", index=False)
    result = invoke("evaluate", out, tmp_path / "labelled.csv", "--label-column", "y", "--quiet")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    assert "roc_auc" in figures and "threshold" not in figures
    flags, truth = scores["anomaly"].astype(bool), frame["y"].astype(bool)
    assert figures["flagged"] == flags.sum()
    assert figures["precision"] == pytest.approx(precision_score(truth, flags))
    assert figures["recall"] == pytest.approx(recall_score(truth, flags))
    # unlabelled: the flags counted still, without a threshold (review: none was said)
    result = invoke("evaluate", out, tmp_path / "s.csv", "--quiet")
    figures = json.loads(result.output[result.output.index("{") :])
    assert figures["flagged"] == flags.sum() and "threshold" not in figures


def test_detect_series_out_of_order_or_repeated_times_give_the_file_fix(tmp_path):
    # the fixes were pandas calls (X.sort_values('timestamp'), X.groupby(...).mean())
    from aekit.cli.errors import error_message, for_the_command_line

    frame = series_frame(100, 0)
    shuffled = pd.concat([frame.iloc[:40], frame.iloc[60:80], frame.iloc[40:60], frame.iloc[80:]])
    repeated = pd.concat([frame.iloc[:41], frame.iloc[[40]].assign(a=5.0), frame.iloc[41:]])
    messages = []
    for name, table in (("shuffled", shuffled), ("repeated", repeated)):
        table.to_csv(tmp_path / f"{name}.csv", index=False)
        result = invoke("detect-series", tmp_path / f"{name}.csv", "--time-column", "timestamp")
        assert isinstance(result.exception, ValueError)
        messages.append(for_the_command_line(error_message(result.exception)))
    assert messages[0].endswith("sort the file by its timestamp column.")
    assert messages[1].endswith(
        "average them onto the regular grid with --handle-missing interpolate, or average "
        "them in the file."
    )
    assert not any("X." in m for m in messages)


def test_value_columns_named_twice_are_refused(tmp_path):
    frame = series_frame(100, 0)
    with pytest.raises(ValueError, match=r"value_columns names \[.a.\] more than once"):
        aekit.SeriesAnomalyDetector(window=16, value_columns=["a", "a"]).fit(frame)


def test_detect_series_on_a_long_table_of_several_series_says_how_to_split_it(tmp_path):
    from aekit.cli.errors import error_message, for_the_command_line

    frame = series_frame(100, 0)[["timestamp", "a"]]
    long = pd.concat([frame.assign(host=h) for h in ("web1", "web2")]).sort_values("timestamp")
    long.to_csv(tmp_path / "long.csv", index=False)
    result = invoke(
        "detect-series", tmp_path / "long.csv", "--time-column", "timestamp",
        "--handle-missing", "interpolate", "--out", tmp_path / "run",
    )  # fmt: skip
    assert isinstance(result.exception, ValueError)  # was: the two hosts averaged, exit 0
    message = for_the_command_line(error_message(result.exception))
    assert "several series in one long table" in message
    assert "Write each host's rows to a file of its own" in message
    assert "give each host a column of its own (in pandas: X.pivot(" in message
    assert not (tmp_path / "run").exists()


def test_score_names_the_option_that_leaves_out_a_column_fit_never_saw(tmp_path, monkeypatch):
    # the file a series run was evaluated with holds its labels: the advice was to pass only
    # the fitted columns or to refit, not the option that leaves the label out
    from aekit.cli.errors import error_message, for_the_command_line

    quick_series_detector(monkeypatch)
    series_frame(100, 0)[["timestamp", "a"]].to_csv(tmp_path / "train.csv", index=False)
    fit = ["detect-series", tmp_path / "train.csv", "--time-column", "timestamp", "--window", 12]
    assert invoke(*fit, "--no-figures", "--out", tmp_path / "run").exit_code == 0
    series_frame(100, 1)[["timestamp", "a"]].assign(label=0).to_csv(
        tmp_path / "new.csv", index=False
    )
    score = ["score", tmp_path / "run", tmp_path / "new.csv", "-o", tmp_path / "scores.csv"]
    result = invoke(*score)
    assert isinstance(result.exception, ValueError)
    message = for_the_command_line(error_message(result.exception), {"ignore_column"})
    assert "(unexpected ['label']); leave them out with --ignore-column label (a label" in message
    result = invoke(*score, "--ignore-column", "label")
    assert result.exit_code == 0, result.output


def test_series_messages_name_options_not_python_parameters(tmp_path, monkeypatch):
    # value_columns, '(contamination=...)', a smaller --window in 'aekit score' (no --window)
    from aekit.cli.errors import error_message, for_the_command_line

    frame = series_frame(100, 0)[["timestamp", "a"]]
    typo = frame.astype({"a": object})
    typo.loc[0, "a"] = "%"  # a second header line of units, read as a row
    typo.to_csv(tmp_path / "units.csv", index=False)
    result = invoke("detect-series", tmp_path / "units.csv", "--time-column", "timestamp")
    message = for_the_command_line(error_message(result.exception))
    fill = "if '%' marks a missing value, pass --na-values % and fill it with --handle-missing"
    assert message.endswith(f"{fill} interpolate; or leave it out with --ignore-column a.")
    rough = "only 3 of 25 training scores ... give the expected anomaly rate (contamination=...)"
    assert for_the_command_line(rough, {"contamination"}).endswith("(--contamination RATE)")
    short = "a series has 40 points, fewer than window=64; use a smaller window or a longer series."
    assert for_the_command_line(short, {"window"}).endswith(
        "use a smaller --window or a longer series."
    )
    assert for_the_command_line(short, set()).endswith(
        "fewer than the model's window of 64; give at least 64 points (the new points with "
        "those before them)."
    )


def _long_table(path):
    """Two hosts' series in one long table (host, timestamp, a, b, note)."""
    parts = [series_frame(60, seed).assign(host=host) for seed, host in enumerate(["web", "db"])]
    pd.concat(parts).to_csv(path, index=False)


@pytest.mark.parametrize("option", ["--id-column", "--ignore-column"])
def test_a_long_tables_series_column_left_out_is_refused(series_run, tmp_path, option):
    # left out by --id-column or --ignore-column, the column that tells the hosts apart was
    # no longer seen: the table was read as one series of repeated timestamps ("goes back in
    # time ... sort them", which leads to averaging the hosts together)
    folder, out = series_run
    _long_table(tmp_path / "long.csv")
    words = (f"{option} host", "column 'host'", "2 values: 'web', 'db'", "file of its own")
    fit = ["detect-series", tmp_path / "long.csv", "--time-column", "timestamp", "--out"]
    result = invoke(*fit, tmp_path / "run", option, "host")
    message = str(result.exception)
    assert isinstance(result.exception, ValueError) and all(w in message for w in words), message
    assert not (tmp_path / "run").exists()
    for command in (["score", out, tmp_path / "long.csv", "-o", tmp_path / "s.csv"],
                    ["evaluate", out, tmp_path / "long.csv", "--quiet"]):  # fmt: skip
        result = invoke(*command, option, "host")
        message = str(result.exception)
        assert isinstance(result.exception, ValueError), result.output
        assert all(w in message for w in words), message
