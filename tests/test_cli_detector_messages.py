"""What the command line says of a detector run used as something else, and of new rows that
are flagged for a column of identifiers rather than for what they hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

import aekit

# one member of 5 epochs, no figures: the messages read the run's columns and thresholds,
# not how well it learned
QUICK = ["--param", "n_estimators=1", "--param", "member_params={max_iter=5}", "--quiet",
         "--no-figures"]  # fmt: skip


@pytest.fixture(scope="module")
def customers(tmp_path_factory):
    """Customers with an id column left undeclared: the detector took it for a category."""
    folder = tmp_path_factory.mktemp("customers")
    rng = np.random.default_rng(0)
    for name, start in (("old", 0), ("new", 1000)):
        frame = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc"))
        frame.insert(0, "customer", [f"C{start + i:05d}" for i in range(200)])
        frame.to_csv(folder / f"{name}.csv", index=False)
    ok(invoke("detect", folder / "old.csv", "--out", folder / "run", *QUICK))
    return folder


def test_new_ids_are_named_as_the_cause_not_drift(customers):
    # every new customer was flagged for an id never seen, and score blamed a drift
    with pytest.warns(UserWarning) as said:
        result = ok(invoke("score", customers / "run", customers / "new.csv", "-o",
                           customers / "s.csv"))  # fmt: skip
    warning = next(str(w.message) for w in said if "not seen in training" in str(w.message))
    assert "Most rows hold a value of 'customer' never seen in training" in warning
    assert "(the command line: --id-column customer)" in warning
    assert "200 of them for a category never seen in training" in result.output
    assert "drift" not in result.output


def test_predict_of_a_detector_run_names_score(customers):
    result = invoke("predict", customers / "run", customers / "new.csv", "-o", customers / "p.csv")
    refused(result, "predict needs a cvae or a finetune run; a detector's flags: aekit score")


def test_normal_rows_labelled_anomalies_are_left_out_and_few_are_warned_of(tmp_path):
    # a labelled test file passed as --normal-rows set the threshold on its anomalies too
    # (80 against 22 on a new user's cardio split), and 3 rows were taken without a word
    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(300, 3)), columns=list("abc")).assign(y=0)
    train.to_csv(tmp_path / "train.csv", index=False)
    normal = pd.DataFrame(rng.normal(size=(150, 3)), columns=list("abc")).assign(y=0)
    mixed = pd.concat([normal, pd.DataFrame(rng.normal(6, 1, (30, 3)), columns=list("abc"))
                       .assign(y=1)])  # fmt: skip
    normal.to_csv(tmp_path / "normal.csv", index=False)
    mixed.to_csv(tmp_path / "mixed.csv", index=False)
    normal.head(3).to_csv(tmp_path / "three.csv", index=False)
    args = ["--threshold", "validation", "--label-column", "y", *QUICK]

    def threshold(rows: str, out: str) -> float:
        ok(invoke("detect", tmp_path / "train.csv", "--normal-rows", tmp_path / rows, "--out",
                  tmp_path / out, *args))  # fmt: skip
        return aekit.load(tmp_path / out / "model.safetensors").threshold_

    with pytest.warns(UserWarning, match="30 of its 180 rows are labelled anomalies by y"):
        left_out = threshold("mixed.csv", "mixed")
    assert left_out == pytest.approx(threshold("normal.csv", "normal"))
    with pytest.warns(UserWarning, match="three.csv has 3 rows: the threshold"):
        threshold("three.csv", "three")
    # labels of another kind: the same number is the normal label; none of it, refused in
    # the option's words (it was "--normal-label '0' is not a label of DATA", never typed)
    normal.assign(y=0.0).to_csv(tmp_path / "floats.csv", index=False)
    assert threshold("floats.csv", "floats") == pytest.approx(threshold("normal.csv", "again"))
    normal.assign(y="ok").to_csv(tmp_path / "words.csv", index=False)
    words = ["--normal-rows", tmp_path / "words.csv", "--out", tmp_path / "words", *args]
    said = "words.csv: no row has DATA's normal label '0' in its y column (its labels: ok)"
    refused(invoke("detect", tmp_path / "train.csv", *words), said)


def test_one_new_category_in_every_row_is_no_identifier(tmp_path):
    # 60 rows of one new region were called "an identifier or free text": a new kind of row
    rng = np.random.default_rng(0)
    regions = [f"r{i}" for i in range(25)]
    old = pd.DataFrame(rng.normal(size=(300, 2)), columns=list("ab"))
    old["region"] = rng.choice(regions, 300)
    old.to_csv(tmp_path / "old.csv", index=False)
    old.head(60).assign(region="r_new").to_csv(tmp_path / "new.csv", index=False)
    ok(invoke("detect", tmp_path / "old.csv", "--out", tmp_path / "run", *QUICK))
    with pytest.warns(UserWarning, match="not seen in training") as said:
        ok(invoke("score", tmp_path / "run", tmp_path / "new.csv", "-o", tmp_path / "s.csv"))
    assert not any("identifier" in str(w.message) for w in said)


@pytest.mark.parametrize("rate", ["5%", "5"])
def test_a_contamination_percentage_is_told_its_share(tmp_path, rate):
    said = "--contamination must be 'auto' or a number in (0, 0.5]; got "
    result = invoke("detect", "digits", "--contamination", rate, "--out", tmp_path / "run")
    refused(result, said + f"'{rate}' (a share, not a percentage: 0.05?).")


def test_a_blank_label_is_written_blank_in_the_runs_scores(tmp_path):
    # scores.csv wrote -1, scikit-learn's anomaly label, for a blank label cell
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc"))
    frame["y"] = pd.array(np.r_[[0] * 190, [1] * 10], "Int64")
    frame.loc[[3, 7], "y"] = pd.NA
    frame.to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("detect", tmp_path / "t.csv", "--label-column", "y", "--out", tmp_path / "run",
              *QUICK))  # fmt: skip
    written = pd.read_csv(tmp_path / "run" / "scores.csv")["label"]
    assert written.isna().tolist() == [i in (3, 7) for i in range(200)]
    assert set(written.dropna()) == {0, 1}


def test_evaluate_of_anomalies_alone_says_the_share_flagged(tmp_path):
    # no AUC for one class, and no recall either, though the share of them flagged is one
    import json

    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(300, 3)), columns=list("abc")).assign(y=0)
    train.loc[:4, "y"] = 1  # detect saw both labels
    train.to_csv(tmp_path / "train.csv", index=False)
    odd = pd.DataFrame(rng.normal(size=(40, 3)), columns=list("abc"))
    odd.iloc[:20] += 8  # half of them far out
    odd.assign(y=1).to_csv(tmp_path / "odd.csv", index=False)
    ok(invoke("detect", tmp_path / "train.csv", "--label-column", "y", "--normal-label", "0",
              "--out", tmp_path / "run", *QUICK))  # fmt: skip
    args = ["evaluate", tmp_path / "run", tmp_path / "odd.csv", "--label-column", "y"]
    with pytest.warns(UserWarning, match="no row has the normal label"):
        result = ok(invoke(*args, "--quiet"))
    figures = json.loads(result.output[result.output.index("{") :])
    assert "roc_auc" not in figures
    assert figures["recall"] == pytest.approx(figures["flagged"] / 40)
    assert figures["flagged"] >= 20, figures
