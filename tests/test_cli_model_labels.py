"""--label names one of the classes a model learned; labels arrive as text."""

from types import SimpleNamespace

import numpy as np
import pytest

from aekit.cli.model_labels import known_label


@pytest.mark.parametrize("text", ["7", "7.0", "07", " 7"])
def test_a_number_names_the_numeric_class_it_equals(text):
    # `generate --label 7.0` was refused where Python's sample(y=7.0) draws sevens
    model = SimpleNamespace(classes_=np.arange(10))
    assert known_label(model, text) == 7


def test_text_classes_match_by_their_text_only():
    model = SimpleNamespace(classes_=np.array(["7", "cat"]))
    assert known_label(model, "7") == "7"
    with pytest.raises(ValueError, match=r"label '7.0' was not seen in training; known: 7, cat"):
        known_label(model, "7.0")


def test_a_number_between_classes_is_refused_naming_them():
    model = SimpleNamespace(classes_=np.array([0.5, 1.5]))
    assert known_label(model, "0.50") == 0.5
    with pytest.raises(ValueError, match="known: 0.5, 1.5"):
        known_label(model, "1")
    with pytest.raises(ValueError, match="needs a ConditionalVAE run"):
        known_label(SimpleNamespace(), "1")


def test_a_cvae_without_its_label_column_is_offered_the_partly_empty_one(tmp_path):
    # the label column's blanks were refused as missing values, with 'aekit impute' advised
    import pandas as pd
    from cli_helpers import invoke, refused

    from aekit.data.datasets import load_digits

    X, y = load_digits()
    table = pd.DataFrame(X[:90], columns=[f"p{i}" for i in range(64)])
    table.insert(0, "id", [f"D{i:03d}" for i in range(90)])
    table["digit"] = pd.Series(y[:90]).where(np.arange(90) % 4 == 0)  # most cells empty
    table.to_csv(tmp_path / "few.csv", index=False)
    result = invoke("train", tmp_path / "few.csv", "--model", "cvae", "--out", tmp_path / "run")
    said = "ConditionalVAE needs labels: DATA has none (name their column with --label-column, "
    refused(result, said + "whose empty cells mark unlabelled rows: --label-column digit?).")
    assert not (tmp_path / "run").exists()
