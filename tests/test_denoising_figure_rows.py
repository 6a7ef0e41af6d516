"""The denoising figure of a model of rows or sequences: lines of each example's noisy, denoised
and clean values. It was drawn for image models alone: ``aekit train --model dae`` left out
figures/denoising.png, and ``aekit denoise --figure`` refused the whole command, telling the
user to write the -o .npy they had written."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2",
         "--quiet"]  # fmt: skip


def sines(n: int, channels: int, length: int, seed: int = 0) -> np.ndarray:
    """``n`` sequences of sines, one frequency per channel: (n, channels, length) float32."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 2 * np.pi, length)
    return np.sin(t * rng.uniform(1, 3, (n, channels, 1))).astype(np.float32)


def drawn(path: Path) -> np.ndarray:
    """The PNG at ``path`` read back, checked to be a picture and not one flat colour."""
    import matplotlib.image

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 200 and pixels.shape[1] > 300, pixels.shape
    assert pixels[..., :3].std() > 0.05  # lines and text on white, not a blank page
    return pixels


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("denoising_rows")
    np.save(folder / "rows.npy", sines(60, 1, 30).reshape(60, 30))  # flat rows of 30 values
    np.save(folder / "seq.npy", sines(60, 2, 24))  # two-channel sequences of 24 steps
    rng = np.random.default_rng(1)
    table = pd.DataFrame(rng.normal(size=(60, 4)) * [1, 10, 0.01, 100], columns=list("abcd"))
    table.to_csv(folder / "t.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def rows_run(data, tmp_path_factory) -> Path:
    """A denoising RUN of the flat rows, trained once: the tests below only read it."""
    run = tmp_path_factory.mktemp("rows_run") / "R"
    ok(invoke("train", data / "rows.npy", "--model", "dae", *QUICK, "--out", run))
    return run


def test_train_draws_the_denoising_figure_of_rows(rows_run):
    drawn(rows_run / "figures" / "denoising.png")


def test_train_draws_the_denoising_figure_of_a_table_without_a_warning(data, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok(invoke("train", data / "t.csv", "--model", "dae", *QUICK, "--out", tmp_path / "T"))
    drawn(tmp_path / "T" / "figures" / "denoising.png")
    said = [str(w.message) for w in caught]
    assert not [m for m in said if "feature names" in m or "not drawn" in m], said


def test_the_run_figure_corrupts_each_feature_on_its_own_scale():
    # features 0.01 and 100 apart in scale: one noise level in data units would bury the one
    # and leave the other untouched; the model corrupts standardized features
    import aekit
    from aekit.viz.denoising_panels import model_noise

    X = np.random.default_rng(0).normal(size=(200, 3)) * [0.01, 1.0, 100.0]
    dae = aekit.DenoisingAutoencoder(noise_level=0.3, max_iter=1, hidden_layer_sizes=(8,),
                                     latent_dim=2, random_state=0, device="cpu").fit(X)  # fmt: skip
    moved = (model_noise(dae, X) - X).std(axis=0) / X.std(axis=0)
    assert np.all((moved > 0.2) & (moved < 0.35)), moved  # about 0.3 each, a little clipped


def test_denoise_figure_of_a_rows_model(data, rows_run, tmp_path):
    result = ok(invoke("denoise", rows_run, data / "rows.npy", "--add-noise", "gaussian:0.5",
                       "-o", tmp_path / "d.npy", "--figure", tmp_path / "f.png"))  # fmt: skip
    assert np.load(tmp_path / "d.npy").shape == (60, 30)
    assert "PSNR against the clean rows" in result.output
    drawn(tmp_path / "f.png")
    # without --add-noise there is no clean row: noisy and denoised alone
    ok(invoke("denoise", rows_run, data / "rows.npy", "-o", tmp_path / "e.csv",
              "--figure", tmp_path / "g.png"))  # fmt: skip
    drawn(tmp_path / "g.png")


def test_denoise_figure_of_a_conv1d_sequence_model(data, tmp_path):
    ok(invoke("train", data / "seq.npy", "--model", "dae", *QUICK, "--param",
              "architecture=conv1d", "--out", tmp_path / "S"))  # fmt: skip
    drawn(tmp_path / "S" / "figures" / "denoising.png")
    ok(invoke("denoise", tmp_path / "S", data / "seq.npy", "--add-noise", "gaussian:0.3",
              "-o", tmp_path / "d.npy", "--figure", tmp_path / "f.png"))  # fmt: skip
    assert np.load(tmp_path / "d.npy").shape == (60, 2, 24)
    drawn(tmp_path / "f.png")


def test_a_png_grid_of_a_rows_model_is_refused_pointing_at_figure(data, rows_run, tmp_path):
    result = invoke("denoise", rows_run, data / "rows.npy", "-o", tmp_path / "c.png")
    refused(result, "-o .png needs an image model", "write -o .npy", "--figure draws")
    assert not (tmp_path / "c.png").exists()


def test_the_image_figure_is_still_a_grid(tmp_path):
    images = np.random.default_rng(0).uniform(size=(40, 16)).astype(np.float32)
    np.save(tmp_path / "x.npy", images)
    ok(invoke("train", tmp_path / "x.npy", "--image-shape", "1,4,4", "--model", "dae", *QUICK,
              "--out", tmp_path / "I"))  # fmt: skip
    drawn(tmp_path / "I" / "figures" / "denoising.png")
    ok(invoke("denoise", tmp_path / "I", tmp_path / "x.npy", "--add-noise", "masking:0.3",
              "-o", tmp_path / "c.npy", "--figure", tmp_path / "f.png"))  # fmt: skip
    assert np.load(tmp_path / "c.npy").shape == (40, 1, 4, 4)
    drawn(tmp_path / "f.png")


def test_denoising_lines_draws_a_panel_per_row_and_channel():
    from aekit.viz.denoising_panels import MAX_CHANNELS, denoising_lines

    X = sines(8, 5, 20)
    axes = denoising_lines(X, X * 0.5, X, sequence_shape=(5, 20), max_rows=4, n_cols=2)
    assert len(axes) == 4 * MAX_CHANNELS  # five channels: the first three drawn, said so
    assert "the first 3 of 5 channels" in axes[0].figure.get_suptitle()
    assert [line.get_label() for line in axes[0].get_lines()] == ["noisy", "denoised", "clean"]
    assert axes[0].get_title() == "row 0" and axes[0].get_ylabel() == "channel 0"
    table = denoising_lines(X[:, 0, :4], X[:, 0, :4], feature_names=list("abcd"))
    assert len(table) == 6 and len(table[0].get_lines()) == 2  # no clean row: two lines
    assert [t.get_text() for t in table[-1].get_xticklabels()] == list("abcd")
    with pytest.raises(ValueError, match="differ in length"):
        denoising_lines(X[:, 0], X[:, 1, :10])


def test_denoise_of_a_table_with_text_columns_writes_the_tables_columns(tmp_path):
    # It failed with "could not convert string to float: 'Oslo'": the run's encoder was not read.
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            "a": rng.normal(size=120),
            "b": rng.normal(size=120),
            "city": rng.choice(["Rome", "Oslo"], 120),
        }
    )
    table.to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("train", tmp_path / "t.csv", "--model", "dae", "--epochs", "2", "--quiet",
              "--no-figures", "--out", tmp_path / "RUN"))  # fmt: skip
    ok(invoke("denoise", tmp_path / "RUN", tmp_path / "t.csv", "-o", tmp_path / "d.csv"))
    denoised = pd.read_csv(tmp_path / "d.csv")
    assert list(denoised.columns) == ["a", "b", "city"] and len(denoised) == 120
    assert set(denoised["city"]) <= {"Rome", "Oslo"}
    reconstructed = tmp_path / "r.csv"
    ok(invoke("reconstruct", tmp_path / "RUN", tmp_path / "t.csv", "-o", reconstructed))
    # without noise a denoising autoencoder's denoise is its reconstruction
    pd.testing.assert_frame_equal(denoised, pd.read_csv(reconstructed))
    refused(
        invoke(
            "denoise",
            tmp_path / "RUN",
            tmp_path / "t.csv",
            "-o",
            tmp_path / "n.csv",
            "--add-noise",
            "gaussian:0.3",
        ),  # fmt: skip
        "--add-noise corrupts numbers",
        "text columns (city)",
    )
    assert not (tmp_path / "n.csv").exists()
