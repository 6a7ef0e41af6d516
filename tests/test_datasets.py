"""Tests for aekit.data.datasets: IDX parsing, MNIST folders, digits, and array/table files."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aekit.data.datasets import load_array, load_digits, load_mnist, read_idx

# --- helpers -------------------------------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as an IDX file: magic 0x0000_08_ndim, big-endian dims, data."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def write_idx(path: Path, array: np.ndarray, gz: bool = False) -> Path:
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def make_split(folder: Path, prefix: str, n: int, rows: int, cols: int, seed: int, gz: bool):
    """Write ``{prefix}-images/labels`` files with random contents; return the raw arrays."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, rows, cols), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255  # make sure both ends of the scale appear
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    suffix = ".gz" if gz else ""
    write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images, gz)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels, gz)
    return images, labels


@pytest.fixture
def mnist_dir(tmp_path: Path) -> tuple[Path, dict[str, tuple[np.ndarray, np.ndarray]]]:
    # Different sizes per split so that reading the wrong files cannot pass by accident.
    raw = {
        "train": make_split(tmp_path, "train", n=7, rows=5, cols=4, seed=0, gz=False),
        "test": make_split(tmp_path, "t10k", n=3, rows=5, cols=4, seed=1, gz=False),
    }
    return tmp_path, raw


# --- read_idx ------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_round_trip(tmp_path: Path, gz: bool) -> None:
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / "a.idx", array, gz=gz)
    out = read_idx(path)
    assert out.dtype == np.uint8
    assert out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out, array)
    out[0, 0, 0] = 99  # the public helper hands back an ordinary writable array


def test_read_idx_1d(tmp_path: Path) -> None:
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    out = read_idx(write_idx(tmp_path / "l", labels))
    np.testing.assert_array_equal(out, labels)
    assert out.shape == (5,)


def test_read_idx_truncated_payload(tmp_path: Path) -> None:
    path = tmp_path / "cut-images-idx3-ubyte"
    path.write_bytes(idx_bytes(np.zeros((4, 3, 3), dtype=np.uint8))[:-5])
    with pytest.raises(ValueError, match="truncated") as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert "36 bytes" in str(info.value) and "31 bytes" in str(info.value)


def test_read_idx_truncated_header(tmp_path: Path) -> None:
    path = tmp_path / "short"
    path.write_bytes(struct.pack(">HBB", 0, 0x08, 3) + struct.pack(">I", 10))  # 1 of 3 dims
    with pytest.raises(ValueError, match="truncated"):
        read_idx(path)
    path.write_bytes(b"\x00\x00")
    with pytest.raises(ValueError, match="fewer than the 4-byte"):
        read_idx(path)


def test_read_idx_trailing_bytes(tmp_path: Path) -> None:
    path = tmp_path / "long"
    path.write_bytes(idx_bytes(np.zeros(4, dtype=np.uint8)) + b"xx")
    with pytest.raises(ValueError, match="2 unexpected trailing bytes"):
        read_idx(path)


def test_read_idx_wrong_magic(tmp_path: Path) -> None:
    path = tmp_path / "foreign.bin"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ValueError, match="not an IDX file") as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert "0x504B0304" in str(info.value)


def test_read_idx_non_byte_type_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "floats"
    path.write_bytes(struct.pack(">HBBI", 0, 0x0D, 1, 1) + struct.pack(">f", 1.0))
    with pytest.raises(ValueError, match="unsigned bytes"):
        read_idx(path)


def test_read_idx_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(idx_bytes(np.arange(200, dtype=np.uint8)))
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")


# --- load_mnist ----------------------------------------------------------------------------------


def test_load_mnist_train_flat(mnist_dir) -> None:
    folder, raw = mnist_dir
    images, labels = raw["train"]
    X, y = load_mnist(folder)
    assert X.dtype == np.float32 and X.shape == (7, 20)
    np.testing.assert_allclose(X, images.reshape(7, 20) / 255.0, rtol=1e-6)
    assert X.min() == 0.0 and X.max() == 1.0
    assert y is not None and y.dtype == np.int64
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_test_split_as_images(mnist_dir) -> None:
    folder, raw = mnist_dir
    images, labels = raw["test"]
    X, y = load_mnist(str(folder), split="test", as_images=True)
    assert X.shape == (3, 1, 5, 4) and X.dtype == np.float32
    np.testing.assert_allclose(X[:, 0], images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_gzipped_folder(tmp_path: Path) -> None:
    images, labels = make_split(tmp_path, "t10k", n=4, rows=3, cols=3, seed=2, gz=True)
    X, y = load_mnist(tmp_path, split="test")
    assert X.shape == (4, 9)
    np.testing.assert_allclose(X, images.reshape(4, 9) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_images_file_with_and_without_labels(mnist_dir) -> None:
    folder, raw = mnist_dir
    images, labels = raw["train"]
    X, y = load_mnist(folder / "train-images-idx3-ubyte", as_images=True)
    assert X.shape == (7, 1, 5, 4)
    np.testing.assert_array_equal(y, labels)

    (folder / "train-labels-idx1-ubyte").unlink()
    X, y = load_mnist(folder / "train-images-idx3-ubyte")
    assert X.shape == (7, 20)
    assert y is None


def test_load_mnist_images_file_with_gzipped_labels(tmp_path: Path) -> None:
    images = np.full((2, 2, 2), 51, dtype=np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.array([7, 8], np.uint8), gz=True)
    X, y = load_mnist(tmp_path / "train-images-idx3-ubyte")
    np.testing.assert_allclose(X, 0.2, rtol=1e-6)
    np.testing.assert_array_equal(y, [7, 8])


def test_load_mnist_bad_split(mnist_dir) -> None:
    folder, _ = mnist_dir
    with pytest.raises(ValueError, match="split='valid'") as info:
        load_mnist(folder, split="valid")
    assert "'test'" in str(info.value) and "'train'" in str(info.value)


def test_load_mnist_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte.gz"):
        load_mnist(tmp_path, split="test")
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_mnist(tmp_path / "missing")
    # Images present but labels missing: a folder must have both.
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((1, 2, 2), np.uint8))
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        load_mnist(tmp_path)


def test_load_mnist_wrong_kind_of_file(mnist_dir) -> None:
    folder, _ = mnist_dir
    # A labels file passed as images has a valid IDX header but the wrong magic.
    with pytest.raises(ValueError, match="0x00000801") as info:
        load_mnist(folder / "train-labels-idx1-ubyte")
    assert "0x00000803" in str(info.value)


def test_load_mnist_truncated_images(mnist_dir) -> None:
    folder, _ = mnist_dir
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ValueError, match="truncated") as info:
        load_mnist(folder)
    assert str(path) in str(info.value)


def test_load_mnist_count_mismatch(tmp_path: Path) -> None:
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 2, 2), np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="3 images but .* 2 labels"):
        load_mnist(tmp_path)


# --- load_digits ---------------------------------------------------------------------------------


def test_load_digits() -> None:
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(10))

    images, y2 = load_digits(as_images=True)
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float32
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    np.testing.assert_array_equal(y2, y)


# --- load_array ----------------------------------------------------------------------------------


def test_load_array_npy(tmp_path: Path) -> None:
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.save(tmp_path / "x.npy", array)
    X, y = load_array(tmp_path / "x.npy")
    np.testing.assert_array_equal(X, array)
    assert X.dtype == np.float32 and y is None


def test_load_array_npz_with_labels(tmp_path: Path) -> None:
    array, labels = np.ones((4, 2)), np.array([0, 1, 0, 1])
    np.savez(tmp_path / "d.npz", X=array, y=labels)
    X, y = load_array(str(tmp_path / "d.npz"))
    np.testing.assert_array_equal(X, array)
    np.testing.assert_array_equal(y, labels)


def test_load_array_npz_key_choice(tmp_path: Path) -> None:
    np.savez(tmp_path / "lower.npz", x=np.zeros((2, 2)), other=np.ones(3))
    X, y = load_array(tmp_path / "lower.npz")
    assert X.shape == (2, 2) and y is None

    np.savez(tmp_path / "lone.npz", data=np.ones((5, 3)), y=np.arange(5))
    X, y = load_array(tmp_path / "lone.npz")
    assert X.shape == (5, 3)
    np.testing.assert_array_equal(y, np.arange(5))

    np.savez(tmp_path / "two.npz", a=np.ones(2), b=np.ones(2))
    with pytest.raises(ValueError, match=r"holds 2 arrays and none named 'X'.*\['a', 'b'\]"):
        load_array(tmp_path / "two.npz")


def test_load_array_refuses_pickles(tmp_path: Path) -> None:
    objects = np.array([{"a": 1}, None], dtype=object)
    np.save(tmp_path / "o.npy", objects, allow_pickle=True)
    with pytest.raises(ValueError, match="object array") as info:
        load_array(tmp_path / "o.npy")
    assert "o.npy" in str(info.value)

    np.savez(tmp_path / "o.npz", X=objects)
    with pytest.raises(ValueError, match="object array"):
        load_array(tmp_path / "o.npz")

    (tmp_path / "p.npy").write_bytes(b"\x80\x04garbage")  # not .npy: numpy would unpickle it
    with pytest.raises(ValueError, match="never unpickles"):
        load_array(tmp_path / "p.npy")


def test_load_array_label_column_on_arrays_is_an_error(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="label_column='y'"):
        load_array(tmp_path / "x.npy", label_column="y")


def test_load_array_csv(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b,label\n1,2.5,x\n3,4.5,y\n")
    X, y = load_array(path, label_column="label")
    assert isinstance(X, pd.DataFrame)
    assert list(X.columns) == ["a", "b"]
    np.testing.assert_array_equal(X.to_numpy(), [[1, 2.5], [3, 4.5]])
    assert list(y) == ["x", "y"]

    X, y = load_array(path)
    assert list(X.columns) == ["a", "b", "label"] and y is None


def test_load_array_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame({"f1": [0.1, 0.2, 0.3], "f2": [1, 2, 3], "target": [0, 1, 1]})
    frame.to_parquet(tmp_path / "t.parquet")
    X, y = load_array(tmp_path / "t.parquet", label_column="target")
    assert isinstance(X, pd.DataFrame) and list(X.columns) == ["f1", "f2"]
    np.testing.assert_allclose(X["f1"], [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(y, [0, 1, 1])


@pytest.mark.parametrize(
    "content, problem",
    [
        ("", "is empty"),
        ("a,b\n1,2\n3,4,5\n", "line 3"),
        # every row one field longer than the header: pandas took the first field as the
        # index, reading the file shifted by a column without a word
        ("a,b\n1,2,3\n4,5,6\n", "more fields than its header row has names"),
    ],
    ids=["empty", "ragged", "one field more in every row"],
)
def test_load_array_bad_csv_names_the_file(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=problem) as info:
        load_array(path)
    assert str(path) in str(info.value)


def test_a_trailing_separator_on_every_row_is_no_extra_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2,\n3,4,\n")
    X, _ = load_array(path)
    assert list(X.columns) == ["a", "b"]
    np.testing.assert_array_equal(X.to_numpy(), [[1, 2], [3, 4]])


def test_load_array_missing_label_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"label_column='y'.*\['a', 'b'\]"):
        load_array(path, label_column="y")


def test_load_array_only_label_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("y\n1\n2\n")
    with pytest.raises(ValueError, match="no columns left"):
        load_array(path, label_column="y")


def test_load_array_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("whatever")
    with pytest.raises(ValueError, match=r"'\.xlsx'.*'\.npy'.*'\.parquet'"):
        load_array(path)


def test_load_array_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_array(tmp_path / "nope.csv")


def test_load_array_corrupt_files(tmp_path: Path) -> None:
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match="Parquet"):
        load_array(tmp_path / "bad.parquet")
    np.save(tmp_path / "single.npy", np.zeros(2))
    (tmp_path / "single.npy").rename(tmp_path / "single.npz")
    with pytest.raises(ValueError, match="not an .npz archive"):
        load_array(tmp_path / "single.npz")
