"""The rows early stopping holds out: a classifier's, class by class, so that a class with few
rows is never held out whole (a fine-tuned classifier with one row of a class held it out one
time in ten, and never learned the class)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import CPU

import aekit
from aekit.core import train as train_module
from aekit.core.validation_split import stratified_split
from aekit.data.datasets import load_digits


def _split(labels, n_val, seed):
    generator = torch.Generator().manual_seed(seed)
    return stratified_split(torch.as_tensor(labels), n_val, generator)


def test_each_class_gives_its_share_and_keeps_a_training_row():
    labels = np.repeat([0, 1, 2, 3], [40, 20, 5, 1])  # 66 rows
    for seed in range(50):
        train, validation = _split(labels, 7, seed)
        assert sorted(train.tolist() + validation.tolist()) == list(range(66))  # a partition
        held = np.bincount(labels[validation.numpy()], minlength=4)
        assert held.sum() == 7
        assert held[0] == 4 and held[1] == 2  # 40 x 7/66 = 4.2, 20 x 7/66 = 2.1
        assert held[3] == 0  # the class seen once always trains
        assert held[2] <= 1  # 5 x 7/66 = 0.53: the largest remainder takes the 7th row


def test_the_rows_of_a_class_are_drawn_at_random_and_reproducibly():
    labels = np.repeat([0, 1], [30, 30])
    drawn = {tuple(_split(labels, 6, seed)[1].tolist()) for seed in range(20)}
    assert len(drawn) > 15
    assert _split(labels, 6, 3)[1].tolist() == _split(labels, 6, 3)[1].tolist()


def test_classes_too_small_to_spare_rows_give_what_they_can_or_refuse():
    train, validation = _split(np.array([0, 0, 1, 2, 3]), 3, 0)
    assert validation.tolist() in ([0], [1])  # only class 0 can spare a row
    config = train_module.TrainConfig(
        max_iter=1,
        batch_size=2,
        learning_rate=1e-3,
        early_stopping=True,
        stratify=True,
        validation_fraction=0.5,
    )
    with pytest.raises(ValueError, match=r"leaves 0 of 4 rows .* each class a training row"):
        train_module._split(4, config, torch.Generator(), torch.arange(4))


def test_a_fine_tuned_classifier_holds_out_rows_class_by_class(monkeypatch):
    X, y = load_digits()
    rows = np.concatenate([np.where(y == c)[0][: 1 if c == 9 else 5] for c in range(10)])
    ae = aekit.Autoencoder(**{**CPU, "max_iter": 2}).fit(X[:300])
    held = []

    def spy(labels, n_val, generator):
        train, validation = stratified_split(labels, n_val, generator)
        held.append(labels[validation].tolist())
        return train, validation

    monkeypatch.setattr(train_module, "stratified_split", spy)
    clf = aekit.FineTunedClassifier(ae, max_iter=2, min_rows_per_epoch=50, random_state=0)
    clf.fit(X[rows], y[rows])
    (codes,) = held
    assert len(codes) == 5 and len(set(codes)) == 5  # 46 rows x 0.1: one row of 5 classes
    assert clf.classes_[codes].tolist().count(9) == 0  # the one 9 trains
    aekit.FineTunedRegressor(ae, max_iter=2, min_rows_per_epoch=50, random_state=0).fit(
        X[rows], y[rows].astype(float)
    )
    assert len(held) == 1  # a regressor's targets have no classes: held out at random
