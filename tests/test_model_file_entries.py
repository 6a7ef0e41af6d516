"""A model file's header entries of the wrong kind are named, not said in Python's words
("'list' object has no attribute 'items'", "'NoneType' object is not subscriptable", "float()
argument must be ..."), and a header changed without its checksum says what to do."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import DEVICE
from forged import resign
from model_files import header_of
from safetensors.torch import load_file, save_file

import aekit


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X = np.random.default_rng(0).normal(size=(60, 4)).astype(np.float32)
    folder = tmp_path_factory.mktemp("entries")
    model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2, random_state=0)
    model.fit(X).save(folder / "ae.safetensors")
    detector = aekit.AnomalyDetector(estimator=aekit.Autoencoder(max_iter=1), n_estimators=1)
    detector.fit(X).save(folder / "det.safetensors")
    return folder


@pytest.mark.parametrize(
    ("file", "edit", "what"),
    [
        (
            "ae",
            lambda h: h.update(params=list(h["params"])),
            "Autoencoder: its 'params' entry is a list, not a JSON object",
        ),
        ("ae", lambda h: h.update(fitted=None), "Autoencoder: its 'fitted' entry is null, not a"),
        (
            "det",
            lambda h: h["fitted"].update(threshold_=None),
            "AnomalyDetector: threshold_ is null; a threshold is a finite score",
        ),
    ],
    ids=["params-list", "fitted-null", "threshold-null"],
)
def test_an_entry_of_another_kind_is_named(saved, tmp_path, file, edit, what):
    path = resign(saved / f"{file}.safetensors", tmp_path / "edited.safetensors", header=edit)
    with pytest.raises(ValueError, match=f"^{path} does not hold a consistent {what}"):
        aekit.load(path, device=DEVICE)


def test_a_header_changed_without_its_checksum_says_to_copy_or_save_it_again(saved, tmp_path):
    header = header_of(saved / "ae.safetensors")
    header["params"]["tol"] = 0.5  # its checksum left as it was
    path = tmp_path / "edited.safetensors"
    tensors = load_file(str(saved / "ae.safetensors"))
    save_file(tensors, str(path), metadata={"aekit": json.dumps(header)})
    with pytest.raises(ValueError) as raised:
        aekit.load(path, device=DEVICE)
    assert str(raised.value) == (
        f"{path} is damaged: its header does not match its checksum (changed since it was "
        "saved); copy it again from where it was saved, or save it again."
    )
