"""Review 8 (real data, command line): a labelled run's scores as .npy, the one-line
command.txt, and the messages the review found misleading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """60 rows of four numbers and an integer label column, and a run trained on them."""
    folder = tmp_path_factory.mktemp("labelled")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 4)), columns=list("abcd"))
    frame["label"] = rng.integers(0, 3, 60)
    frame.to_csv(folder / "lab.csv", index=False)
    ok(invoke("train", folder / "lab.csv", "--label-column", "label", "--model", "ae", *QUICK,
              "--out", folder / "RUN"))  # fmt: skip
    return folder, frame


def test_the_scores_of_a_labelled_run_write_as_npy(labelled, tmp_path):
    # "this output holds text columns": the scores and the integer labels, stacked as objects
    folder, frame = labelled
    ok(invoke("score", folder / "RUN", folder / "lab.csv", "-o", tmp_path / "s.npy"))
    ok(invoke("score", folder / "RUN", folder / "lab.csv", "-o", tmp_path / "s.csv"))
    scores = np.load(tmp_path / "s.npy")
    assert scores.dtype == np.float64 and scores.shape == (60, 2)
    np.testing.assert_array_equal(scores[:, 1], frame["label"])
    np.testing.assert_allclose(scores[:, 0], pd.read_csv(tmp_path / "s.csv")["score"])
