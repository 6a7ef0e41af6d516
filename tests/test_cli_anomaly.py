"""``aekit detect`` and ``aekit score`` on a detector run."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, refused
from conftest import DEVICE
from sklearn.metrics import roc_auc_score

import aekit
import aekit.cli

QUICK = ["--param", "n_estimators=1"]


def _table(n=200, seed=0):
    """Two correlated numbers and a category tied to them; the last 5 rows break the ties."""
    rng = np.random.RandomState(seed)
    a = rng.normal(size=n)
    frame = pd.DataFrame(
        {"a": a, "b": 2 * a + 0.05 * rng.normal(size=n), "kind": np.where(a > 0, "up", "down")}
    )
    frame.loc[n - 5 :, "b"] += 4.0
    frame["is_anomaly"] = (np.arange(n) >= n - 5).astype(int)
    return frame


@pytest.fixture(scope="module")
def detector_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("detect")
    data = folder / "table.csv"
    _table().to_csv(data, index=False)
    out = folder / "run"
    result = invoke(
        "detect", data, "--out", out, "--contamination", "0.025", "--label-column", "is_anomaly",
        *QUICK,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return data, out, result.output


def test_detect_writes_model_scores_and_figures(detector_run):
    data, out, printed = detector_run
    assert (out / "figures" / "score_histogram.png").stat().st_size > 0
    assert (out / "figures" / "roc_pr.png").stat().st_size > 0
    assert (out / "figures" / "loss_curves.png").stat().st_size > 0  # the members' training
    scores = pd.read_csv(out / "scores.csv")
    columns = ["anomaly_score", "anomaly", "probability", "top_features", "label"]
    assert list(scores.columns) == columns
    assert scores["anomaly"].mean() == pytest.approx(0.025, abs=0.006)
    flagged = set(scores.index[scores["anomaly"]])
    breaking = set(range(195, 200))  # the 5 rows that break the a-b relation
    # 3 of them flagged at the 2.5% cut, all 5 among the 10 highest scores (ROC-AUC ~0.98).
    # The cross-validated defaults (input term: mean distance to the 3 nearest rows) let two of
    # the five, each other's near neighbours, sit just below the sparsest normal rows of this
    # 200-row toy; the previous defaults (k = 3%) flagged 4 and had all 5 in the top 6.
    assert len(flagged & breaking) >= 3
    assert breaking <= set(scores["anomaly_score"].nlargest(10).index)  # highest = most anomalous
    threshold = aekit.load(out / "model.safetensors").threshold_  # the printed threshold's scale
    assert (scores["anomaly"] == (scores["anomaly_score"] > threshold)).all()
    # the printed line: the ranking against the labels, and how these flags match them
    recall = len(flagged & breaking) / len(breaking)
    precision = len(flagged & breaking) / len(flagged)
    assert f"flags: precision {precision:.3f}, recall {recall:.3f}" in printed
    top_two = scores["top_features"][195:].str.split(";").str[:2]
    assert all({"a", "b"} & set(names) for names in top_two)  # the broken relation shows
    detector = aekit.load(out / "model.safetensors", device=DEVICE)
    assert isinstance(detector, aekit.AnomalyDetector)


def test_score_on_a_detector_run(detector_run, tmp_path):
    data, out, _ = detector_run
    output = tmp_path / "scores.csv"
    result = invoke("score", out, data, "-o", output, "--label-column", "is_anomaly")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(output)
    np.testing.assert_allclose(
        scores["anomaly_score"], pd.read_csv(out / "scores.csv")["anomaly_score"]
    )
    assert scores["top_features"].str.split(";").str.len().eq(3).all()
    # without --label-column: the run recorded it, so it is left out of the features again
    again = invoke("score", out, data, "-o", tmp_path / "again.csv")
    assert again.exit_code == 0, again.output
    np.testing.assert_allclose(
        pd.read_csv(tmp_path / "again.csv")["anomaly_score"], scores["anomaly_score"]
    )


def test_evaluate_on_a_detector_run_reports_its_auc(detector_run, tmp_path):
    """The detector's figures against DATA's labels: its ROC-AUC equals sklearn's on the scores
    of ``aekit score`` (the 5 rows that break the ties are found)."""
    import json

    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    data, out, _ = detector_run
    result = invoke("evaluate", out, data, "--label-column", "is_anomaly", "--quiet")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    scores = aekit.load(out / "model.safetensors", device=DEVICE).score_samples(
        pd.read_csv(data).drop(columns="is_anomaly")
    )
    truth = _table()["is_anomaly"].to_numpy()
    assert figures["roc_auc"] == pytest.approx(roc_auc_score(truth, -scores))
    assert figures["roc_auc"] > 0.9
    anomaly_scores = pd.read_csv(out / "scores.csv")["anomaly_score"]  # the same sign
    assert figures["mean_score"] == pytest.approx(scores.mean())  # score_samples' sign
    assert figures["mean_anomaly_score"] == pytest.approx(-scores.mean())
    assert figures["mean_anomaly_score"] == pytest.approx(anomaly_scores.mean(), rel=1e-5)
    # the threshold's figures are those of the flags scores.csv holds for the same rows
    flags = pd.read_csv(out / "scores.csv")["anomaly"].to_numpy()
    assert 0 < figures["flagged"] == flags.sum() < len(flags)
    assert figures["recall"] == pytest.approx(recall_score(truth, flags))
    assert figures["precision"] == pytest.approx(precision_score(truth, flags))
    assert figures["f1"] == pytest.approx(f1_score(truth, flags))


def test_evaluate_of_rows_of_one_label_says_what_it_cannot_give(detector_run, tmp_path):
    # evaluate draws no figure, yet it warned "no ROC/PR curves drawn" of labels all normal
    data, out, _ = detector_run
    normal = tmp_path / "normal.csv"
    pd.read_csv(data).assign(is_anomaly=0).to_csv(normal, index=False)
    with pytest.warns(UserWarning) as said:
        result = invoke("evaluate", out, normal, "--label-column", "is_anomaly", "--quiet")
    assert result.exit_code == 0, result.output
    assert "roc_auc" not in json.loads(result.output[result.output.index("{") :])
    told = [str(w.message) for w in said if "same label" in str(w.message)]
    assert len(told) == 1 and "no ROC-AUC or PR-AUC" in told[0] and "drawn" not in told[0]


def test_a_param_that_has_its_own_option_is_refused(tmp_path):
    data = tmp_path / "table.csv"
    _table().drop(columns="is_anomaly").to_csv(data, index=False)
    for pair, flag, given in (
        ("handle_missing=True", "--handle-missing", []),
        ("random_state=3", "--seed", ["--seed", 2]),  # alone it sets the seed, as in train
    ):
        result = invoke("detect", data, "--out", tmp_path / "run", "--param", pair, *given)
        # a ValueError: aekit prints it as one line and exits 2 (test below)
        assert isinstance(result.exception, ValueError) and flag in str(result.exception)
        assert not (tmp_path / "run").exists()


def test_a_param_can_be_none(tmp_path):
    data = tmp_path / "table.csv"
    _table().drop(columns=["is_anomaly", "kind"]).to_csv(data, index=False)  # numbers only
    pairs = ["--param", "preprocessing=None", "--param", "max_samples=none", "--quiet"]
    result = invoke("detect", data, "--out", tmp_path / "run", *pairs)
    assert result.exit_code == 0, result.output
    detector = aekit.load(tmp_path / "run" / "model.safetensors")
    assert detector.preprocessing is None and detector.max_samples is None


def test_detect_bad_input_is_one_line_exit_2(tmp_path, capsys):
    data = tmp_path / "nan.csv"
    frame = _table()
    frame.loc[3, "a"] = np.nan
    frame.to_csv(data, index=False)
    out = tmp_path / "run"
    # aekit.cli.run: the aekit process's status and stderr, without a process importing torch
    status = aekit.cli.run(["detect", data, "--out", out, "--label-column", "is_anomaly"])
    stderr = capsys.readouterr().err
    assert status == 2
    assert stderr.startswith("aekit: error: ") and "--handle-missing" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()  # nothing half-written
    bad = invoke("detect", data, "--out", out, "--contamination", "lots")
    assert bad.exit_code != 0 and "contamination" in str(bad.exception)


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    """``aekit detect digits``: a detector run fitted on images (the digits load as 1x8x8)."""
    out = tmp_path_factory.mktemp("digits") / "DET"
    result = invoke("detect", "digits", "--out", out, "--param", "n_estimators=1")
    assert result.exit_code == 0, result.output
    return out


def test_detect_takes_images_as_rows_of_pixels(digits_run, tmp_path):
    """The bundled digits load as 1x8x8 images; the detector scores their 64 pixels as columns
    instead of refusing a 4-D table."""
    scores = pd.read_csv(digits_run / "scores.csv")
    assert len(scores) == 1797 and scores["anomaly_score"].notna().all()
    rescored = invoke("score", digits_run, "digits", "-o", tmp_path / "again.csv")
    assert rescored.exit_code == 0, rescored.output
    np.testing.assert_allclose(
        pd.read_csv(tmp_path / "again.csv")["anomaly_score"], scores["anomaly_score"], rtol=1e-6
    )


def test_evaluate_takes_images_as_rows_of_pixels(digits_run):
    # evaluate read the images as 4-D and the detector refused them ("X must be a 2-D table")
    result = invoke("evaluate", digits_run, "digits", "--normal-label", "0", "--quiet")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    scores = pd.read_csv(digits_run / "scores.csv")["anomaly_score"]
    assert figures["rows"] == 1797 and figures["roc_auc"] > 0.5
    assert figures["mean_anomaly_score"] == pytest.approx(scores.mean(), rel=1e-6)


def test_score_of_another_width_names_the_widths(digits_run, tmp_path):
    # an array DATA of another width met pandas' "Length mismatch: Expected axis has 6 elements"
    np.save(tmp_path / "six.npy", np.zeros((4, 6), np.float32))
    for command in (["score", digits_run, tmp_path / "six.npy", "-o", tmp_path / "s.csv"],
                    ["evaluate", digits_run, tmp_path / "six.npy"]):  # fmt: skip
        result = invoke(*command, "--quiet")
        assert result.exit_code != 0
        message = str(result.exception)
        assert "has 6 features" in message and "expecting 64" in message, message
        assert not (tmp_path / "s.csv").exists()


def test_detect_says_which_dummies_it_models_as_categorical(tmp_path):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"amount": rng.normal(size=200)})
    table = table.join(pd.get_dummies(pd.Series(rng.choice(list("xyz"), 200), name="k")))
    table.to_csv(tmp_path / "d.csv", index=False)
    result = invoke("detect", tmp_path / "d.csv", "--out", tmp_path / "run", "--quiet")
    assert result.exit_code == 0, result.output
    assert "one-hot columns modelled as categorical: x..z (3 columns)" in result.output


def test_score_ranks_a_row_with_an_unseen_category_first(detector_run, tmp_path):
    """A category never seen in training: the written columns agree (inf score above the
    threshold, flag, probability 1), the unseen cell is named once and first, and the other
    rows score as they do without it."""
    data, out, _ = detector_run
    new = _table().drop(columns="is_anomaly").iloc[:20].copy()
    new.loc[3, "kind"] = "sideways"
    new.to_csv(tmp_path / "new.csv", index=False)
    with pytest.warns(UserWarning, match="not seen in training"):
        result = invoke("score", out, tmp_path / "new.csv", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(tmp_path / "s.csv")
    row = scores.loc[3]
    assert row["anomaly_score"] == np.inf and row["anomaly"] and row["probability"] == 1.0
    assert scores["anomaly_score"].idxmax() == 3  # a sort by score shows it first
    names = row["top_features"].split(";")
    assert names[0] == "kind=sideways (unseen)" and len(names) == 3
    assert "kind" not in names[1:] and set(names[1:]) == {"a", "b"}
    alone = invoke("score", out, data, "-o", tmp_path / "all.csv")  # the same rows, all known
    assert alone.exit_code == 0, alone.output
    known = pd.read_csv(tmp_path / "all.csv").iloc[:20].drop(index=3)
    np.testing.assert_allclose(scores.drop(index=3)["anomaly_score"], known["anomaly_score"])


def test_evaluate_ranks_an_unseen_category_as_score_does(detector_run, tmp_path):
    # evaluate refused the file that score scores ("not seen in fit"); now the row ranks first
    # (inf), its label counts, and the means are over the rows the model can score.
    data, out, _ = detector_run
    new = _table().iloc[150:].copy()  # 45 normal rows and the 5 planted anomalies
    new.loc[150, ["kind", "is_anomaly"]] = ["sideways", 1]
    new.to_csv(tmp_path / "new.csv", index=False)
    with pytest.warns(UserWarning, match="not seen in training"):
        result = invoke("evaluate", out, tmp_path / "new.csv", "--label-column", "is_anomaly")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    assert figures["rows_with_unseen_category"] == 1
    with pytest.warns(UserWarning, match="not seen in training"):
        known = invoke("score", out, tmp_path / "new.csv", "-o", tmp_path / "s.csv")
    scores = pd.read_csv(tmp_path / "s.csv")["anomaly_score"]
    assert figures["mean_anomaly_score"] == pytest.approx(scores.iloc[1:].mean(), rel=1e-5)
    ranked = scores.replace(np.inf, scores[np.isfinite(scores)].max() + 1)
    assert known.exit_code == 0
    assert figures["roc_auc"] == pytest.approx(roc_auc_score(new["is_anomaly"], ranked))


def test_score_refuses_a_npy_output_of_a_detector_before_reading_data(detector_run, tmp_path):
    # It was refused by the writer, after the first chunk was scored.
    _, out, _ = detector_run
    result = invoke("score", out, tmp_path / "no-such.csv", "-o", tmp_path / "s.npy")
    assert result.exit_code != 0
    assert "hold text (its top_features or top_channel)" in str(result.exception)
    assert not (tmp_path / "s.npy").exists()


def test_evaluate_says_the_flags_without_labels_and_on_normal_rows_alone(detector_run, tmp_path):
    # On a clean hold-out (every label normal) or unlabelled rows the number flagged is the
    # figure wanted (false alarms); evaluate printed only the mean scores there.
    import json

    data, out, _ = detector_run
    table = pd.read_csv(data)
    flags = pd.read_csv(out / "scores.csv")["anomaly"].to_numpy()
    threshold = aekit.load(out / "model.safetensors", device=DEVICE).threshold_
    normal = table[~table["is_anomaly"].astype(bool)]
    normal.to_csv(tmp_path / "normal.csv", index=False)
    table.drop(columns="is_anomaly").to_csv(tmp_path / "unlabelled.csv", index=False)
    for path, expected in (
        (tmp_path / "normal.csv", flags[normal.index].sum()),
        (tmp_path / "unlabelled.csv", flags.sum()),
    ):
        result = invoke("evaluate", out, path, "--quiet")
        assert result.exit_code == 0, result.output
        figures = json.loads(result.output[result.output.index("{") :])
        assert figures["flagged"] == expected
        assert figures["threshold"] == pytest.approx(threshold)
        assert "roc_auc" not in figures


def test_a_column_named_like_a_label_is_said_when_no_label_column_is_given(tmp_path):
    # Without --label-column a 'label' column was a feature, silently: the answer leaked into
    # every score.
    table = _table().rename(columns={"is_anomaly": "Label"})
    table.to_csv(tmp_path / "t.csv", index=False)
    for command in (["detect", *QUICK, "--no-figures"], ["train", "--epochs", "1", "--no-figures"]):
        with pytest.warns(
            UserWarning, match="'Label' is named like a label .* --ignore-column Label"
        ):
            result = invoke(*command, tmp_path / "t.csv", "--out", tmp_path / command[0])
        assert result.exit_code == 0, result.output
    table.rename(columns={"Label": "y"}).to_csv(tmp_path / "y.csv", index=False)
    with warnings.catch_warnings():  # 'y' is a coordinate as often as a label: no word
        warnings.simplefilter("error", UserWarning)
        result = invoke(
            "detect", tmp_path / "y.csv", *QUICK, "--out", tmp_path / "y", "--quiet", "--no-figures"
        )
    assert result.exit_code == 0, result.output
    for option in ("--label-column", "--ignore-column"):
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            result = invoke(
                "detect",
                tmp_path / "t.csv",
                option,
                "Label",
                *QUICK,
                "--out",
                tmp_path / option,
                "--quiet",
                "--no-figures",
            )
        assert result.exit_code == 0, result.output


def test_a_file_with_fits_columns_in_another_order_is_read_by_name(detector_run, tmp_path):
    # "DATA has the columns seen in fit in another order; put them in fit's order": a file's
    # columns are named, so they are matched by name, as aekit serve matches a request's.
    import json

    data, out, _ = detector_run
    table = pd.read_csv(data)
    table[list(reversed(table.columns))].to_csv(tmp_path / "reversed.csv", index=False)
    for path, scores in (
        (data, "in_order.csv"),
        (tmp_path / "reversed.csv", "scores_reversed.csv"),
    ):
        assert invoke("score", out, path, "-o", tmp_path / scores).exit_code == 0
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "in_order.csv"), pd.read_csv(tmp_path / "scores_reversed.csv")
    )
    said = [invoke("evaluate", out, path, "--quiet") for path in (data, tmp_path / "reversed.csv")]
    assert [json.loads(r.output[r.output.index("{") :]) for r in said] == [
        json.loads(said[0].output[said[0].output.index("{") :])
    ] * 2
    train = invoke(
        "train", data, "--epochs", "1", "--out", tmp_path / "ae", "--quiet", "--no-figures"
    )
    assert train.exit_code == 0, train.output
    for path, codes in ((data, "a.csv"), (tmp_path / "reversed.csv", "b.csv")):
        assert invoke("encode", tmp_path / "ae", path, "-o", tmp_path / codes).exit_code == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a.csv"), pd.read_csv(tmp_path / "b.csv"))


@pytest.mark.parametrize(
    "cell, words",
    [
        ("1.2.3", "holds numbers but also text ('1.2.3' in data row 40, 0-based); fix those cells"),
        ("?", "holds '?' among numbers in 1 row (the first: data row 40, 0-based): if '?' marks"),
    ],
)
def test_detect_refuses_text_among_numbers_as_train_does(tmp_path, cell, words):
    # the detector alone warns and makes each number of the column a category of its own
    values = np.random.RandomState(0).randn(100).round(3).astype(object)
    values[40] = cell
    data = tmp_path / "typo.csv"
    pd.DataFrame({"a": values, "b": np.arange(100) % 7}).to_csv(data, index=False)
    refused(invoke("detect", data, "--out", tmp_path / "run"), words)
    assert not (tmp_path / "run").exists()


def test_a_normal_label_without_labels_is_refused(tmp_path):
    # --normal-label 0 for DATA without labels was accepted and did nothing
    from cli_helpers import invoke, refused

    rng = np.random.default_rng(0)
    pd.DataFrame(rng.random((60, 3)), columns=list("abc")).to_csv(tmp_path / "t.csv", index=False)
    said = refused(
        invoke("detect", tmp_path / "t.csv", "--normal-label", "0", "--out", tmp_path / "R"),
        "--normal-label 0 names a label, but DATA has none",
        "--label-column",
    )
    assert not (tmp_path / "R").exists(), said
