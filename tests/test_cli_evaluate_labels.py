"""``aekit evaluate``'s labels: the options that give them, where they change no figure, and
the labels of an array DATA from a file beside it (``--labels FILE``)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

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
    # an autoencoder's reconstruction figures take no labels: the options were ignored unsaid
    args = ["evaluate", folder / "ae", folder / "rows.csv", "--quiet"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none given: nothing said
        plain = figures(ok(invoke(*args)))
    given = [*args, "--label-column", "digit", "--normal-label", "0"]
    with pytest.warns(UserWarning) as said:
        labelled = figures(ok(invoke(*given)))
    messages = [str(w.message) for w in said]
    assert len(messages) == 1, messages
    assert messages[0].startswith(
        "--label-column and --normal-label change nothing for this run: an Autoencoder's "
        "figures take no labels"
    ), messages
    assert labelled == plain  # so they do
