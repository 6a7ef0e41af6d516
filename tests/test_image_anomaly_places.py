"""A detector of images names a pixel by its place in the image (``ch0_row6_col1``), not by its
column (``x49``), in ``top_features`` where it knows the images' shape: its conv members'
``image_shape`` in Python, DATA's images on the command line (detect's scores.csv, ``aekit
score``). ``aekit detect`` of images draws the highest-scored ones with their reconstructions
(figures/top_anomalies.png)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok
from sklearn.datasets import load_digits

import aekit
from aekit.anomaly.images import pixel_names
from aekit.anomaly.unseen import explained_rows

PLACE = re.compile(r"^ch(\d+)_row(\d+)_col(\d+)$")


def _digits(n=80):
    X = (load_digits().data[:n] / 16).astype(np.float32)
    X[:2] = np.random.default_rng(0).random((2, 64), dtype=np.float32)  # two noise images
    return X


def _place(name: str) -> tuple[int, int, int]:
    match = PLACE.match(name)
    assert match, name
    return tuple(int(v) for v in match.groups())


def test_pixel_names_follow_the_rows_order():
    shape = (3, 4, 5)
    names = pixel_names(shape)
    assert len(names) == 60
    for flat in (0, 7, 23, 59):
        assert _place(names[flat]) == np.unravel_index(flat, shape)


def _top_places(detector, X, shape):
    """The places of each row's three largest pixel shares, from explain's array."""
    shares = detector.explain(X)[:, :-1]
    order = np.argsort(-shares, axis=1)[:, :3]
    return [[tuple(int(v) for v in np.unravel_index(j, shape)) for j in row] for row in order]


@pytest.mark.filterwarnings("ignore")
def test_a_conv_detector_names_its_top_features_by_place():
    X = _digits()
    member = aekit.Autoencoder(architecture="conv", image_shape=(1, 8, 8), max_iter=1)
    detector = aekit.AnomalyDetector(estimator=member, n_estimators=1, random_state=0).fit(X)
    frame = pd.DataFrame(X[:5], columns=[f"x{j}" for j in range(64)])
    named = explained_rows(detector, frame, 3)["top_features"]
    assert [[_place(n) for n in row] for row in named] == _top_places(detector, X[:5], (1, 8, 8))
    # a detector of rows, told no shape, keeps the columns' names
    rows = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X)
    assert explained_rows(rows, frame, 3)["top_features"][0][0].startswith("x")


@pytest.fixture(scope="module")
def image_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    X = _digits().reshape(-1, 1, 8, 8)
    np.save(folder / "images.npy", X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ok(invoke("detect", folder / "images.npy", "--out", folder / "run", "--quiet",
                  "--param", "n_estimators=1"))  # fmt: skip
    return folder, X


def test_detect_and_score_name_pixels_by_place(image_run):
    folder, X = image_run
    detector = aekit.load(folder / "run" / "model.safetensors")
    expected = _top_places(detector, X.reshape(len(X), -1), (1, 8, 8))
    detected = pd.read_csv(folder / "run" / "scores.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ok(invoke("score", folder / "run", folder / "images.npy", "-o", folder / "s.csv"))
    for table in (detected, pd.read_csv(folder / "s.csv")):
        named = [[_place(n) for n in cell.split(";")] for cell in table["top_features"]]
        assert named == expected


def test_detect_draws_the_highest_scored_images_beside_their_reconstructions(image_run):
    folder, _ = image_run
    figure = folder / "run" / "figures" / "top_anomalies.png"
    assert figure.stat().st_size > 0
    from PIL import Image

    width, height = Image.open(figure).size
    assert width > height  # 8 images a row, two bands of images over their reconstructions
