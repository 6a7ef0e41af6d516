"""``aekit evaluate``'s labels: the options that give them, where they change no figure, and
the labels of an array DATA from a file beside it (``--labels FILE``)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.data.datasets import load_digits

X, Y = load_digits()
ROWS = 120


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """digits as a table (with its label column) and as an array, and a plain autoencoder run
    trained on the table."""
    folder = tmp_path_factory.mktemp("evaluate")
    frame = pd.DataFrame(X[:ROWS], columns=[f"p{i}" for i in range(64)])
    frame["digit"] = Y[:ROWS]
    frame.to_csv(folder / "rows.csv", index=False)
    np.save(folder / "rows.npy", X[:ROWS].astype(np.float32))
    ae = ["--model", "ae", "--epochs", "1", "--param", "hidden_layer_sizes=[16]", "--quiet"]
    ok(invoke("train", folder / "rows.csv", "--label-column", "digit", *ae, "--no-figures",
              "--out", folder / "ae"))  # fmt: skip
    return folder


def figures(result) -> dict:
    return json.loads(result.output[result.output.index("{") :])


def test_label_options_that_change_no_figure_are_said(folder):
    # a VAE's figures (its ELBO, NLL) take no labels: the options were ignored unsaid
    vae = ["--model", "vae", "--epochs", "1", "--param", "hidden_layer_sizes=[16]", "--quiet"]
    ok(invoke("train", folder / "rows.csv", "--label-column", "digit", *vae, "--no-figures",
              "--out", folder / "vae"))  # fmt: skip
    args = ["evaluate", folder / "vae", folder / "rows.csv", "--quiet", "--n-samples", "2"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none given: nothing said
        plain = figures(ok(invoke(*args)))
    given = [*args, "--label-column", "digit", "--normal-label", "0"]
    with pytest.warns(UserWarning) as said:
        labelled = figures(ok(invoke(*given)))
    messages = [str(w.message) for w in said]
    assert len(messages) == 1, messages
    assert messages[0].startswith(
        "--label-column and --normal-label change nothing for this run: a "
        "VariationalAutoencoder's figures take no labels"
    ), messages
    assert labelled == plain  # so they do


def test_a_plain_autoencoder_given_labels_has_its_errors_roc_auc(folder):
    # labels gave an autoencoder run nothing but the warning that they change nothing, though
    # its reconstruction error is the anomaly score the README ranks images by
    from sklearn.metrics import average_precision_score, roc_auc_score

    args = ["evaluate", folder / "ae", folder / "rows.csv", "--quiet", "--label-column", "digit"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the labels are used: nothing said of them
        result = figures(ok(invoke(*args, "--normal-label", "3")))
    frame = pd.read_csv(folder / "rows.csv")
    ok(invoke("score", folder / "ae", folder / "rows.csv", "-o", folder / "ae.csv", "--quiet"))
    errors = pd.read_csv(folder / "ae.csv")["reconstruction_error"]  # aekit score's column
    anomalous = frame["digit"].to_numpy() != 3  # detect's convention: all but the normal label
    assert result["ranked_by"] == "reconstruction_error"
    assert result["roc_auc"] == pytest.approx(roc_auc_score(anomalous, errors))
    assert result["pr_auc"] == pytest.approx(average_precision_score(anomalous, errors))
    assert "flagged" not in result and "threshold" not in result  # no threshold to judge
    # without --normal-label, detect's rule: 0 is the normal label
    ruled = figures(ok(invoke(*args)))
    assert ruled["roc_auc"] == pytest.approx(roc_auc_score(frame["digit"] != 0, errors))


def test_a_plain_autoencoder_judged_only_by_labels_typed_in_the_call(folder, tmp_path):
    # a review: the RUN's recorded label column (the digits' classes, no anomalies) gave an AUC
    # unasked, with a warning that 90% of the rows were anomalies; a recorded continuous target
    # column left out of the features made evaluate fail
    run, data = folder / "ae", folder / "rows.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = figures(ok(invoke("evaluate", run, data, "--quiet")))
    assert "roc_auc" not in plain and "ranked_by" not in plain
    frame = pd.read_csv(data).assign(price=np.linspace(1.0, 9.0, ROWS))  # continuous
    frame.drop(columns="digit").to_csv(tmp_path / "prices.csv", index=False)
    quick = ["--model", "ae", "--epochs", "1", "--param", "hidden_layer_sizes=[16]", "--quiet"]
    ok(invoke("train", tmp_path / "prices.csv", "--label-column", "price", *quick,
              "--no-figures", "--out", tmp_path / "R"))  # fmt: skip
    assert "roc_auc" not in figures(ok(invoke("evaluate", tmp_path / "R", tmp_path / "prices.csv")))


@pytest.fixture(scope="module")
def detector(folder):
    """A detector run trained on the array (a quick one: one member)."""
    out = folder / "det"
    ok(invoke("detect", folder / "rows.npy", "--out", out, "--param", "n_estimators=1",
              "--quiet"))  # fmt: skip
    return out


def test_labels_of_an_array_come_from_a_file(folder, detector):
    # an array has no label column: its detector's ROC-AUC could not be had at all
    from sklearn.metrics import roc_auc_score

    import aekit

    truth = (Y[:ROWS] == 3).astype(int)
    np.save(folder / "truth.npy", truth)
    pd.DataFrame({"is_three": truth}).to_csv(folder / "truth.csv", index=False)
    (folder / "truth.txt").write_text("".join(f"{v}\n" for v in truth))
    scores = aekit.load(detector / "model.safetensors").score_samples(X[:ROWS])
    expected = roc_auc_score(truth, -scores)
    for name in ("truth.npy", "truth.csv", "truth.txt"):
        args = ["evaluate", detector, folder / "rows.npy", "--labels", folder / name, "--quiet"]
        assert figures(ok(invoke(*args)))["roc_auc"] == pytest.approx(expected), name
    # a blank line of a text file is an unlabelled row, left out as a blank cell is
    (folder / "gap.txt").write_text("\n" + "".join(f"{v}\n" for v in truth[1:]))
    args = ["evaluate", detector, folder / "rows.npy", "--labels", folder / "gap.txt", "--quiet"]
    with pytest.warns(UserWarning, match="1 row has no label"):
        gap = figures(ok(invoke(*args)))
    assert gap["roc_auc"] == pytest.approx(roc_auc_score(truth[1:], -scores[1:]))


def test_labels_of_another_length_or_a_label_column_of_an_array_are_refused(folder, detector):
    np.save(folder / "short.npy", np.zeros(ROWS - 1, dtype=int))
    data = folder / "rows.npy"
    short = invoke("evaluate", detector, data, "--labels", folder / "short.npy", "--quiet")
    refused(short, f"{ROWS - 1} labels", f"{ROWS} rows")
    column = invoke("evaluate", detector, data, "--label-column", "y", "--quiet")
    refused(column, "--label-column y", "--labels FILE", "no columns")
    np.save(folder / "wide.npy", np.zeros((ROWS, 2), dtype=int))
    refused(invoke("evaluate", detector, data, "--labels", folder / "wide.npy"), "one label")
    table = invoke("evaluate", folder / "ae", folder / "rows.csv", "--labels", folder / "wide.npy")
    refused(table, "--labels", "--label-column")


def test_the_runs_normal_label_holds_when_new_rows_have_none_of_it(tmp_path):
    # detect recorded --normal-label ok; new rows all labelled otherwise: evaluate took their
    # most frequent label ('worse', never seen by detect) as normal and printed a ROC-AUC of it
    rng = np.random.default_rng(0)
    rows = pd.DataFrame(rng.normal(size=(80, 3)), columns=list("abc"))
    rows.assign(kind=np.where(np.arange(80) < 70, "ok", "bad")).to_csv(tmp_path / "t.csv",
                                                                         index=False)  # fmt: skip
    new = rows[:30].assign(kind=["bad"] * 10 + ["worse"] * 20)
    new.to_csv(tmp_path / "new.csv", index=False)
    ok(invoke("detect", tmp_path / "t.csv", "--label-column", "kind", "--normal-label", "ok",
              "--param", "n_estimators=1", "--quiet", "--out", tmp_path / "det"))  # fmt: skip
    for given in ([], ["--normal-label", "ok"]):
        with pytest.warns(UserWarning) as said:
            result = ok(invoke("evaluate", tmp_path / "det", tmp_path / "new.csv", *given))
        messages = [str(w.message) for w in said]
        assert "roc_auc" not in figures(result), messages
        assert any(m.startswith("no row has the normal label 'ok', so every row is an anomaly")
                   for m in messages), messages  # fmt: skip
        assert not any("most frequent" in m for m in messages), messages


def test_the_runs_normal_label_holds_for_labels_read_as_floats():
    # a blank label cell makes pandas read 0/1 as 0.0/1.0: the recorded '1' was missed and the
    # rule took 0.0 as normal, inverting the run's labels
    from aekit.cli.anomaly_labels import as_anomaly

    anomalous = as_anomaly([0.0, 1.0, 1.0], None, recorded="1", seen=["0", "1"])
    assert anomalous.tolist() == [True, False, False]


def test_the_rules_label_holds_for_labels_detect_saw_and_keeps_its_warnings():
    from aekit.cli.anomaly_labels import as_anomaly

    digits = np.arange(100) % 10  # '0' by the rule: 90 of 100 rows anomalies, said so
    with pytest.warns(UserWarning, match="taking the label '0' as normal makes 90 of 100"):
        as_anomaly(digits, None, seen=[str(d) for d in range(10)], ruled="0")
    # labels of another convention sharing a value: scikit-learn's 1 = normal (the rule's
    # label of detect's rows), new rows 0/1 with 1 = anomaly: the rule on the new rows
    new = np.array([0] * 90 + [1] * 10)
    assert as_anomaly(new, None, seen=["-1", "1"], ruled="1").sum() == 10


def test_continuous_labels_are_refused_not_each_a_label_of_its_own():
    # 0/1 plus noise: the most frequent value was normal, 549 of 550 rows anomalies, and a
    # ROC-AUC of 0.534 printed (user review)
    from aekit.cli.anomaly_labels import as_anomaly

    noisy = np.random.default_rng(0).integers(0, 2, 200) + np.random.default_rng(1).random(200)
    with pytest.raises(ValueError, match=r"the labels look continuous \(200 distinct values"):
        as_anomaly(noisy, None)
    many_classes = np.arange(200) % 50  # whole numbers: classes, however many
    assert as_anomaly(many_classes, "0").sum() == 196
    assert as_anomaly([0.5, 1.5, 0.5], None).tolist() == [False, True, False]  # few: labels
    codes = np.repeat(250.01 + np.arange(22) / 100, 5)  # ICD-like codes repeat: classes
    assert as_anomaly(codes, None).sum() == 105
    assert as_anomaly(noisy, str(noisy[0])).sum() == 199  # a normal label named: classes


def test_with_nothing_flagged_precision_is_undefined_not_zero():
    # scikit-learn's zero_division=0 printed "precision 0.000": every flag wrong, of none
    from aekit.cli.detection_figures import detection_figures, label_line

    anomalous = np.array([0, 0, 1, 0, 1], dtype=bool)
    figures = detection_figures(np.arange(5.0), anomalous, flagged=np.zeros(5, dtype=bool))
    assert figures["flagged"] == 0 and figures["precision"] is None
    assert figures["recall"] == 0 and figures["f1"] == 0
    assert "flags: no rows flagged, recall 0 " in label_line("y", figures)
    json.dumps(figures)  # null in evaluate's JSON
    some = detection_figures(np.arange(5.0), anomalous, flagged=anomalous)
    assert some["precision"] == 1 and "precision 1.000, recall 1.000" in label_line("y", some)


def test_the_normal_label_detect_took_by_its_rule_is_the_one_evaluate_reads(tmp_path):
    # detect took the most frequent label ('ok') without --normal-label and recorded nothing;
    # evaluate chose again from new rows, mostly anomalies, and read 'bad' as normal (ROC-AUC
    # 0.205 where the run with --normal-label ok gave 0.795; user review)
    rng = np.random.default_rng(0)
    ok_rows, bad_rows = rng.normal(size=(150, 4)), rng.normal(5.0, 1.0, size=(60, 4))

    def table(good: int, bad: int):
        rows = np.vstack([ok_rows[:good], bad_rows[:bad]])
        return pd.DataFrame(rows, columns=list("abcd")).assign(y=["ok"] * good + ["bad"] * bad)

    table(120, 10).to_csv(tmp_path / "train.csv", index=False)
    mostly_bad = table(150, 60).iloc[120:]  # 30 'ok', 60 'bad'
    mostly_bad.to_csv(tmp_path / "new.csv", index=False)
    with pytest.warns(UserWarning, match="taking the most frequent label 'ok' as normal"):
        ok(invoke("detect", tmp_path / "train.csv", "--label-column", "y", "--out",
                  tmp_path / "DT", "--param", "n_estimators=1", "--quiet"))  # fmt: skip
    assert 'normal_label_by_rule = "ok"' in (tmp_path / "DT" / "config.toml").read_text()
    # the rule's label, not the new rows' most frequent: said as the rule's, with its share
    with pytest.warns(UserWarning, match="taking the label 'ok' as normal makes 60 of 90") as w:
        said = figures(ok(invoke("evaluate", tmp_path / "DT", tmp_path / "new.csv",
                                 "--label-column", "y", "--quiet")))  # fmt: skip
    assert not [m for m in w if "most frequent" in str(m.message)]
    assert said["roc_auc"] > 0.9, said  # the shifted 'bad' rows are the anomalies


def test_a_feature_taken_out_by_an_option_and_labels_of_one_class_are_said_once(tmp_path):
    # ECG5000's class column x0, a feature of a detector fitted without --label-column, then
    # evaluated with it: "DATA lacks ['x0']" of a DATA that has it. Fitted on normal rows alone
    # with it, detect printed "every row has the same label" beside the warning that said so,
    # and evaluate wrote the labels it never saw as 2.0 beside the known 1.
    rng = np.random.default_rng(0)
    values = pd.DataFrame(rng.normal(size=(60, 4)), columns=list("abcd"))
    values.assign(x0=1.0).to_csv(tmp_path / "normal.csv", index=False)
    values.assign(x0=[1.0] * 30 + [2.0] * 30).to_csv(tmp_path / "rest.csv", index=False)
    quick = ["--param", "n_estimators=1", "--quiet"]
    ok(invoke("detect", tmp_path / "normal.csv", *quick, "--out", tmp_path / "with_x0"))
    for option, message_words in (
        ("--label-column", "--label-column x0 takes it out of DATA's features; leave out"),
        ("--id-column", "--id-column x0 takes it out of DATA's features"),
    ):
        result = invoke("evaluate", tmp_path / "with_x0", tmp_path / "rest.csv", option, "x0")
        said = refused(result, "the model reads column 'x0' as a feature", message_words)
        assert said.endswith("so that it is no feature."), said
    # a column that is missing besides: said too, or the next try fails for it
    values.drop(columns="d").assign(x0=1.0).to_csv(tmp_path / "short.csv", index=False)
    result = invoke("score", tmp_path / "with_x0", tmp_path / "short.csv", "--id-column", "x0",
                    "-o", tmp_path / "s.csv")  # fmt: skip
    refused(result, "so that it is no feature (DATA also lacks ['d']).")
    # normal rows alone, as --normal-label names them: no advice to set --normal-label
    # a label column of whole floats (1.0) is read as the classes 1, 2 (it was said '1.0')
    with pytest.warns(UserWarning, match=r"every row has the normal label '1': .*labelled "
                      r"rows of both kinds \(aekit evaluate RUN DATA\)\.$"):  # fmt: skip
        fitted = ok(invoke("detect", tmp_path / "normal.csv", "--label-column", "x0",
                           "--normal-label", "1", *quick, "--out", tmp_path / "det"))  # fmt: skip
    assert "same label" not in fitted.output and "ROC-AUC" not in fitted.output
    with pytest.warns(UserWarning, match=r"30 rows have a label that detect never saw \(2: 30"):
        ok(invoke("evaluate", tmp_path / "det", tmp_path / "rest.csv", "--label-column", "x0"))


def test_a_threshold_above_well_ranked_anomalies_is_said_with_the_rule_that_flags_them(tmp_path):
    # The README's ECG recipe: ROC-AUC 0.969 and 6 rows flagged for 208 anomalies, unsaid.
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd")).assign(y=0).to_csv(
        tmp_path / "normal.csv", index=False
    )
    rest = np.vstack([rng.normal(size=(100, 4)), rng.normal(1.2, 1.0, size=(100, 4))])
    frame = pd.DataFrame(rest, columns=list("abcd")).assign(y=[0] * 100 + [1] * 100)
    frame.to_csv(tmp_path / "rest.csv", index=False)
    said = {}
    for rule in ("contamination", "mean_std"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ok(invoke("detect", tmp_path / "normal.csv", "--label-column", "y", "--normal-label",
                      "0", "--threshold", rule, "--param", "n_estimators=1", "--quiet",
                      "--out", tmp_path / rule))  # fmt: skip
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = ok(invoke("evaluate", tmp_path / rule, tmp_path / "rest.csv",
                               "--label-column", "y"))  # fmt: skip
        figures = json.loads(result.stdout)
        said[rule] = [str(w.message) for w in caught if "too high" in str(w.message)]
        assert figures["roc_auc"] > 0.8, figures
        if rule == "contamination":  # no rate: the "auto" threshold, above most anomalies
            assert figures["recall"] < 0.2, figures
        else:
            assert figures["recall"] > 0.5 and not said[rule], (figures, said)
    assert len(said["contamination"]) == 1
    assert "(--threshold mean_std)" in said["contamination"][0]


def test_a_conditional_vae_run_is_evaluated_with_its_accuracy_and_unknown_labels(folder):
    # evaluate printed no accuracy of a semi-supervised run, and one label the model never
    # learned (a typo) stopped it, where aekit predict leaves such rows out and goes on
    labelled = pd.read_csv(folder / "rows.csv")
    labelled["digit"] = labelled["digit"].astype(str).where(np.arange(ROWS) % 3 == 0, "")
    labelled.to_csv(folder / "few.csv", index=False)
    cvae = ["--model", "cvae", "--epochs", "2", "--param", "hidden_layer_sizes=[16]", "--quiet"]
    ok(invoke("train", folder / "few.csv", "--label-column", "digit", *cvae, "--no-figures",
              "--out", folder / "cvae"))  # fmt: skip
    test = pd.read_csv(folder / "rows.csv").astype({"digit": str})
    test.loc[:4, "digit"] = "Seven"  # 5 rows of a label never learned
    test.to_csv(folder / "typo.csv", index=False)
    with pytest.warns(UserWarning, match="5 rows have a label the model never learned") as said:
        result = figures(ok(invoke("evaluate", folder / "cvae", folder / "typo.csv", "--quiet")))
    assert "scored as unlabelled rows" in str(said[-1].message)
    assert result["rows_given_labels"] == ROWS - 5
    predict = ok(invoke("predict", folder / "cvae", folder / "typo.csv", "-o", folder / "p.csv"))
    accuracy = float(predict.output.split("accuracy ")[1].split()[0])
    assert result["accuracy"] == pytest.approx(accuracy, abs=5e-5)  # predict's, 4 decimals
    assert "training rows" not in predict.output
    # on its training rows, said so: "accuracy 1.0000 on the 72 labelled rows" read as a result
    again = ok(invoke("predict", folder / "cvae", folder / "few.csv", "-o", folder / "t.csv"))
    assert "labelled rows (the training rows; new rows show how it generalizes)" in again.output


def test_the_rules_named_label_holds_beside_classes_detect_never_saw():
    # an MVTec-style test folder: good images and defect classes detect never saw, 'blob' the
    # most frequent: it was taken as normal (ROC-AUC 0.0), though 'good' was detect's normal
    from aekit.cli.anomaly_labels import as_anomaly

    labels = ["good"] * 10 + ["blob"] * 15 + ["scratch"] * 12
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unseen classes are said, counted as anomalies
        anomalous = as_anomaly(labels, None, seen=["good"], ruled="good")
    assert anomalous.tolist() == [False] * 10 + [True] * 27


def test_a_label_option_refused_is_not_first_said_to_change_nothing(folder):
    # "--label-column changes nothing for this run", then the refusal of the same option
    plain = folder / "plain.csv"
    pd.read_csv(folder / "rows.csv").drop(columns="digit").to_csv(plain, index=False)
    ae = ["--model", "ae", "--epochs", "1", "--param", "hidden_layer_sizes=[16]", "--quiet"]
    ok(invoke("train", plain, *ae, "--no-figures", "--out", folder / "plain"))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        result = invoke("evaluate", folder / "plain", plain, "--label-column", "p3")
    refused(result, "the model reads column 'p3' as a feature")
    assert not [w for w in said if "nothing for this run" in str(w.message)]
