"""The grids of images that reconstruct, generate, interpolate and denoise write with ``-o``
are figures, so they come in the formats the other figure outputs take (traverse, manifold):
.png, .svg and .pdf; .svg and .pdf were refused as tables would be."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_helpers import invoke, ok, refused

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2",
         "--quiet"]  # fmt: skip
STARTS = {".svg": b"<?xml", ".pdf": b"%PDF", ".png": b"\x89PNG"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    """x.npy (24 rows of 4x4 images), a VAE run V and a denoising run D trained on them."""
    folder = tmp_path_factory.mktemp("grids")
    np.save(folder / "x.npy", np.random.default_rng(0).uniform(size=(24, 16)).astype(np.float32))
    for model, run in (("vae", "V"), ("dae", "D")):
        ok(invoke("train", folder / "x.npy", "--image-shape", "1,4,4", "--model", model, *QUICK,
                  "--out", folder / run))  # fmt: skip
    return folder


@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
@pytest.mark.parametrize(
    "args",
    [
        ["reconstruct", "V", "x.npy"],
        ["generate", "V", "-n", "4"],
        ["interpolate", "V", "x.npy"],
        ["denoise", "D", "x.npy"],
    ],
)
def test_a_grid_is_written_in_the_format_its_suffix_names(args, suffix, runs, tmp_path):
    output = tmp_path / f"grid{suffix}"
    ok(invoke(*(runs / a if a[0].isupper() or a.endswith(".npy") else a for a in args),
              "-o", output))  # fmt: skip
    assert output.read_bytes().startswith(STARTS[suffix])


def test_another_image_suffix_is_refused_naming_the_grid_formats(runs, tmp_path):
    result = invoke("generate", runs / "V", "-o", tmp_path / "s.jpg")
    refused(result, "-o ", "s.jpg", ".png, .svg or .pdf")
    assert not (tmp_path / "s.jpg").exists()
