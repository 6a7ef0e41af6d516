"""The figures ``aekit interpolate -o PNG`` and ``aekit traverse`` write say what they show:
the path between its two input rows, captioned as a RUN's interpolation.png is (it was a bare
strip of decoded points), and the label a traversal decodes under (a 0 decoded as a 7 was
titled 'row 0' alone)."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import invoke, ok

from aekit.data.datasets import load_digits

QUICK = ["--epochs", "1", "--quiet", "--param", "hidden_layer_sizes=[8]"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walks")
    ok(invoke("train", "digits", "--model", "vae", *QUICK, "--out", folder / "vae"))
    ok(invoke("train", "digits", "--model", "cvae", *QUICK, "--out", folder / "cvae"))
    return folder


def captured(monkeypatch, module, name):
    """Calls of ``module.name``, recorded, still drawn."""
    calls = []
    real = getattr(module, name)

    def record(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, record)
    return calls


def test_an_interpolation_png_shows_its_two_rows_and_says_what_it_is(runs, monkeypatch):
    from aekit.viz import plots

    calls = captured(monkeypatch, plots, "interpolation_strip")
    out = runs / "walk.png"
    ok(invoke("interpolate", runs / "vae", "digits", "--from", 0, "--to", 10, "--steps", 5,
              "-o", out))  # fmt: skip
    (images,), said = calls[0]
    X, _ = load_digits(as_images=True)
    assert images.shape == (7, 1, 8, 8)  # the two inputs beside the 5 points
    np.testing.assert_allclose(images[0], X[0], atol=1e-6)
    np.testing.assert_allclose(images[-1], X[10], atol=1e-6)
    assert said["tile_labels"] == ["row 0", "t=0", "", "", "", "t=1", "row 10"]
    assert said["title"] == "linear path from row 0 to row 10"
    assert out.stat().st_size > 0


def test_a_traversal_says_the_label_it_decodes_under(runs, monkeypatch):
    from aekit.viz import generative

    calls = captured(monkeypatch, generative, "latent_traversal")
    ok(invoke("traverse", runs / "cvae", "digits", "--label", 7, "-o", runs / "t.png"))
    assert calls[0][1]["title"] == "row 0: one latent unit at a time, decoded as label 7"
