"""``aekit detect`` on a folder of images: its errors of mixed sizes or modes advise
--image-size and --grayscale, which detect did not take ('No such option'); it takes them now,
records them for the commands after it, and ``aekit info`` says them (not detect's records of
its labels as options)."""

import numpy as np
import pytest
from cli_helpers import invoke, ok, refused
from PIL import Image


def _folder(root, sizes, mode="L"):
    (root / "good").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i, size in enumerate(sizes):
        pixels = rng.integers(0, 255, (size, size, 3) if mode == "RGB" else (size, size))
        Image.fromarray(pixels.astype(np.uint8), mode).save(root / "good" / f"{i}.png")
    return root


@pytest.mark.filterwarnings("ignore")
def test_detect_resizes_and_greys_an_image_folder_and_records_it(tmp_path):
    quick = ["--param", "n_estimators=1", "--quiet"]
    mixed = _folder(tmp_path / "mixed", [16] * 10 + [12] * 2)
    refused(invoke("detect", mixed, "--out", tmp_path / "R0", *quick), "pass --image-size H,W")
    ok(invoke("detect", mixed, "--image-size", "16,16", "--out", tmp_path / "R", *quick))
    assert 'image_size = "16,16"' in (tmp_path / "R" / "config.toml").read_text()
    ok(invoke("score", tmp_path / "R", mixed, "-o", tmp_path / "s.csv"))  # read as recorded
    rows, key = {}, ""
    for line in ok(invoke("info", tmp_path / "R")).output.splitlines():  # wrapped cells joined
        cells = line.split("│")
        if len(cells) == 4:
            key = cells[1].strip() or key
            rows[key] = f"{rows.get(key, '')}{cells[2].strip()}"
    line = rows["data read as"]
    assert line.endswith("--image-size16,16") or line.endswith("--image-size 16,16"), line
    assert "--labels" not in line and "by-rule" not in line
    colour = _folder(tmp_path / "colour", [16] * 10, mode="RGB")
    for i in range(2):  # and two grey ones: a folder of mixed modes
        Image.fromarray(np.zeros((16, 16), np.uint8), "L").save(colour / "good" / f"g{i}.png")
    refused(invoke("detect", colour, "--out", tmp_path / "G0", *quick), "pass --grayscale")
    ok(invoke("detect", colour, "--grayscale", "--out", tmp_path / "G", *quick))
    assert "grayscale = true" in (tmp_path / "G" / "config.toml").read_text()
