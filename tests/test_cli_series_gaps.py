"""``--handle-missing`` of the commands that read a fitted series run (``aekit score``,
``aekit evaluate``): an hourly job's new file with one missing reading, scored without a refit."""

import json

import numpy as np
import pandas as pd
from cli_helpers import invoke, ok, quick_series_detector, refused, series_frame

import aekit
from aekit.cli.errors import error_message, for_the_command_line


def _fit(tmp_path, monkeypatch):
    quick_series_detector(monkeypatch)
    series_frame(200, 0).to_csv(tmp_path / "train.csv", index=False)
    run = tmp_path / "run"
    fit = ["detect-series", tmp_path / "train.csv", "--time-column", "timestamp", "--window", 12]
    ok(invoke(*fit, "--out", run, "--quiet"))
    return run


def test_score_and_evaluate_fill_a_new_files_gaps_without_a_refit(tmp_path, monkeypatch):
    run = _fit(tmp_path, monkeypatch)
    new = series_frame(100, 1)
    new.loc[40, "a"] = np.nan  # one missing reading
    new.drop(index=[70]).to_csv(tmp_path / "new.csv", index=False)  # and one missing hour
    scores = tmp_path / "scores.csv"
    # without the option: the command line's advice names the option this command has
    message = refused(invoke("score", run, tmp_path / "new.csv", "-o", scores), "missing (NaN)")
    said = for_the_command_line(message)
    assert said.endswith("pass --handle-missing interpolate.") and not scores.exists()
    filled = ["--handle-missing", "interpolate"]
    said = ok(invoke("score", run, tmp_path / "new.csv", "-o", scores, *filled)).output
    table = pd.read_csv(scores)
    flagged = int(table["anomaly"].sum())  # said, as detect-series says it (an hourly job's)
    assert f"99 rows: {scores} ({flagged} of 99 points flagged)" in said.replace("\n", "")
    assert len(table) == 99 and np.isfinite(table["anomaly_score"]).all()  # the file's rows
    # the scores the saved model gives in Python with the option set, its own rows filled
    model = aekit.load(run / "model.safetensors").set_params(handle_missing="interpolate")
    expected = model.score_samples(pd.read_csv(tmp_path / "new.csv"))
    np.testing.assert_allclose(table["anomaly_score"], -expected, rtol=1e-6)
    out = tmp_path / "eval.json"
    ok(invoke("evaluate", run, tmp_path / "new.csv", "-o", out, "--handle-missing", "interpolate"))
    assert json.loads(out.read_text())["rows"] == 99
    # the run on disk keeps its own setting
    assert aekit.load(run / "model.safetensors").handle_missing == "error"


def test_handle_missing_is_refused_where_it_fills_nothing(tmp_path, monkeypatch):
    run = _fit(tmp_path, monkeypatch)
    new = tmp_path / "new.csv"
    series_frame(50, 1).to_csv(new, index=False)
    refused(
        invoke("score", run, new, "-o", tmp_path / "s.csv", "--handle-missing", "fill"),
        "use error or interpolate",
    )
    rows = tmp_path / "rows.csv"
    series_frame(200, 0)[["a", "b"]].to_csv(rows, index=False)
    ok(invoke("detect", rows, "--out", tmp_path / "D", "--quiet", "--param", "n_estimators=1"))
    refused(
        invoke("score", tmp_path / "D", rows, "-o", tmp_path / "s.csv", "--handle-missing",
               "interpolate"),
        "is for a series run", "leave the option out", "aekit detect --handle-missing",
    )  # fmt: skip
    assert not (tmp_path / "s.csv").exists()
    for command in ("encode", "reconstruct"):
        result = invoke(command, run, new, "-o", tmp_path / "c.csv", "--handle-missing", "error")
        assert result.exit_code == 2 and "No such option: --handle-missing" in result.output


def test_score_of_repeated_times_names_its_own_option(tmp_path, monkeypatch):
    # 'aekit score' had no --handle-missing and was told to pass it (user review); it has one
    # now (a series run's gaps filled without a refit)
    quick_series_detector(monkeypatch)
    frame = series_frame(100, 0)[["timestamp", "a"]]
    frame.to_csv(tmp_path / "s.csv", index=False)
    fitted = invoke("detect-series", tmp_path / "s.csv", "--time-column", "timestamp",
                    "--window", 12, "--out", tmp_path / "run")  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    repeated = pd.concat([frame.iloc[:41], frame.iloc[[40]].assign(a=5.0), frame.iloc[41:]])
    repeated.to_csv(tmp_path / "repeated.csv", index=False)
    result = invoke("score", tmp_path / "run", tmp_path / "repeated.csv", "-o", tmp_path / "o.csv")
    said = for_the_command_line(error_message(result.exception))
    assert "onto the regular grid with --handle-missing interpolate" in said
    fixed = ["--handle-missing", "interpolate", "-o", tmp_path / "p.csv"]
    assert invoke("score", tmp_path / "run", tmp_path / "repeated.csv", *fixed).exit_code == 0


def test_score_of_a_run_fitted_without_times_names_the_option_score_has(tmp_path, monkeypatch):
    # a run fitted on an array, given a file with a time column: told to 'pass
    # time_column='timestamp'', Python's words for an option 'aekit score' lacks
    quick_series_detector(monkeypatch)
    np.save(tmp_path / "train.npy", series_frame(200, 0)[["a", "b"]].to_numpy())
    ok(invoke("detect-series", tmp_path / "train.npy", "--window", 12, "--out", tmp_path / "run"))
    series_frame(50, 1).to_csv(tmp_path / "new.csv", index=False)
    scored = ["score", tmp_path / "run", tmp_path / "new.csv", "-o", tmp_path / "s.csv"]
    said = for_the_command_line(error_message(invoke(*scored).exception))
    assert "fitted on no time column; leave it out with --ignore-column timestamp" in said
    assert "time_column" not in said
    ok(invoke(*scored, "--ignore-column", "timestamp"))
    typed = series_frame(50, 1).assign(timestamp=lambda f: pd.to_datetime(f["timestamp"]))
    typed.to_parquet(tmp_path / "new.parquet")  # a date column typed as dates: its own message
    scored[2] = tmp_path / "new.parquet"
    said = for_the_command_line(error_message(invoke(*scored).exception))
    assert "fitted on no time column; leave it out with --ignore-column timestamp" in said
