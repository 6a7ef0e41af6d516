"""DATA ``d.npz:NAME`` reads one array of a ``.npz`` holding several (``X_train``, ``y_train``,
``X_test``, ``y_test``, as scikit-learn's splits are often saved), with its labels ``y_train``;
such a file without an ``X`` was refused with no way to read it but to save it again."""

import numpy as np
import pytest
from cli_helpers import invoke, ok, refused

import aekit
from aekit.data.datasets import load_array


@pytest.fixture
def splits(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "X_train": rng.random((60, 5)).astype(np.float32),
        "y_train": rng.integers(0, 3, 60),
        "X_test": rng.random((20, 5)).astype(np.float32),
        "y_test": rng.integers(0, 3, 20),
    }
    np.savez(tmp_path / "d.npz", **arrays)
    return tmp_path / "d.npz", arrays


def test_load_array_reads_the_named_array_and_its_labels(splits):
    path, arrays = splits
    X, y = load_array(path, key="X_test")
    np.testing.assert_array_equal(X, arrays["X_test"])
    np.testing.assert_array_equal(y, arrays["y_test"])
    np.savez(path.parent / "plain.npz", X=np.ones((3, 2)), y=np.arange(3), train=np.ones((4, 2)))
    assert load_array(path.parent / "plain.npz", key="train")[1] is None  # no y_train
    np.testing.assert_array_equal(load_array(path.parent / "plain.npz", key="X")[1], np.arange(3))


def test_the_command_line_trains_on_one_array_with_its_labels(splits, tmp_path):
    path, arrays = splits
    ok(invoke("train", f"{path}:X_train", "--model", "cvae", "--epochs", 1, "--quiet",
              "--out", tmp_path / "run"))  # fmt: skip
    model = aekit.load(tmp_path / "run" / "model.safetensors")
    assert model.n_features_in_ == 5 and sorted(model.classes_) == [0, 1, 2]  # y_train's
    codes = tmp_path / "codes.npy"
    ok(invoke("encode", tmp_path / "run", f"{path}:X_test", "-o", codes))
    assert np.load(codes).shape[0] == 20


def test_an_archive_of_several_arrays_names_them_and_the_form(splits, tmp_path):
    path, _ = splits
    message = refused(invoke("train", path, "--out", tmp_path / "run"))
    assert "['X_train', 'y_train', 'X_test', 'y_test']" in message
    assert f"{path}:X_train" in message


def test_an_unknown_name_names_the_arrays(splits, tmp_path):
    path, _ = splits
    message = refused(invoke("train", f"{path}:X_val", "--out", tmp_path / "run"))
    assert "has no array named 'X_val'; its arrays are ['X_train', 'y_train'," in message


def test_labels_of_another_length_than_the_rows_are_refused(tmp_path):
    # 'aekit predict RUN d.npz' (X of 30 rows, y of 5) ended in an IndexError traceback while
    # writing its accuracy; load_array gave the mismatched pair back without a word
    np.savez(tmp_path / "d.npz", X=np.ones((30, 4)), y=np.arange(5))
    np.savez(tmp_path / "s.npz", X_train=np.ones((30, 4)), y_train=np.int64(3))
    with pytest.raises(ValueError, match=r"d\.npz: its labels 'y' hold 5 value\(s\) for the 30 "):
        load_array(tmp_path / "d.npz")
    with pytest.raises(ValueError, match=r"labels 'y_train' must be 1-D, .* of the 30 rows"):
        load_array(tmp_path / "s.npz", key="X_train")


def test_labels_not_1d_are_refused_by_their_shape_and_a_column_of_them_is_read(tmp_path):
    # y of shape (1, 40) beside 40 rows "held 1 value(s)"; a 0-d y beside one row "held 1
    # value(s) for the 1 rows ... save one label a row", which it seemed to be
    np.savez(tmp_path / "row.npz", X=np.ones((40, 4)), y=np.arange(40).reshape(1, 40))
    np.savez(tmp_path / "one.npz", X=np.ones((1, 4)), y=np.int64(3))
    np.savez(tmp_path / "col.npz", X=np.ones((40, 4)), y=np.arange(40).reshape(40, 1))
    for name, shape in (("row", r"\(1, 40\)"), ("one", r"\(\)")):
        with pytest.raises(ValueError, match=rf"labels 'y' must be 1-D, .*; got shape {shape}\.$"):
            load_array(tmp_path / f"{name}.npz")
    X, y = load_array(tmp_path / "col.npz")  # one label a row, as a column: read as 1-D is
    assert y.shape == (40, 1)
