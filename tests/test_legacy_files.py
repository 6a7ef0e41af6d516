"""Model files written by earlier aekit versions still load and give the outputs they gave.

``tests/fixtures/format_v1/`` holds small files saved by the code of commit 09a4602 (model
format 1, before the layered rewrite) and the outputs those models gave then (``expected.npz``);
``tests/fixtures/make_format_v1.py`` is the script that wrote them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.data.datasets import load_digits

FILES = Path(__file__).parent / "fixtures" / "format_v1"
TOL = {"rtol": 1e-5, "atol": 1e-5}
KINDS = {
    "autoencoder": aekit.Autoencoder,
    "autoencoder_conv": aekit.Autoencoder,
    "denoising": aekit.DenoisingAutoencoder,
    "sparse_kl": aekit.SparseAutoencoder,
    "contractive": aekit.ContractiveAutoencoder,
    "vae_gmm": aekit.VariationalAutoencoder,
    "vae_gaussian": aekit.VariationalAutoencoder,
    "cvae": aekit.ConditionalVAE,
    "cvae_m2": aekit.ConditionalVAE,
}


@pytest.fixture(scope="module")
def expected() -> dict[str, np.ndarray]:
    with np.load(FILES / "expected.npz", allow_pickle=False) as stored:
        return dict(stored)


@pytest.fixture(scope="module")
def data() -> dict:
    X, y = load_digits()
    table = pd.read_csv(FILES / "table.csv")
    table["kind"] = table["kind"].astype("category")
    return {"X": X[:120], "y": y[:120], "table": table}


def _inputs(name: str, data: dict) -> np.ndarray:
    if name == "autoencoder_conv":
        return data["X"].reshape(-1, 1, 8, 8)
    if name == "vae_gaussian":
        return data["table"][["a", "b"]].to_numpy()
    return data["X"]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_autoencoder_files_of_format_1_give_their_outputs(name, expected, data):
    model = aekit.load(FILES / f"{name}.safetensors", device="cpu")
    assert type(model) is KINDS[name]
    X = _inputs(name, data)
    labels = (data["y"],) if name.startswith("cvae") else ()
    Z = model.transform(X, *labels)
    np.testing.assert_allclose(Z, expected[f"{name}.transform"], **TOL)
    np.testing.assert_allclose(
        model.inverse_transform(Z, *labels), expected[f"{name}.inverse_transform"], **TOL
    )
    np.testing.assert_allclose(
        model.score_samples(X, *labels), expected[f"{name}.score_samples"], rtol=1e-5, atol=1e-3
    )
    if name.startswith("cvae"):
        np.testing.assert_allclose(model.predict_proba(X), expected[f"{name}.predict_proba"], **TOL)
    if name.startswith(("vae", "cvae")):
        label = (7,) if name.startswith("cvae") else ()
        sample = model.sample(5, *label, random_state=1)
        np.testing.assert_allclose(sample, expected[f"{name}.sample"], **TOL)


def test_a_detector_file_of_format_1_scores_as_before(expected, data):
    detector = aekit.load(FILES / "detector.safetensors", device="cpu")
    assert type(detector) is aekit.AnomalyDetector
    assert (detector.input_neighbors, detector.input_distance) == (None, "kth")  # as it was fitted
    scores = detector.score_samples(data["table"])
    np.testing.assert_allclose(scores, expected["detector.score_samples"], rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(detector.predict(data["table"]), expected["detector.predict"])


def test_a_hasher_and_its_index_of_format_1_load(expected, data):
    hasher = aekit.load(FILES / "hasher.safetensors", device="cpu")
    np.testing.assert_array_equal(hasher.transform(data["X"]), expected["hasher.transform"])
    index = aekit.load_index(FILES / "hasher.index", device="cpu")
    neighbours, distances = index.query(data["X"][:3], k=1)
    assert neighbours[:, 0].tolist() == [0, 1, 2] and (distances[:, 0] == 0).all()


def test_a_compressor_of_format_1_decodes_its_old_files(expected):
    compressor = aekit.load(FILES / "compressor.safetensors", device="cpu")
    decoded = compressor.decompress((FILES / "compressed.aek").read_bytes())
    np.testing.assert_allclose(decoded, expected["compressor.decompressed"], **TOL)


def test_an_imputer_of_format_1_fills_as_before(expected, data):
    imputer = aekit.load(FILES / "imputer.safetensors", device="cpu")
    holes = data["table"].copy()
    holes.loc[::9, "a"] = np.nan
    filled = imputer.transform(holes)["a"].to_numpy()
    np.testing.assert_allclose(filled, expected["imputer.filled_a"], **TOL)


def test_a_conditional_file_of_one_mixture_for_every_label_samples_as_before():
    # ConditionalVAE files saved with sampler="gmm" before each label had its own mixture hold
    # one mixture for all labels (tests/fixtures/make_one_mixture_cvae.py, commit 6ab3f3c): they
    # draw from it as they did, whatever the label, the same codes for the same seed.
    folder = Path(__file__).parent / "fixtures" / "one_mixture_cvae"
    model = aekit.load(folder / "cvae_gmm.safetensors", device="cpu")
    assert model.sampler == "gmm" and model.sampler_["weights"].shape == (10,)
    with np.load(folder / "expected.npz", allow_pickle=False) as stored:
        expected = dict(stored)
    np.testing.assert_allclose(model.sample(5, y=7, random_state=1), expected["sample_7"], **TOL)
    np.testing.assert_allclose(
        model.sample(4, y=[0, 1, 2, 3], random_state=2), expected["sample_per_row"], **TOL
    )
    # labels drawn by the model are now as many of each class (they were drawn one by one, so
    # expected.npz's "sample_drawn_labels" is of other labels): ten classes, six distinct ones
    _, drawn = model.sample(6, random_state=3, return_y=True)
    assert len(set(drawn.tolist())) == 6
