"""DATA a new user made and aekit read wrong without a word, or refused with a traceback (user
review of the readers): an .npz without data, a labels file's trailing blank lines, an image
folder's other formats, a Parquet folder's other files and partitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from PIL import Image

from aekit.data.datasets import load_array
from aekit.data.images import image_files
from aekit.data.lazy import open_dataset

QUICK = ["--model", "ae", "--epochs", "1", "--param", "hidden_layer_sizes=[4]", "--quiet"]


def test_an_npz_without_a_data_array_is_said_so(tmp_path):
    # an IndexError, as a traceback with exit code 1
    np.savez(tmp_path / "only_y.npz", y=np.arange(5))
    np.savez(tmp_path / "none.npz")
    with pytest.raises(ValueError, match=r"only_y\.npz holds only labels, 'y': no data to read"):
        load_array(tmp_path / "only_y.npz")
    with pytest.raises(ValueError, match=r"none\.npz holds no arrays: no data to read"):
        load_array(tmp_path / "none.npz")


def test_blank_lines_after_the_last_label_of_a_txt_are_no_labels(tmp_path):
    # "--labels y.txt holds 22 labels; DATA has 20 rows" for an editor's two newlines
    np.save(tmp_path / "X.npy", np.random.default_rng(0).random((20, 3)))
    (tmp_path / "y.txt").write_text("\n".join(["u", "v"] * 10) + "\n\n\n")
    (tmp_path / "n.txt").write_text("\n".join(["1", "0"] * 10) + "\n\n\n")
    for labels in ("y.txt", "n.txt"):
        ok(invoke("train", tmp_path / "X.npy", "--labels", tmp_path / labels, *QUICK,
                  "--model", "cvae", "--out", tmp_path / labels.replace(".", "")))  # fmt: skip
    (tmp_path / "short.txt").write_text("\n".join(["u", "v"] * 9) + "\n")  # too few: said
    refused(
        invoke("train", tmp_path / "X.npy", "--labels", tmp_path / "short.txt", *QUICK,
               "--model", "cvae", "--out", tmp_path / "S"),
        "holds 18 labels; DATA",
    )  # fmt: skip


def test_images_of_other_formats_in_a_folder_are_said_to_be_skipped(tmp_path):
    # a class of .bmp and .webp images vanished; the cvae then said "1 labelled class only"
    for name in ("a/0.png", "a/1.png", "b/2.bmp", "b/3.webp"):
        path = tmp_path / "img" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.full((4, 4), 9, dtype=np.uint8)).save(path)
    with pytest.warns(UserWarning, match=r"holds 2 images of other formats \(\.bmp, \.webp; the "):
        files = image_files(tmp_path / "img")
    assert [f.name for f in files] == ["0.png", "1.png"]


def test_files_that_are_no_images_in_a_folder_are_said_to_be_skipped(tmp_path):
    # a notes.txt was skipped without a word, where a .bmp was said
    for name in ("a/0.png", "b/1.png"):
        (tmp_path / "img" / name).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(tmp_path / "img" / name)
    (tmp_path / "img" / "notes.txt").write_text("shot on Monday")
    (tmp_path / "img" / ".DS_Store").write_bytes(b"\0")  # hidden: no data, unsaid
    with pytest.warns(UserWarning, match=r"holds a file that is no image \(notes\.txt\), skipped"):
        assert [f.name for f in image_files(tmp_path / "img")] == ["0.png", "1.png"]


def test_a_parquet_folders_other_files_and_partitions_are_said(tmp_path):
    frame = pd.DataFrame(np.random.default_rng(0).random((20, 3)), columns=list("abc"))
    (tmp_path / "pq").mkdir()
    frame[:10].to_parquet(tmp_path / "pq" / "p0.parquet")
    frame[10:].to_csv(tmp_path / "pq" / "p1.csv", index=False)  # 10 rows read, unsaid
    with pytest.warns(UserWarning, match=r"1 data file that is not Parquet \(the first: p1\.csv"):
        assert len(open_dataset(tmp_path / "pq").reader.files) == 1
    frame.assign(lab=["x", "y"] * 10).to_parquet(tmp_path / "parts", partition_cols=["lab"])
    with pytest.warns(UserWarning, match=r"partition column 'lab' lies in the folder names"):
        assert len(open_dataset(tmp_path / "parts").reader.files) == 2


def test_a_zip_of_several_files_is_said_with_its_files(tmp_path):
    # pandas said "Multiple files found in ZIP file. Only one file per ZIP: [...]", naming
    # neither the archive nor the fix; a Finder zip holds __MACOSX/ beside the table
    import zipfile

    with zipfile.ZipFile(tmp_path / "two.csv.zip", "w") as archive:
        archive.writestr("a.csv", "x,y\n1,2\n")
        archive.writestr("b.csv", "x,y\n3,4\n")
    with zipfile.ZipFile(tmp_path / "mac.csv.zip", "w") as archive:
        archive.writestr("t.csv", "x,y\n1,2\n3,4\n")
        archive.writestr("__MACOSX/._t.csv", "\x00\x05")
    with pytest.raises(ValueError, match=r"two\.csv\.zip holds 2 files \(a\.csv, b\.csv\); a "):
        load_array(tmp_path / "two.csv.zip")
    with pytest.raises(ValueError, match=r"holds t\.csv and macOS's resource files .*\(zip -d"):
        load_array(tmp_path / "mac.csv.zip")
    with zipfile.ZipFile(tmp_path / "one.csv.zip", "w") as archive:
        archive.writestr("t.csv", "x,y\n1,2\n3,4\n")
    assert load_array(tmp_path / "one.csv.zip")[0].shape == (2, 2)


def test_a_structured_npy_and_a_corrupt_parquet_are_named(tmp_path):
    # "must have 2 axes ... got shape (20,)" for a record a row; pyarrow's "magic bytes not
    # found in footer" named no file
    np.save(tmp_path / "records.npy", np.zeros(20, dtype=[("a", "f8"), ("b", "i4")]))
    said = r"records\.npy holds a structured array \(a record a row, fields a, b\)"
    with pytest.raises(ValueError, match=said):
        load_array(tmp_path / "records.npy")
    refused(
        invoke("train", tmp_path / "records.npy", *QUICK, "--out", tmp_path / "R"), "fields a, b"
    )
    (tmp_path / "bad.parquet").write_bytes(b"PAR1garbage")
    refused(
        invoke("train", tmp_path / "bad.parquet", *QUICK, "--out", tmp_path / "P"),
        f"cannot read {tmp_path / 'bad.parquet'} as Parquet",
    )
