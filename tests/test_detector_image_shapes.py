"""A detector run given images of another shape than it was trained on says so in images'
words, with the options that read a folder's images at its size: it said "X has 100 features,
but AnomalyDetector is expecting 64 features as input; pass the same columns as in fit"."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import invoke, ok, refused

QUICK = ["--param", "n_estimators=1", "--quiet"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A detector run of 60 (1, 8, 8) images, and images of (1, 10, 10) as an array and as
    a folder of PNGs."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("detector_images")
    rng = np.random.default_rng(0)
    np.save(folder / "train.npy", rng.random((60, 1, 8, 8)).astype(np.float32))
    np.save(folder / "big.npy", rng.random((20, 1, 10, 10)).astype(np.float32))
    (folder / "big" / "a").mkdir(parents=True)
    for i in range(20):
        pixels = (rng.random((10, 10)) * 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / "big" / "a" / f"{i}.png")
    ok(invoke("detect", folder / "train.npy", *QUICK, "--out", folder / "DET"))
    return folder


def test_images_of_another_shape_are_refused_in_image_words(folder):
    from aekit.cli.errors import for_the_command_line

    for command in ("score", "evaluate"):
        out = [] if command == "evaluate" else ["-o", folder / "s.csv"]
        said = for_the_command_line(
            refused(invoke(command, folder / "DET", folder / "big.npy", *out))
        )
        assert "images of shape (1, 10, 10)" in said and "(1, 8, 8)" in said, said
        assert "features" not in said, said
    # a folder's images: the option that reads them at the trained size, which then scores
    said = for_the_command_line(
        refused(invoke("score", folder / "DET", folder / "big", "-o", folder / "s.csv"))
    )
    assert said.endswith("Pass --image-size 8,8 to read them as the model does."), said
    resized = ["--image-size", "8,8", "-o", folder / "s.csv"]
    ok(invoke("score", folder / "DET", folder / "big", *resized))


def test_images_of_the_trained_shape_and_flat_rows_still_score(folder):
    ok(invoke("score", folder / "DET", folder / "train.npy", "-o", folder / "t.csv"))
    flat = folder / "flat.npy"
    np.save(flat, np.load(folder / "train.npy").reshape(60, -1))
    ok(invoke("score", folder / "DET", flat, "-o", folder / "f.csv"))
