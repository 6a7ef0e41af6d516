"""A dataset's root given for its training folder (``train/`` beside ``test/`` or ``val/``) is
warned of, naming the training folder: its splits are read as two classes named train and test,
and a model trained on it learns from the test images."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import invoke, ok

import aekit


def _images(folder, n: int = 3) -> None:
    from PIL import Image

    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        Image.fromarray((rng.random((8, 8)) * 255).astype(np.uint8)).save(folder / f"{i}.png")


def test_a_root_of_splits_is_warned_of_naming_its_training_folder(tmp_path):
    _images(tmp_path / "root" / "train" / "good")
    _images(tmp_path / "root" / "test" / "crack")
    root = tmp_path / "root"
    with pytest.warns(UserWarning, match="'train' and 'test', a dataset's splits") as said:
        aekit.open_dataset(root)
    assert f"give {root / 'train'}." in str(said[0].message)
    _images(tmp_path / "other" / "Train")  # case aside, a validation split is one too
    _images(tmp_path / "other" / "Val")
    with pytest.warns(UserWarning, match=r"its Val images\); to train .*[/\\]other[/\\]Train\."):
        aekit.open_dataset(tmp_path / "other")
    # warned, not refused (a review): scoring every split at once is a use
    quick = ["--model", "ae", "--epochs", "1", "--quiet", "--no-figures"]
    with pytest.warns(UserWarning, match="a dataset's splits"):
        ok(invoke("train", root / "train", *quick, "--out", tmp_path / "R"))
        ok(invoke("score", tmp_path / "R", root, "-o", tmp_path / "s.csv"))
    assert len(open(tmp_path / "s.csv").read().splitlines()) == 1 + 6


def test_classes_and_a_split_folder_alone_are_read_as_classes(tmp_path):
    _images(tmp_path / "classes" / "train")  # a class that happens to be called train
    _images(tmp_path / "classes" / "cats")
    _images(tmp_path / "mvtec_test" / "good")
    _images(tmp_path / "mvtec_test" / "crack")
    for folder in ("classes", "mvtec_test"):
        labels = aekit.open_dataset(tmp_path / folder).labels
        assert len(set(labels)) == 2
