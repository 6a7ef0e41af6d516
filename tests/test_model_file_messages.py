"""A damaged model file is said in words, not as Python's exception text: an empty file, a
header that is not JSON, a tensor the header names and the file lacks (a new user's pass saw
"header too small", JSONDecodeError('Expecting value: ...') and KeyError('t.model...'))."""

from __future__ import annotations

import re

import pytest
import torch
from conftest import DEVICE
from forged import resign
from safetensors.torch import save_file

import aekit


def test_an_empty_file_is_said_empty(tmp_path):
    path = tmp_path / "empty.safetensors"
    path.write_bytes(b"")
    with pytest.raises(ValueError) as refused:
        aekit.load(path, device=DEVICE)
    assert str(refused.value) == (
        f"{path} is empty (0 bytes): a save or copy cut short? Save the model again."
    )


def test_a_header_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "odd.safetensors"
    save_file({"w": torch.zeros(2)}, str(path), metadata={"aekit": "not json"})
    with pytest.raises(ValueError) as refused:
        aekit.load(path, device=DEVICE)
    assert str(refused.value) == (
        f"{path} has a damaged aekit header: it is not valid JSON (Expecting value at line 1, "
        "column 1)."
    )


def test_a_tensor_the_header_names_and_the_file_lacks_is_named(saved, tmp_path):
    def drop_one(tensors: dict) -> None:
        tensors.pop(sorted(tensors)[0])

    path = resign(saved, tmp_path / "odd.safetensors", tensors=drop_one)
    with pytest.raises(ValueError) as refused:
        aekit.load(path, device=DEVICE)
    said = str(refused.value)
    assert re.fullmatch(
        rf"{re.escape(str(path))} is damaged: its header names a tensor '[^']+' that the file "
        r"does not hold; save the model again\.",
        said,
    ), said


def test_a_name_without_its_suffix_names_the_file_saved(tmp_path):
    import numpy as np

    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), device=DEVICE).fit(X).save(
        tmp_path / "m.safetensors"
    )
    with pytest.raises(FileNotFoundError) as missing:
        aekit.load(tmp_path / "m", device=DEVICE)
    assert (
        str(missing.value)
        == f"no such file: {tmp_path / 'm'}; did you mean {tmp_path / 'm.safetensors'}?"
    )
    with pytest.raises(FileNotFoundError) as other:
        aekit.load(tmp_path / "n", device=DEVICE)
    assert str(other.value) == f"no such file: {tmp_path / 'n'}"
