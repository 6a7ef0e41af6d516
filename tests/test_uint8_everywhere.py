"""The warning that uint8 data (pixels 0..255) got a Gaussian from likelihood='auto' is given
however the uint8 values come: it read an array's ``dtype`` alone, so a torch tensor, a
DataFrame, a dataset on disk and the command line's ``--image-shape`` trained silently."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from cli_helpers import invoke, ok, refused

import aekit

QUICK = dict(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2)
PIXELS = np.random.default_rng(0).integers(0, 256, size=(64, 16)).astype(np.uint8)


def said(X) -> bool:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aekit.Autoencoder(**QUICK).fit(X)
    return any("is uint8 (pixel values 0..255?)" in str(w.message) for w in caught)


def frame(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(values, columns=[f"p{i}" for i in range(values.shape[1])])


def on_disk(values: np.ndarray, tmp_path, suffix: str):
    path = tmp_path / f"u{suffix}"
    np.save(path, values) if suffix == ".npy" else frame(values).to_parquet(path)
    return aekit.open_dataset(path)


CONTAINERS = {
    "tensor": lambda values, _: torch.from_numpy(values),
    "DataFrame": lambda values, _: frame(values),
    "npy dataset": lambda values, tmp_path: on_disk(values, tmp_path, ".npy"),
    "parquet dataset": lambda values, tmp_path: on_disk(values, tmp_path, ".parquet"),
}


@pytest.mark.parametrize("name", CONTAINERS)
def test_uint8_is_said_whatever_holds_it(name, tmp_path):
    container = CONTAINERS[name]
    assert said(container(PIXELS, tmp_path))
    assert not said(container((PIXELS / 255).astype(np.float32), tmp_path))  # [0, 1]: nothing


def test_a_frame_with_other_columns_is_not_pixels():
    mixed = frame(PIXELS).assign(age=np.linspace(20.0, 80.0, len(PIXELS)))
    assert not said(mixed)


def test_the_command_line_says_it_with_image_shape(tmp_path):
    np.save(tmp_path / "u.npy", PIXELS)
    with pytest.warns(UserWarning, match=r"is uint8 \(pixel values 0\.\.255\?\)"):
        ok(invoke("train", tmp_path / "u.npy", "--model", "ae", "--epochs", 1, "--quiet",
                  "--image-shape", "1,4,4", "--out", tmp_path / "run"))  # fmt: skip


def test_images_of_whole_numbers_up_to_255_are_said_whatever_their_dtype(tmp_path):
    # x.astype("float32") without / 255, or a CSV's pixels, trained a Gaussian silently
    images = PIXELS.reshape(64, 1, 4, 4)
    for X, params in [
        (images.astype(np.float32), {}),
        (images.astype(np.int64), {}),
        (PIXELS.astype(np.float32), {"image_shape": (1, 4, 4)}),
    ]:
        with pytest.warns(UserWarning, match=r"X's images hold whole numbers 0\.\.255"):
            aekit.Autoencoder(**QUICK, **params).fit(X)
    assert not said(PIXELS.astype(np.float32))  # a table of whole numbers: ages, counts
    table = frame(PIXELS).assign(label=np.arange(64) % 3)
    table.to_csv(tmp_path / "kaggle.csv", index=False)  # a label, then the pixels
    with pytest.warns(UserWarning, match=r"X's images hold whole numbers 0\.\.255"):
        ok(invoke("train", tmp_path / "kaggle.csv", "--label-column", "label", "--epochs", 1,
                  "--quiet", "--image-shape", "1,4,4", "--out", tmp_path / "run"))  # fmt: skip
    result = invoke("train", tmp_path / "kaggle.csv", "--epochs", 1, "--quiet",
                    "--image-shape", "1,4,4", "--out", tmp_path / "run2")  # fmt: skip
    refused(result, "If its column 'label' is the label, pass --label-column label.")


def test_pixel_values_are_judged_on_whole_rows_and_up_to_255(tmp_path):
    from aekit.estimators._data_scale import holds_whole_pixel_values

    # every k-th value of the flat rows fell in one column when k was a multiple of the width
    pixels = np.random.default_rng(1).integers(0, 256, size=(100_000, 16)).astype(np.float32)
    pixels[:, 0] = 0
    assert holds_whole_pixel_values(pixels) and holds_whole_pixel_values(pixels[:99_999])
    # scikit-learn's raw digits (0..16) were told to divide by 255
    digits = aekit.data.load_digits(as_images=True)[0] * 16
    assert not said(digits) and not holds_whole_pixel_values(digits)


def test_pixel_values_read_from_disk_are_said(tmp_path, monkeypatch):
    from cli_helpers import read_as_a_large_csv

    read_as_a_large_csv(monkeypatch, lazy_bytes=0)  # fitted from disk, a batch at a time
    frame(PIXELS.astype(np.float32)).to_csv(tmp_path / "px.csv", index=False)
    with pytest.warns(UserWarning, match=r"X's images hold whole numbers 0\.\.255"):
        ok(invoke("train", tmp_path / "px.csv", "--model", "ae", "--epochs", 1, "--quiet",
                  "--image-shape", "1,4,4", "--out", tmp_path / "run"))  # fmt: skip
