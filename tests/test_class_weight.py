"""``FineTunedClassifier(class_weight="balanced")``: a class of two labelled rows among
ninety was never predicted (a new user's table: 0 of 11 found), with no way to weigh it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import CPU

import aekit
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def three_digits():
    X, y = load_digits()
    keep = np.isin(y, [0, 1, 2])
    X, y = X[keep], y[keep]
    ae = aekit.Autoencoder(**{**CPU, "latent_dim": 16, "max_iter": 30}).fit(X)
    return ae, X, y


def test_balanced_weights_are_scikit_learns_and_lift_the_rare_class(three_digits):
    ae, X, y = three_digits
    rng = np.random.default_rng(0)
    counts = {0: 60, 1: 30, 2: 2}
    lab = np.concatenate(
        [rng.choice(np.where(y == c)[0], k, replace=False) for c, k in counts.items()]
    )
    test = np.setdiff1d(np.arange(len(y)), lab)
    plain = aekit.FineTunedClassifier(ae, random_state=0).fit(X[lab], y[lab])
    weighed = aekit.FineTunedClassifier(ae, class_weight="balanced", random_state=0)
    weighed.fit(X[lab], y[lab])
    n, k = len(lab), len(counts)
    torch.testing.assert_close(
        weighed.network_.class_weight.cpu(),
        torch.tensor([n / (k * c) for c in counts.values()], dtype=torch.float32),
    )
    rare = y[test] == 2
    recall = [float((m.predict(X[test])[rare] == 2).mean()) for m in (plain, weighed)]
    assert recall[1] > recall[0]  # seed 0: 0.851 -> 0.931
    assert "class_weight" not in weighed.network_.state_dict()  # not saved: predictions ignore it


def test_a_regressor_refuses_class_weight(three_digits):
    ae, X, y = three_digits
    with pytest.raises(ValueError, match="a regressor has none: leave class_weight=None"):
        aekit.FineTunedRegressor(ae, class_weight="balanced").fit(X[:50], y[:50].astype(float))


def test_checkpoints_of_before_class_weight_resume_a_regressor_and_not_a_classifier():
    # class_weight joined every fine-tuned run's identity: a regressor's earlier checkpoint is
    # the same run; a classifier's is not (its validation rows are stratified since)
    from aekit.core.checkpoint import _differences
    from aekit.core.config import TrainConfig

    params = {"max_iter": 3, "class_weight": None}
    assert aekit.FineTunedRegressor()._earlier_run_params(params) == [{"max_iter": 3}]
    assert aekit.FineTunedClassifier()._earlier_run_params(params) == []
    ours = {"params": params, "kind": "FineTunedClassifier", "data": ["d"]}
    theirs = {**ours, "params": {"max_iter": 3}}
    config = TrainConfig(max_iter=3, batch_size=8, learning_rate=1e-3, identity=ours)
    said = _differences({"identity": theirs}, config)
    assert (
        said
        == "written by another version of aekit (parameters since added or removed: class_weight)"
    )
