"""A CSV's label and ignored columns are read as the file writes them: labels '007', '07' and
'7' are three classes (read as numbers they were one), numbers are still numbers, and
'aekit impute' puts an ignored column back cell for cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aekit.cli.label_text import labels_from_text
from tests.cli_helpers import invoke, ok, read_as_a_large_csv, refused


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (["007", "7", "07"], ["007", "7", "07"]),  # codes: three classes
        (["01", "02", "12"], ["01", "02", "12"]),
        (["1", "2", "3"], [1, 2, 3]),
        ([" 1", "1.0", "2"], [1.0, 1.0, 2.0]),  # one number however written: floats, as pandas
        (["0", "0.5"], [0.0, 0.5]),
        (["9007199254740993", "9007199254740992"], [9007199254740993, 9007199254740992]),
        # integers a float64 would round stay text: 20 digits, or beside a blank
        (
            ["99999999999999999999", "99999999999999999998"],
            ["99999999999999999999", "99999999999999999998"],
        ),
        (
            ["9007199254740993", None, "9007199254740992"],
            ["9007199254740993", None, "9007199254740992"],
        ),
        (["True", "false", "TRUE"], [True, False, True]),
        (["tRuE", "false"], ["tRuE", "false"]),  # not a spelling pandas reads as a boolean
        (["a", "b c"], ["a", "b c"]),  # text as written
    ],
)
def test_labels_are_typed_as_pandas_reads_them_unless_spelt_as_codes(text, expected):
    typed = labels_from_text(text)
    assert typed.tolist() == expected
    assert [type(v) for v in typed.tolist()] == [type(v) for v in expected]


def test_blank_cells_stay_blank_among_numbers_and_text():
    numbers = labels_from_text(["1", None, " ", "2"])
    assert numbers.dtype == np.float64 and np.isnan(numbers[[1, 2]]).all()
    assert labels_from_text(["a", None, ""]).tolist() == ["a", None, None]


def test_labels_apart_by_spaces_or_case_alone_are_said():
    with pytest.warns(UserWarning, match="apart only by spaces or case.*'ok', ' ok', 'OK'"):
        assert labels_from_text(["ok", " ok", "OK", "bad"]).tolist() == ["ok", " ok", "OK", "bad"]


def _table(tmp_path, labels):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(len(labels), 3)), columns=["a", "b", "c"])
    frame["label"] = labels
    path = tmp_path / "t.csv"
    # written as text: pandas would write the labels as the strings they are
    frame.to_csv(path, index=False)
    return path


def test_labels_written_apart_are_classes_apart(tmp_path):
    path = _table(tmp_path, ["007", "7", "07"] * 20)
    run = tmp_path / "run"
    ok(invoke("train", path, "--model", "cvae", "--label-column", "label", "--epochs", "1",
              "--out", run, "--quiet", "--no-figures"))  # fmt: skip
    predictions = tmp_path / "p.csv"
    ok(invoke("predict", run, path, "-o", predictions))
    header = predictions.read_text().splitlines()[0].split(",")
    assert {"p_007", "p_07", "p_7"} <= set(header)


def test_normal_label_takes_its_own_spelling_only(tmp_path):
    path = _table(tmp_path, ["007"] * 40 + ["7"] * 20)
    options = ["--label-column", "label", "--normal-label", "007", "--param", "n_estimators=1"]
    result = ok(
        invoke("detect", path, *options, "--out", tmp_path / "run", "--quiet", "--no-figures")
    )
    assert "20 of 60" in result.output, result.output


def test_numeric_labels_stay_numbers(tmp_path):
    path = _table(tmp_path, [3, 5] * 20)
    run = tmp_path / "run"
    ok(invoke("train", path, "--model", "cvae", "--label-column", "label", "--epochs", "1",
              "--out", run, "--quiet", "--no-figures"))  # fmt: skip
    import aekit

    assert aekit.load(run / "model.safetensors").classes_.tolist() == [3, 5]


def test_impute_puts_an_ignored_column_back_as_written(tmp_path):
    path = tmp_path / "holes.csv"
    path.write_text(
        "id,x,y,zip\n"
        + "".join(
            f"{i:03d},{i % 7}.5,{'' if i % 5 == 0 else i % 3},0{1000 + i}\n" for i in range(40)
        )
    )
    filled = tmp_path / "filled.csv"
    ok(invoke("impute", path, "--id-column", "id", "--ignore-column", "zip", "-o", filled,
              "--epochs", "1", "--quiet"))  # fmt: skip
    before = pd.read_csv(path, dtype=str)
    after = pd.read_csv(filled, dtype=str)
    assert after["zip"].tolist() == before["zip"].tolist()  # '01000', not 1000
    assert after["id"].tolist() == before["id"].tolist()


def test_a_large_csvs_labels_are_typed_as_a_small_ones(tmp_path, monkeypatch):
    path = _table(tmp_path, ["007", "7", "07"] * 20)
    read_as_a_large_csv(monkeypatch)
    run = tmp_path / "run"
    result = ok(invoke("train", path, "--model", "cvae", "--label-column", "label", "--epochs",
                       "1", "--out", run, "--quiet", "--no-figures"))  # fmt: skip
    assert "converting it to Parquet" in result.output
    assert "text_columns" not in result.output  # the printed line leaves the labels typed
    import aekit

    assert sorted(aekit.load(run / "model.safetensors").classes_) == ["007", "07", "7"]


def test_a_label_column_with_no_value_is_said_not_a_crash(tmp_path):
    path = _table(tmp_path, [""] * 60)
    options = ["--label-column", "label", "--param", "n_estimators=1", "--quiet", "--no-figures"]
    with pytest.warns(UserWarning, match="no row has a label: no ROC-AUC"):
        result = ok(invoke("detect", path, *options, "--out", tmp_path / "run"))
    assert "ROC-AUC" not in result.output


def test_normal_label_as_a_number_of_several_codes_is_refused(tmp_path):
    path = _table(tmp_path, ["007"] * 40 + ["07"] * 20)
    options = ["--label-column", "label", "--normal-label", "7", "--param", "n_estimators=1"]
    refused(invoke("detect", path, *options, "--out", tmp_path / "run"), "'007', '07'")


def test_a_labels_file_of_lines_is_stripped_and_named(tmp_path):
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(40, 3)))
    (tmp_path / "labels.txt").write_text("ok \n" * 30 + "bad\n" * 5 + " OK\n" * 5)
    options = ["--labels", tmp_path / "labels.txt", "--param", "n_estimators=1", "--quiet"]
    options.append("--no-figures")
    with pytest.warns(UserWarning, match=r"'ok', 'OK'.*write it one way in .*labels\.txt"):
        ok(invoke("detect", tmp_path / "x.npy", *options, "--normal-label", "ok", "--out",
                  tmp_path / "run"))  # fmt: skip


@pytest.mark.parametrize("classes", [("0", "1"), ("1", "2")])
def test_detect_series_marks_no_unlabelled_point_as_an_anomaly(tmp_path, classes):
    from aekit.cli import series
    from aekit.cli.data import DataOptions, load_data

    normal, anomaly = classes
    labels = [normal] * 400
    labels[300:310] = [anomaly] * 10
    labels[:100] = [""] * 100  # the first hundred points unlabelled
    rng = np.random.default_rng(0)
    values = np.sin(np.arange(400) / 5) + 0.1 * rng.normal(size=400)
    pd.DataFrame({"v": values, "label": labels}).to_csv(tmp_path / "s.csv", index=False)
    with pytest.warns(UserWarning, match="100 rows have no label"):
        _, y = load_data(str(tmp_path / "s.csv"), DataOptions(label_column="label"))
    marked = series._marked(y, normal)  # blanks read as -1: beside 1 and 2 a class of their own
    assert marked.sum() == 10 and not marked[:100].any()
    options = ["--label-column", "label", "--window", "20", "--normal-label", normal, "--quiet"]
    options += ["--epochs", "1", "--no-figures"]  # the run reads the blanks: no fit to judge
    ok(invoke("detect-series", tmp_path / "s.csv", *options, "--out", tmp_path / "run"))


def test_a_recorded_normal_label_is_not_refused_as_a_typed_one_would_be():
    from aekit.cli.anomaly_labels import as_anomaly

    codes = ["007", "07", "1"]
    with pytest.raises(ValueError, match="--normal-label '7' is the number of several labels"):
        as_anomaly(codes, "7")
    assert as_anomaly(codes, None, recorded="7", seen=["7", "1"]).tolist() == [True] * 3


def test_labels_follow_the_csvs_decimal_and_thousands_marks():
    assert labels_from_text(["0,0", "1,0"], decimal=",").tolist() == [0.0, 1.0]
    assert labels_from_text(["2,373.55", "12.5"], thousands=",").tolist() == [2373.55, 12.5]
    assert labels_from_text(["1.234,5"], decimal=",", thousands=".").tolist() == [1234.5]


def test_decimal_comma_labels_of_a_csv_are_numbers(tmp_path):
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 3)), columns=["a", "b", "c"])
    frame["y"] = ["0,0"] * 50 + ["1,0"] * 10
    frame.to_csv(tmp_path / "t.csv", sep=";", decimal=",", index=False)
    options = ["--sep", ";", "--decimal", ",", "--label-column", "y", "--normal-label", "0"]
    result = ok(invoke("detect", tmp_path / "t.csv", *options, "--param", "n_estimators=1",
                       "--out", tmp_path / "run", "--quiet", "--no-figures"))  # fmt: skip
    assert "10 of 60 rows anomalies" in result.output


def test_a_minus_one_label_beside_1_and_2_is_a_class_and_a_blank_beside_them_is_none():
    from aekit.cli.anomaly_labels import labelled_rows
    from aekit.cli.label_text import read_blank_labels

    assert labelled_rows(np.array([-1, 1, 2, 1])).all()  # no blank: -1 is a label
    with pytest.warns(UserWarning, match="1 row has no label .*unlabelled\\.$"):
        read = read_blank_labels(np.array([1.0, np.nan, 2.0]))
    assert labelled_rows(read).tolist() == [True, False, True]  # NaN, not a class -1
    with pytest.warns(UserWarning, match="unlabelled \\(-1\\)"):
        assert read_blank_labels(np.array([0.0, np.nan, 1.0])).tolist() == [0, -1, 1]
    assert labelled_rows(np.array([-1, -1])).all()  # scikit-learn's anomalies, all of them


def test_a_labels_txt_of_whole_floats_gives_integer_classes(tmp_path):
    from aekit.cli.labels_file import read_labels

    (tmp_path / "y.txt").write_text("0.0\n1.0\n0.0\n")
    labels = read_labels(tmp_path / "y.txt", "x.npy", 3)
    assert labels.tolist() == [0, 1, 0] and labels.dtype.kind == "i"
