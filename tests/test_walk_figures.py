"""The figures ``aekit interpolate -o PNG`` and ``aekit traverse`` write say what they show:
the path between its two input rows, captioned as a RUN's interpolation.png is (it was a bare
strip of decoded points), and the label a traversal decodes under (a 0 decoded as a 7 was
titled 'row 0' alone)."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import invoke, ok

from aekit.data.datasets import load_digits

QUICK = ["--epochs", "1", "--quiet", "--no-figures", "--param", "hidden_layer_sizes=[8]"]


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
    import aekit

    # the figure says how many of the code's units its rows are (10 of them, by default)
    assert calls[0][1]["latent_dim"] == aekit.load(runs / "cvae" / "model.safetensors").latent_dim_


def test_a_sequence_models_figures_are_refused_as_sequences_not_flat_rows(tmp_path):
    # generate, interpolate and traverse -o .png of a VAE of (1, 30) sequences said "trained on
    # flat rows of 30 values; pass --image-shape", which drew each beat as a 5x6 image
    t = np.linspace(0, 6, 30)
    rows = np.sin(t)[None, None] + 0.1 * np.random.default_rng(0).normal(size=(60, 1, 30))
    np.save(tmp_path / "seq.npy", rows.astype(np.float32))
    run = tmp_path / "SQ"
    ok(invoke("train", tmp_path / "seq.npy", "--model", "vae", "--epochs", 1, "--quiet",
              "--no-figures", "--out", run))  # fmt: skip
    sequences = "was trained on sequences of shape (1, 30); "
    for command in (
        ["generate", run, "-n", 4, "-o", tmp_path / "g.png"],
        ["generate", run, "-n", 4, "-o", tmp_path / "g.png", "--image-shape", "1,5,6"],
        [
            "interpolate",
            run,
            tmp_path / "seq.npy",
            "--from",
            0,
            "--to",
            3,
            "-o",
            tmp_path / "w.png",
        ],
    ):
        result = invoke(*command)
        assert isinstance(result.exception, ValueError), result.output
        assert sequences + "write .npy, .csv or .parquet" in str(result.exception)
        assert not (tmp_path / "g.png").exists() and not (tmp_path / "w.png").exists()
    said = str(invoke("traverse", run, tmp_path / "seq.npy", "-o", tmp_path / "t.png").exception)
    assert sequences + "'aekit generate' writes its rows as .npy" in said
    ok(invoke("generate", run, "-n", 4, "-o", tmp_path / "g.npy"))
    assert np.load(tmp_path / "g.npy").shape == (4, 1, 30)


def test_pgf_is_refused_without_a_tex_system(monkeypatch):
    # it was listed among the formats, then 'xelatex' not found: a traceback after the work
    import shutil
    from pathlib import Path

    from aekit.cli.output_formats import check_figure

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ValueError, match=r"^-o m\.pgf: cannot draw a figure as \.pgf; use") as no:
        check_figure(Path("m.pgf"), "-o")
    assert "pgf" not in str(no.value).split("; use ")[1]
    check_figure(Path("m.svg"), "-o")  # the others still taken
