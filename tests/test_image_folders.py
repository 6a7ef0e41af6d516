"""Folders of PNG/JPEG images as both readers read them: :func:`aekit.open_dataset` (lazily) and
the command line's DATA (:func:`aekit.cli.data.load_image_folder`, whole)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import aekit
from aekit.cli.data import DataOptions, load_image_folder
from aekit.data.datasets import load_digits


def lazily(folder: Path, **options) -> tuple[np.ndarray, np.ndarray | None]:
    dataset = aekit.open_dataset(folder, **options)
    return dataset.read(0, len(dataset)).reshape(dataset.shape), dataset.labels


def whole(folder: Path, image_size=None, grayscale=False) -> tuple[np.ndarray, np.ndarray | None]:
    size = None if image_size is None else ",".join(map(str, image_size))
    return load_image_folder(folder, DataOptions(image_size=size, grayscale=grayscale))


READERS = pytest.mark.parametrize("read", [lazily, whole], ids=["open_dataset", "command_line"])


def grey_digits(n: int = 3) -> np.ndarray:
    """``n`` 8x8 digits as 8-bit grey images, 0..255."""
    X, _ = load_digits(as_images=True)
    return np.round(X[:n, 0] * 255).astype(np.uint8)


def save(folder: Path, images, name: str = "{}.png") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, image in enumerate(images):
        image.save(folder / name.format(i))
    return folder


@READERS
@pytest.mark.parametrize("image_size", [None, (5, 6)])
def test_16_bit_grey_pngs_are_read_at_full_precision(tmp_path, read, image_size):
    # they were converted straight to 8 bits, clipping every value above 255: pure black and white
    raw = grey_digits()
    sixteen = save(tmp_path / "16", [Image.fromarray(r.astype(np.uint16) * 257) for r in raw])
    eight = save(tmp_path / "8", [Image.fromarray(r) for r in raw])
    assert Image.open(sixteen / "0.png").mode.startswith("I")
    X, _ = read(sixteen, image_size=image_size)
    expected, _ = read(eight, image_size=image_size)
    assert X.shape == expected.shape == (3, 1, *(image_size or (8, 8)))
    assert len(np.unique(X)) > 2 and X.min() >= 0 and X.max() <= 1
    if image_size is None:  # v * 257 / 65535 is v / 255 exactly
        np.testing.assert_allclose(X[:, 0], raw / 255, atol=1e-6)
    # Pillow resamples 8 bits in integers, clipped between its two passes, floats unclipped
    np.testing.assert_allclose(X, expected, atol=1 / 255 if image_size is None else 0.03)


@READERS
def test_grey_with_alpha_and_grey_palette_pngs_are_grey(tmp_path, read):
    # LA and P PNGs were read as colour: a folder of them beside L PNGs "mixed grey and colour"
    raw = grey_digits()
    with_alpha = Image.fromarray(raw[1]).convert("LA")
    with_alpha.putalpha(Image.fromarray(255 - raw[1]))  # alpha is dropped, as RGBA's is
    images = [Image.fromarray(raw[0]), with_alpha, Image.fromarray(raw[2]).convert("P")]
    folder = save(tmp_path / "grey", images)
    assert [Image.open(folder / f"{i}.png").mode for i in range(3)] == ["L", "LA", "P"]
    X, _ = read(folder)
    assert X.shape == (3, 1, 8, 8)
    np.testing.assert_allclose(X[:, 0], raw / 255, atol=1e-6)


@READERS
def test_colour_palette_pngs_are_colour(tmp_path, read):
    rgb = np.random.default_rng(0).integers(0, 256, size=(8, 8, 3), dtype=np.uint8)
    palette = Image.fromarray(rgb).quantize(16)
    images = [Image.fromarray(rgb), Image.fromarray(rgb).convert("RGBA"), palette]
    folder = save(tmp_path / "colour", images)
    assert Image.open(folder / "2.png").mode == "P"
    X, _ = read(folder)
    assert X.shape == (3, 3, 8, 8)
    np.testing.assert_allclose(X[1], rgb.transpose(2, 0, 1) / 255, atol=1e-6)
    quantized = np.asarray(palette.convert("RGB")).transpose(2, 0, 1)
    np.testing.assert_allclose(X[2], quantized / 255, atol=1e-6)


def class_folders(root: Path, layout: dict[str, int]) -> Path:
    """Grey 8x8 PNGs under ``root``: ``layout`` maps a folder (relative, '' for the top level)
    to how many images it holds, each image i filled with the value i."""
    for folder, n in layout.items():
        save(root / folder, [Image.fromarray(np.full((8, 8), i, np.uint8)) for i in range(n)])
    return root


@READERS
def test_hidden_files_and_folders_are_skipped(tmp_path, read):
    # a copy in pngs/3/.ipynb_checkpoints/ added a class '.ipynb_checkpoints' and its rows
    root = class_folders(tmp_path / "pngs", {"3": 2, "7": 2, "3/.ipynb_checkpoints": 1})
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(root / "7" / ".hidden.png")
    X, y = read(root)
    assert list(y) == ["3", "3", "7", "7"] and len(X) == 4


@READERS
def test_a_folder_of_hidden_images_only_says_they_are_skipped(tmp_path, read):
    root = class_folders(tmp_path / "pngs", {".cache": 2})
    with pytest.raises(ValueError, match=r"no PNG or JPEG images \(2 hidden ones, named '\.\*'"):
        read(root)


@READERS
def test_images_beside_class_folders_are_refused(tmp_path, read):
    # the top-level ones were labelled with the folder's own name, 'mixed_layout'
    root = class_folders(tmp_path / "mixed_layout", {"": 3, "a": 1, "b": 1})
    with pytest.raises(ValueError) as caught:
        read(root)
    assert str(caught.value) == (
        f"{root} holds 3 images at its top level and class sub-folders (a, b): put every image "
        "in a class folder, or none."
    )


@READERS
def test_the_label_is_the_first_level_folder_however_deep(tmp_path, read):
    # nested/0/1/x.png and nested/1/1/y.png were both class '1', the innermost folder's name
    root = class_folders(tmp_path / "nested", {"0/1": 1, "1/1": 2, "1/2": 1, "2": 1})
    X, y = read(root)
    assert list(y) == ["0", "1", "1", "1", "2"]
    np.testing.assert_array_equal(X[:, 0, 0, 0] * 255, [0, 0, 1, 0, 0])  # the rows in that order


@READERS
def test_one_level_and_flat_layouts_keep_their_labels(tmp_path, read):
    _, y = read(class_folders(tmp_path / "one", {"cat": 2, "dog": 1}))
    assert list(y) == ["cat", "cat", "dog"]
    assert read(class_folders(tmp_path / "flat", {"": 3}))[1] is None


@pytest.mark.parametrize("image_size", [28, (28,), (28, 28, 3), (28.0, 28), "28"])
def test_image_size_other_than_a_height_and_width_is_refused(tmp_path, image_size):
    # image_size=28 was "TypeError: 'int' object is not subscriptable"
    root = class_folders(tmp_path / "flat", {"": 2})
    with pytest.raises(ValueError) as caught:
        aekit.open_dataset(root, image_size=image_size)
    assert str(caught.value) == (
        f"image_size={image_size!r}: give image_size=(height, width) in pixels, e.g. (28, 28)."
    )


@pytest.mark.parametrize("image_size", [(0, 5), (5, -1)])
def test_image_size_must_be_positive(tmp_path, image_size):
    # (0, 5) blamed the first image: "... is not a readable image: height and width must be > 0"
    root = class_folders(tmp_path / "flat", {"": 2})
    with pytest.raises(ValueError, match=r"^image_size=\(.*\): height and width must be positive"):
        aekit.open_dataset(root, image_size=image_size)


def test_an_image_size_too_large_to_decode_is_refused_before_any_image(tmp_path):
    # --image-size 40000,40000 (a typo) allocated 6 GiB an image, then died
    root = class_folders(tmp_path / "flat", {"": 2})
    with pytest.raises(ValueError, match=r"1,600,000,000 pixels an image, above 89,478,485"):
        aekit.open_dataset(root, image_size=(40000, 40000))


def test_the_command_line_refuses_such_a_size_before_reading(tmp_path):
    from cli_helpers import invoke, refused

    from aekit.cli.errors import for_the_command_line

    root = class_folders(tmp_path / "flat", {"": 2})
    result = invoke("train", root, "--image-size", "40000,40000", "--out", tmp_path / "R")
    said = for_the_command_line(refused(result, "pixels an image"))
    assert said.startswith("--image-size 40000,40000 is 1,600,000,000 pixels an image")
    assert not (tmp_path / "R").exists()


def test_image_size_takes_any_two_whole_numbers(tmp_path):
    root = class_folders(tmp_path / "flat", {"": 2})
    assert aekit.open_dataset(root, image_size=[np.int64(5), 6]).shape == (2, 1, 5, 6)


def test_a_single_image_is_refused_naming_its_folder(tmp_path):
    # one PNG was "cannot open ... lazily: use a .npy, .parquet or .csv file, ... or a folder of
    # images" and, as DATA, "not a table ... or an image folder"
    from aekit.cli.data import load_data

    image = class_folders(tmp_path / "pngs", {"": 1}) / "0.png"
    for options in ({}, {"image_size": 8}):  # its folder, not "leave them out", the fix
        with pytest.raises(ValueError) as caught:
            aekit.open_dataset(image, **options)
        assert str(caught.value) == (
            f"{image} is one image; open_dataset reads a folder of images: pass its folder, "
            f"open_dataset({str(image.parent)!r})."
        )
    with pytest.raises(ValueError) as caught:
        load_data(str(image), DataOptions())
    assert str(caught.value) == (
        f"DATA {str(image)!r} is one image; DATA reads a folder of images: give its folder, "
        f"{str(image.parent)!r}."
    )


def test_one_image_beside_class_folders_is_named_in_the_singular(tmp_path):
    root = class_folders(tmp_path / "mixed_layout", {"": 1, **{c: 1 for c in "abcd"}})
    with pytest.raises(
        ValueError,
        match=r"holds 1 image at its top level and class sub-folders "
        r"\(a, b, c, \.\.\.\): put every image in a class folder, or none\.$",
    ):
        aekit.open_dataset(root)


@pytest.mark.parametrize("damage", ["not an image", "truncated"])
def test_a_damaged_image_is_named_with_the_fix(tmp_path, damage):
    # it was named with Pillow's words alone ("cannot identify image file"), no way on
    root = class_folders(tmp_path / "flat", {"": 3})
    first = sorted(root.glob("*.png"))[0]
    whole = first.read_bytes()
    first.write_bytes(b"\x89PNG\r\n\x1a\nxxxx" if damage == "not an image" else whole[:-40])
    with pytest.raises(ValueError) as caught:
        aekit.open_dataset(root).numpy()
    said = str(caught.value)
    assert said.startswith(f"{first} is not a readable image (")
    assert said.endswith("): replace it with a readable copy, or move it out of the folder.")


def test_a_detector_given_an_image_folder_is_told_a_reshape_that_works_on_it(tmp_path):
    # an open_dataset has no reshape: "X.reshape(len(X), -1)" failed with an AttributeError
    folder = aekit.open_dataset(class_folders(tmp_path / "flat", {"": 6}))
    detector = aekit.AnomalyDetector(n_estimators=1, random_state=0)
    with pytest.raises(ValueError) as caught:
        detector.fit(folder)
    said = str(caught.value)
    assert said.endswith(
        "To read each sample's values as one row: np.asarray(X).reshape(len(X), -1)."
    )
    X = folder  # the advice, as given
    assert np.asarray(X).reshape(len(X), -1).shape == (6, np.prod(folder.shape[1:]))


@pytest.mark.parametrize("options", [{"image_size": (8, 8)}, {"grayscale": True}])
def test_image_options_on_a_table_or_an_array_are_refused(tmp_path, options):
    # they passed unused, where label_column on an array is refused (API review)
    rows = np.random.default_rng(0).random((5, 4))
    np.save(tmp_path / "a.npy", rows)
    (tmp_path / "parts").mkdir()
    pd.DataFrame(rows, columns=list("abcd")).to_parquet(tmp_path / "parts" / "0.parquet")
    pd.DataFrame(rows, columns=list("abcd")).to_csv(tmp_path / "t.csv", index=False)
    for name in ("a.npy", "parts", "parts/0.parquet", "t.csv"):
        with pytest.raises(ValueError, match=r"image_size and grayscale apply to folders of "
                           rf"images, not to .*{name}: leave them out"):  # fmt: skip
            aekit.open_dataset(tmp_path / name, **options)
    folder = save(tmp_path / "pics", [Image.fromarray(a) for a in grey_digits()])
    assert aekit.open_dataset(folder, **options).shape[0] == 3  # a folder of images takes them
