"""A fitted model given a table of another kind is told so first: its text columns were refused
with the advice to leave them out, which led only to the next refusal, of its width."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

import aekit

CUSTOMERS = pd.DataFrame(
    {"age": [30, 40, 50], "city": ["paris", "rome", "oslo"], "score": [1.5, 2.5, 3.5]}
)


@pytest.fixture(scope="module")
def pixels_model():
    X = np.random.default_rng(0).random((60, 64)).astype(np.float32)
    return aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(8,), latent_dim=2).fit(X)


def test_a_table_of_another_width_is_said_before_its_text_columns(pixels_model):
    with pytest.raises(ValueError, match=r"^X has 3 features, but Autoencoder is expecting 64"):
        pixels_model.transform(CUSTOMERS)
    # rows fitted one-hot encoded, given raw: the text columns are named, and the encoding, as
    # a possibility (this model's rows were pixels)
    with pytest.raises(ValueError, match=r"text columns \(city\): if the model was fitted on"):
        pixels_model.transform(CUSTOMERS)
    # a table of the right width is read as before: its text column is the problem
    wide = pd.DataFrame(np.zeros((2, 64))).assign(**{"63": ["a", "b"]})
    with pytest.raises(ValueError, match=r"non-numeric columns: 63"):
        pixels_model.transform(wide.drop(columns=63))


def test_on_the_command_line_the_run_is_said_to_take_other_data(tmp_path):
    np.save(tmp_path / "x.npy", np.random.default_rng(0).random((60, 64)).astype(np.float32))
    ok(invoke("train", tmp_path / "x.npy", "--model", "ae", "--epochs", "1", "--quiet",
              "--no-figures", "--out", tmp_path / "R"))  # fmt: skip
    CUSTOMERS.to_csv(tmp_path / "customers.csv", index=False)
    from aekit.cli.errors import for_the_command_line

    result = invoke("encode", tmp_path / "R", tmp_path / "customers.csv", "-o", tmp_path / "z.csv")
    said = for_the_command_line(refused(result))
    assert said == (
        "DATA has 3 columns but the model (Autoencoder) takes 64: give it rows of the kind it was "
        "trained on."
    ), said


def test_an_id_column_named_file_is_still_said_to_be_left_out_of_a_npy(tmp_path):
    # an image folder's file column goes unsaid in a .npy; a table's --id-column of that name
    # was silenced with it
    import warnings

    table = pd.DataFrame({"file": ["a", "b", "c", "d"] * 5, "x": np.arange(20.0)})
    table.assign(y=np.arange(20.0) ** 0.5).to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("train", tmp_path / "t.csv", "--id-column", "file", "--model", "ae", "--epochs",
              "1", "--quiet", "--no-figures", "--out", tmp_path / "R"))  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok(invoke("encode", tmp_path / "R", tmp_path / "t.csv", "-o", tmp_path / "z.npy"))
    said = [str(w.message) for w in caught]
    assert any("a .npy holds no file column" in s for s in said), said
