"""A file that is no index, given where an index is read, is named as such with how to make
one (it was told to "give a model file (.safetensors)", the wrong kind of file)."""

import numpy as np
import pytest
from cli_helpers import invoke, refused

import aekit

MADE = "make one with 'aekit index' or SemanticHasher.index(X).save(path)"


@pytest.fixture
def files(tmp_path):
    np.save(tmp_path / "arr.npy", np.zeros((4, 3)))
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    (tmp_path / "notes.index").write_text("not an index\n")
    return tmp_path


@pytest.mark.parametrize(
    "name, said",
    [
        ("arr.npy", f"is a data file, not an aekit index: give an index file (.index); {MADE}."),
        ("t.csv", f"is a data file, not an aekit index: give an index file (.index); {MADE}."),
        ("notes.index", f"is a text file, not an aekit file: give the file aekit saved ({MADE})."),
    ],
)
def test_load_index_names_the_kind_it_wants(files, name, said):
    with pytest.raises(ValueError) as refusal:
        aekit.load_index(files / name)
    assert str(refusal.value) == f"{files / name} {said}"


def test_a_model_reader_still_asks_for_a_model(files):
    with pytest.raises(
        ValueError, match=r"not an aekit model: give a model file \(.safetensors\)\.$"
    ):
        aekit.load(files / "arr.npy")


def test_aekit_search_names_the_index_it_wants(files):
    refused(invoke("search", files / "arr.npy", files / "t.csv"), "not an aekit index", MADE)
