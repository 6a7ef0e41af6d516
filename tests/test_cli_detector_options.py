"""``aekit detect``'s options reach the commands that read its run: the normal label is
recorded and read back by ``evaluate``, which can also be told one; a threshold rule refuses the
options it would ignore; a table with labels prints the figures they give."""

import json
import tomllib

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, refused
from tiny_detector import tiny_members

import aekit

QUICK = ["--param", "n_estimators=1", "--quiet", "--no-figures"]  # no test reads figures/


def _table(n=120, seed=0):
    """Two tied numbers and a category; the last 8 rows break the tie, labelled 'fraud'."""
    rng = np.random.RandomState(seed)
    a = rng.normal(size=n)
    frame = pd.DataFrame(
        {"a": a, "b": 2 * a + 0.05 * rng.normal(size=n), "kind": np.where(a > 0, "up", "down")}
    )
    frame.loc[n - 8 :, "b"] += 4.0
    frame["y"] = np.where(np.arange(n) >= n - 8, "fraud", "ok")
    return frame


@pytest.fixture(scope="module")
def quick():
    """A small member network: the commands' behaviour, not the detector's, is under test."""
    with pytest.MonkeyPatch.context() as patch:
        tiny_members(patch)
        yield


@pytest.fixture(scope="module")
def labelled_run(quick, tmp_path_factory):
    folder = tmp_path_factory.mktemp("det")
    _table().to_csv(folder / "t.csv", index=False)
    out = folder / "run"
    result = invoke(
        "detect", folder / "t.csv", "--out", out, "--label-column", "y", "--normal-label", "ok",
        "--param", "n_estimators=1", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder / "t.csv", out, result.output


def _figures(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{") :])


def test_detect_records_the_normal_label_and_evaluate_reads_it(labelled_run, recwarn):
    data, out, _ = labelled_run
    config = tomllib.loads((out / "config.toml").read_text())
    assert config["data"]["normal_label"] == "ok" and config["data"]["label_column"] == "y"
    recorded = _figures(invoke("evaluate", out, data, "--quiet"))
    assert not [w for w in recwarn if "most frequent" in str(w.message)]  # no guess
    given = _figures(invoke("evaluate", out, data, "--quiet", "--normal-label", "ok"))
    assert recorded["roc_auc"] == given["roc_auc"] > 0.9
    # the other label as normal: the anomalies are the other rows, ROC-AUC is 1 - AUC exactly
    flipped = _figures(invoke("evaluate", out, data, "--quiet", "--normal-label", "fraud"))
    assert flipped["roc_auc"] == pytest.approx(1 - given["roc_auc"])
    bad = invoke("evaluate", out, data, "--quiet", "--normal-label", "nope")
    assert isinstance(bad.exception, ValueError) and "not a label of DATA" in str(bad.exception)


def test_a_recorded_normal_label_that_data_lacks_is_not_forced(labelled_run, tmp_path):
    """Labels of another kind in the evaluated DATA (0/1 here): the recorded 'ok' does not apply,
    and the usual rule (0 is normal) does."""
    data, out, _ = labelled_run
    table = _table().assign(y=lambda f: (f["y"] == "fraud").astype(int))
    table.to_csv(tmp_path / "numeric.csv", index=False)
    numeric = _figures(invoke("evaluate", out, tmp_path / "numeric.csv", "--quiet"))
    text = _figures(invoke("evaluate", out, data, "--quiet"))
    assert numeric["roc_auc"] == pytest.approx(text["roc_auc"])


def test_detect_series_takes_and_records_the_normal_label(tmp_path, recwarn):
    from aekit.timeseries import detector as module

    t = np.arange(150)
    frame = pd.DataFrame(
        {"v": np.sin(t / 4), "y": np.where((t > 100) & (t < 106), "spike", "calm")}
    )
    frame.loc[101:105, "v"] += 3.0
    frame.to_csv(tmp_path / "s.csv", index=False)
    small = aekit.AnomalyDetector(
        estimator=aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=5),
        n_estimators=1,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "default_window_detector", lambda: small)
        result = invoke(
            "detect-series", tmp_path / "s.csv", "--window", 8, "--label-column", "y",
            "--normal-label", "calm", "--out", tmp_path / "run",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert not [w for w in recwarn if "most frequent" in str(w.message)]
    config = tomllib.loads((tmp_path / "run" / "config.toml").read_text())
    assert config["data"]["normal_label"] == "calm"
    assert "--normal-label calm" in (tmp_path / "run" / "command.txt").read_text()


def test_detect_prints_the_figures_its_labels_give(labelled_run):
    from sklearn.metrics import roc_auc_score

    _, out, printed = labelled_run
    scores = pd.read_csv(out / "scores.csv")
    auc = roc_auc_score(scores["label"] == "fraud", scores["anomaly_score"])
    assert f"ROC-AUC {auc:.4f}" in printed and "PR-AUC" in printed


@pytest.mark.parametrize(
    "options, said",
    [
        (["--threshold", "mean_std", "--contamination", "0.05"], "--contamination 0.05 has"),
        (["--param", "n_std=2"], "--param n_std=2 has"),  # the default rule reads no n_std
        (["--normal-rows", "t.csv"], "--normal-rows has"),
    ],
)
def test_a_setting_the_threshold_rule_ignores_is_warned_of_in_flags(quick, tmp_path, options, said):
    """fit warns of it (aekit.anomaly.thresholds.warn_unused_options); the command line says
    it with its own flags."""
    from aekit.cli.errors import for_the_command_line

    _table().drop(columns="y").to_csv(tmp_path / "t.csv", index=False)
    options = [str(tmp_path / o) if o == "t.csv" else o for o in options]
    with pytest.warns(UserWarning, match="no effect with threshold") as caught:
        result = invoke("detect", tmp_path / "t.csv", "--out", tmp_path / "run", *options,
                        "--param", "n_estimators=1", "--quiet")  # fmt: skip
    assert result.exit_code == 0, result.output
    line = next(for_the_command_line(str(w.message)) for w in caught if "effect" in str(w.message))
    assert line.startswith(said) and "--threshold " in line and "=" not in line.split("--param")[0]


def test_detect_series_warns_of_a_setting_its_rule_ignores(tmp_path):
    from aekit.timeseries import detector as module

    pd.DataFrame({"v": np.sin(np.arange(80) / 3)}).to_csv(tmp_path / "s.csv", index=False)
    small = aekit.AnomalyDetector(
        estimator=aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=3),
        n_estimators=1,
    )
    options = ["--contamination", "0.1", "--param", "risk=0.01", "--window", "8"]  # a rate: no risk
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "default_window_detector", lambda: small)
        with pytest.warns(UserWarning, match=r"risk=0\.01 has no effect"):
            result = invoke("detect-series", tmp_path / "s.csv", "--out", tmp_path / "r", *options)
    assert result.exit_code == 0, result.output


def test_the_validation_threshold_takes_normal_rows_from_a_file(quick, tmp_path):
    from aekit.cli.errors import for_the_command_line

    table = _table()
    table.to_csv(tmp_path / "t.csv", index=False)
    refused = invoke("detect", tmp_path / "t.csv", "--threshold", "validation", *QUICK)
    line = for_the_command_line(str(refused.exception))  # as run_cli prints it
    assert "give them with --normal-rows FILE" in line and "fit(" not in line
    clean = table[table["y"] == "ok"].iloc[:60]  # its label column is left out
    clean.to_csv(tmp_path / "clean.csv", index=False)
    out = tmp_path / "run"
    result = invoke(
        "detect", tmp_path / "t.csv", "--label-column", "y", "--normal-label", "ok",
        "--threshold", "validation",
        "--normal-rows", tmp_path / "clean.csv", "--param", "percentile=90",
        "--param", "n_estimators=1", "--out", out, "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    detector = aekit.load(out / "model.safetensors")
    rows = clean.drop(columns="y")
    assert detector.threshold_ == pytest.approx(np.percentile(detector.anomaly_score(rows), 90))


def test_info_and_help_of_a_detector_say_only_what_is_true(labelled_run):
    _, out, _ = labelled_run
    info = invoke("info", out)
    assert info.exit_code == 0, info.output
    assert "final metrics" not in info.output and "AnomalyDetector" in info.output  # no '{}'
    # its threshold and columns, which info did not show (user review)
    detector = aekit.load(out / "model.safetensors")
    lines = [" ".join(line.strip("│ ").split()) for line in info.output.splitlines()]
    assert f"threshold │ {detector.threshold_:.6g}" in lines
    assert "columns │ " + ", ".join(detector.feature_names_in_) in lines
    text = " ".join(invoke("score", "--help").output.split())
    assert "higher = more normal" in text and "anomaly_score, higher = more anomalous" in text


def test_column_messages_give_command_line_advice():
    # aekit.data.column_checks' messages are written for Python (X[[...]], "leave it out").
    from aekit.cli.errors import for_the_command_line

    order = (
        "X has the columns seen in fit in another order; pass them in fit's order: X[['a', 'b']]."
    )
    assert for_the_command_line(order, set()).endswith("put them in fit's order: a, b.")
    extra = "X has ['y'], which fit did not have (a label? leave it out). Pass the columns ..."
    assert "(a label? name it with --label-column)" in for_the_command_line(extra, {"label_column"})
    assert "(a label? drop it from DATA)" in for_the_command_line(extra, set())
    # 'aekit impute' has the column options but no --label-column (user review)
    assert "(a label, an identifier, or a column to leave out? --id-column, --ignore-column)" in (
        for_the_command_line(extra, {"id_column", "ignore_column"})
    )


def test_blank_labels_are_left_out_of_the_figures(quick, tmp_path):
    # A blank label is read as unlabelled (-1); it was then counted as an anomaly in ROC/PR.
    from aekit.cli.anomaly_labels import labelled_rows

    assert labelled_rows(np.array([0, 1, -1, 0])).tolist() == [True, True, False, True]
    assert labelled_rows(np.array([1, -1, 1])).all()  # scikit-learn's anomaly label
    assert labelled_rows(np.array(["ok", None, "bad"], dtype=object)).tolist() == [1, 0, 1]
    table = _table()
    table["y"] = (table["y"] == "fraud").astype(float)
    table.loc[3, "y"] = np.nan
    table.to_csv(tmp_path / "t.csv", index=False)
    out = tmp_path / "run"
    with pytest.warns(UserWarning, match="ha(s|ve) no label"):
        result = invoke("detect", tmp_path / "t.csv", "--label-column", "y", "--out", out, *QUICK)
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "scores.csv")
    kept = scores.drop(index=3)
    from sklearn.metrics import roc_auc_score

    expected = roc_auc_score(kept["label"] == 1, kept["anomaly_score"])
    assert f"ROC-AUC {expected:.4f}" in result.output


def test_review_wording_on_the_command_line():
    from aekit.cli.anomaly_labels import as_anomaly
    from aekit.cli.errors import for_the_command_line

    # labels read as floats: --normal-label 1 is the label 1.0
    assert as_anomaly(np.array([1.0, 2.0, 1.0]), "1").tolist() == [False, True, False]
    assert for_the_command_line("X lacks ['a']. Pass ...", set()).startswith("DATA lacks")
    assert for_the_command_line("X holds infinite values ...", set()).startswith("DATA holds")
    warning = (
        "3 of 9 rows break the one-hot group ['x', 'y'] found in fit (...). Fix them if they are "
        "errors, or refit with detect_one_hot=False (AnomalyDetector: "
        "preprocessing='standardize') to treat the columns as plain numbers."
    )
    assert "refit with --param preprocessing=standardize to treat" in for_the_command_line(
        warning, set()
    )


def test_normal_rows_errors_name_the_option_before_any_training(tmp_path):
    # They were blamed on DATA ("DATA 'missing.csv': no such file") or on X, after training.
    table = _table().drop(columns="y")
    table.to_csv(tmp_path / "t.csv", index=False)
    table.drop(columns="b").to_csv(tmp_path / "short.csv", index=False)
    base = ["detect", tmp_path / "t.csv", "--out", tmp_path / "r", "--threshold", "validation"]
    missing = invoke(*base, "--normal-rows", tmp_path / "missing.csv")
    assert f"--normal-rows {tmp_path / 'missing.csv'}: no such file" in str(missing.exception)
    short = invoke(*base, "--normal-rows", tmp_path / "short.csv")
    assert str(short.exception).endswith("it lacks ['b'].")  # was "... and has [] besides."
    table[list(table.columns[::-1])].to_csv(tmp_path / "turned.csv", index=False)
    turned = invoke(*base, "--normal-rows", tmp_path / "turned.csv")
    assert str(turned.exception).endswith("it has them in another order.")
    assert not (tmp_path / "r").exists()  # refused before the run was made


def test_blank_labels_beside_scikit_learns_minus_one_are_left_out(quick, tmp_path):
    # Labels 1 (normal) / -1 (anomaly) with blank cells: the blanks were read as -1 and so
    # counted as anomalies in every figure of detect and evaluate.
    from sklearn.metrics import roc_auc_score

    table = _table()
    table["y"] = np.where(table["y"] == "fraud", -1.0, 1.0)
    table.loc[[0, 3], "y"] = np.nan  # two normal rows without their label
    table.to_csv(tmp_path / "t.csv", index=False)
    out = tmp_path / "run"
    with pytest.warns(UserWarning, match="2 rows have no label .*: read as unlabelled"):
        result = invoke(
            "detect",
            tmp_path / "t.csv",
            "--label-column",
            "y",
            "--normal-label",
            "1",
            "--out",
            out,
            *QUICK,
        )
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "scores.csv").drop(index=[0, 3])
    expected = roc_auc_score(scores["label"] == -1, scores["anomaly_score"])
    assert f"ROC-AUC {expected:.4f}" in result.output
    anomalies = int((table["y"] == -1).sum())
    assert f"({anomalies} of {len(table) - 2} rows anomalies)" in " ".join(result.output.split())
    # evaluate of a file whose labels are 1 and blank only: -1 is a label of the RUN (detect
    # recorded it), so the blanks are no anomalies there either
    import json

    held = table[table["y"] != -1].copy()
    held.loc[held.index[:5], "y"] = np.nan
    held.to_csv(tmp_path / "held.csv", index=False)
    with pytest.warns(UserWarning, match="read as unlabelled\\.$"):
        again = invoke("evaluate", out, tmp_path / "held.csv", "--label-column", "y", "--quiet")
    assert again.exit_code == 0, again.output
    figures = json.loads(again.output[again.output.index("{") :])
    assert "roc_auc" not in figures  # every labelled row normal: nothing to rank


def test_a_date_column_is_refused_naming_ignore_column(quick, tmp_path):
    # The advice was Python's ("drop it", ".dt.hour"); the command line leaves a column out
    # with --ignore-column.
    from aekit.cli.errors import for_the_command_line

    table = _table().drop(columns="y")
    table["when"] = pd.date_range("2024-01-01", periods=len(table), freq="h")
    table.to_parquet(tmp_path / "typed.parquet")
    table.assign(when=table["when"].astype(str)).to_csv(tmp_path / "text.csv", index=False)
    for data in ("typed.parquet", "text.csv"):
        result = invoke("detect", tmp_path / data, "--out", tmp_path / data[:4], *QUICK)
        said = refused(result, "column 'when' holds dates")
        message = for_the_command_line(said, {"ignore_column"})
        assert "or leave it out with --ignore-column when" in message
        assert ".dt." not in message and "astype" not in message
    # dates as text may be codes ('2024.06.14' a version): the option that keeps them so
    assert message.endswith("keep them as categories with --category-column when."), message
    kept = ["--category-column", "when", "--out", tmp_path / "kept", *QUICK]
    with pytest.warns(UserWarning, match="'when' has 120 distinct values"):  # an hour a row
        assert invoke("detect", tmp_path / "text.csv", *kept).exit_code == 0


def test_none_flagged_without_a_rate_says_how_to_flag_some(quick, tmp_path):
    # "0 of 600 rows flagged" (a new user's table) read as "no anomalies" where 5% of the rows
    # were subtle ones
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(300, 3)), columns=list("abc"))
    frame.to_csv(tmp_path / "c.csv", index=False)
    said = invoke("detect", tmp_path / "c.csv", "--out", tmp_path / "run", *QUICK).output
    assert "0 of 300 rows flagged" in said and "give --contamination RATE" in said, said
    rated = [*QUICK, "--contamination", "0.01", "--out", tmp_path / "rated"]
    said = invoke("detect", tmp_path / "c.csv", *rated).output
    assert "3 of 300 rows flagged" in said and "--contamination RATE" not in said, said
    # under another rule a rate alone does nothing: the rule is named with it
    said = invoke(
        "detect", tmp_path / "c.csv", *QUICK, "--threshold", "pot", "--out", tmp_path / "p"
    )
    assert "give --threshold contamination --contamination RATE" in said.output, said.output


def test_evaluate_says_which_label_it_took_as_normal_before_that_detect_never_saw_it(
    quick, tmp_path
):
    # "the normal label 'ok' is not one detect saw" came before "taking the most frequent
    # label 'ok' as normal", which says where 'ok' came from
    import warnings

    frame = _table()
    frame.assign(y=(frame["y"] == "fraud").astype(int)).to_csv(tmp_path / "t.csv", index=False)
    args = ["--label-column", "y", "--out", tmp_path / "run", *QUICK]
    assert invoke("detect", tmp_path / "t.csv", *args).exit_code == 0
    frame.to_csv(tmp_path / "text.csv", index=False)  # ok / fraud for 0 / 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("evaluate", tmp_path / "run", tmp_path / "text.csv", "--label-column", "y")
    assert result.exit_code == 0, result.output
    said = [str(w.message) for w in caught]
    taken = next(i for i, s in enumerate(said) if s.startswith("taking the most frequent label"))
    unseen = next(i for i, s in enumerate(said) if "is not one detect saw" in s)
    assert taken < unseen, said


def test_score_says_when_far_more_new_rows_are_flagged_than_training_rows(quick, tmp_path):
    # a new user's rows shifted by 1.5 standard deviations: 21% flagged, and nothing said
    rng = np.random.default_rng(0)
    for name, shift in (("train", 0.0), ("same", 0.0), ("moved", 3.0)):
        frame = pd.DataFrame(rng.normal(shift, 1.0, size=(300, 3)), columns=list("abc"))
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    assert (
        invoke("detect", tmp_path / "train.csv", "--out", tmp_path / "run", *QUICK).exit_code == 0
    )
    same = invoke("score", tmp_path / "run", tmp_path / "same.csv", "-o", tmp_path / "s.csv")
    assert same.exit_code == 0 and "drift" not in same.output, same.output
    moved = invoke("score", tmp_path / "run", tmp_path / "moved.csv", "-o", tmp_path / "m.csv")
    flagged = int(pd.read_csv(tmp_path / "m.csv")["anomaly"].sum())
    assert f"{flagged} of these 300 rows are flagged" in moved.output, moved.output
    assert f"if the data have moved since {tmp_path / 'run'} was fitted (drift)" in moved.output
