"""Figures of a VAE's latent space: traversals and the 2-D manifold, from Python, in the run
figures and from the command line."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import DEVICE
from typer.testing import CliRunner  # noqa: E402

import aekit  # noqa: E402
from aekit.cli import app  # noqa: E402
from aekit.data.datasets import load_digits  # noqa: E402
from aekit.viz import generative as plotting_generative  # noqa: E402
from aekit.viz.report import write_figures  # noqa: E402

TINY = {"hidden_layer_sizes": (16,), "max_iter": 3, "random_state": 0, "device": DEVICE}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(as_images=True)
    return X[:300], y[:300]


@pytest.fixture(scope="module")
def vae2(digits):
    return aekit.VAE(latent_dim=2, **TINY).fit(digits[0])


def _tile(ax, row: int, col: int, size: int = 8) -> np.ndarray:
    """The pixels of one tile of an image_grid (tiles are separated by one pixel)."""
    canvas = np.asarray(ax.images[0].get_array())
    top, left = 1 + row * (size + 1), 1 + col * (size + 1)
    return canvas[top : top + size, left : left + size]


def test_traversal_figure_shows_each_unit_in_its_row(vae2, digits):
    values = [-2.0, 0.0, 2.0]
    grid = vae2.traverse(digits[0][0], values)
    ax = plotting_generative.latent_traversal(grid, values, units=[0, 1])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["z0", "z1"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-2", "0", "2"]
    np.testing.assert_allclose(_tile(ax, 1, 2), grid[1, 2, 0], atol=1e-6)
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("latent unit", "the unit's value")
    assert ax.get_title() == ""  # every unit shown: nothing to say
    plt.close(ax.figure)
    # 2 rows of a 32-unit code were shown unsaid
    ax = plotting_generative.latent_traversal(grid, values, [5, 9], title="walk", latent_dim=32)
    assert ax.get_title() == "walk\n2 of 32 units shown"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["z5", "z9"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="2 values for 3 columns"):
        plotting_generative.latent_traversal(grid, [0, 1])
    with pytest.raises(ValueError, match="n_units, n_values"):
        plotting_generative.latent_traversal(grid[0, 0, 0])


def test_manifold_figure_lays_out_the_grid(vae2):
    grid = vae2.manifold_grid(n=4)
    ax = plotting_generative.latent_manifold(grid)
    np.testing.assert_allclose(_tile(ax, 3, 0), grid[3, 0, 0], atol=1e-6)
    assert ax.get_xlabel().startswith("z0") and ax.get_ylabel().startswith("z1")
    # each axis marked with the codes' values (it had none): the prior's 5%..95% quantiles,
    # mirrored about the middle, z1 growing upwards as row 0 is the top
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-1.6", "1.6"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1.6", "-1.6"]
    plt.close(ax.figure)
    odd = plotting_generative.latent_manifold(vae2.manifold_grid(n=5))
    assert [t.get_text() for t in odd.get_xticklabels()] == ["-1.6", "-0.6", "0", "0.6", "1.6"]
    # each mark at its tile's centre: 8-pixel tiles 1 pixel apart, pixel i centred at i
    np.testing.assert_allclose(odd.get_xticks(), [4.5 + 9 * k for k in range(5)])
    np.testing.assert_allclose(odd.get_yticks(), [4.5 + 9 * k for k in range(5)])
    plt.close(odd.figure)
    with pytest.raises(ValueError, match=r"\(n, n, ...\)"):
        plotting_generative.latent_manifold(grid[:3])
    with pytest.raises(ValueError, match="3 values for the 4 codes along each side"):
        plotting_generative.latent_manifold(grid, values=[0, 1, 2])


def test_run_figures_add_traversal_and_manifold_for_image_vaes(vae2, digits, tmp_path):
    X, y = digits
    names = {p.name for p in write_figures(tmp_path / "a", vae2, X, y)}
    assert {"traversal.png", "manifold.png"} <= names
    vae3 = aekit.VAE(latent_dim=3, **TINY).fit(X)
    names = {p.name for p in write_figures(tmp_path / "b", vae3, X, y)}
    assert "traversal.png" in names and "manifold.png" not in names
    cvae = aekit.ConditionalVAE(latent_dim=2, **TINY).fit(X, y)
    names = {p.name for p in write_figures(tmp_path / "c", cvae, X, y)}
    assert {"traversal.png", "manifold.png"} <= names
    ae = aekit.Autoencoder(latent_dim=2, **TINY).fit(X)
    names = {p.name for p in write_figures(tmp_path / "d", ae, X, y)}
    assert not {"traversal.png", "manifold.png"} & names


def test_cli_traverse_and_manifold(vae2, digits, tmp_path):
    runner = CliRunner()
    model = tmp_path / "vae.aekit"
    vae2.save(model)
    out = tmp_path / "t.png"
    result = runner.invoke(app, ["traverse", str(model), "digits", "--index", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = runner.invoke(app, ["manifold", str(model), "-n", "5", "-o", str(tmp_path / "m.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.png").exists()
    bad = runner.invoke(app, ["traverse", str(model), "digits", "--index", "5000"])
    assert isinstance(bad.exception, ValueError) and "outside DATA" in str(bad.exception)
    bad = runner.invoke(app, ["traverse", str(model), "digits", "--values", "a,b"])
    assert isinstance(bad.exception, ValueError) and "--values" in str(bad.exception)
    cvae = tmp_path / "cvae.aekit"
    aekit.ConditionalVAE(latent_dim=3, **TINY).fit(*digits).save(cvae)
    bad = runner.invoke(app, ["manifold", str(cvae), "--label", "1", "-o", str(tmp_path / "x.png")])
    assert isinstance(bad.exception, ValueError) and "latent_dim=2" in str(bad.exception)
    assert not (tmp_path / "x.png").exists()
    # the row's own label, as interpolate takes its ends' (it was refused for no --label)
    own = runner.invoke(app, ["traverse", str(cvae), "digits", "-o", str(tmp_path / "o.png")])
    assert own.exit_code == 0, own.output
    np.save(tmp_path / "rows.npy", digits[0][:5])  # no labels: the class must be given
    bad = runner.invoke(app, ["traverse", str(cvae), str(tmp_path / "rows.npy")])
    assert isinstance(bad.exception, ValueError) and "needs --label" in str(bad.exception)
    result = runner.invoke(
        app, ["traverse", str(cvae), "digits", "--label", "4", "-o", str(tmp_path / "c.png")]
    )
    assert result.exit_code == 0, result.output


def test_cli_manifold_draws_a_model_of_flat_rows_given_their_shape(digits, tmp_path):
    # manifold had no --image-shape, and its refusal pointed at traverse (user review)
    runner = CliRunner()
    model = tmp_path / "flat.aekit"
    aekit.VAE(latent_dim=2, **TINY).fit(digits[0].reshape(300, -1)).save(model)
    out = tmp_path / "m.png"
    bad = runner.invoke(app, ["manifold", str(model), "-o", str(out)])
    assert isinstance(bad.exception, ValueError)
    assert "flat rows of 64 values: pass --image-shape C,H,W" in str(bad.exception)
    assert "e.g. 1,8,8 for 64" in str(bad.exception) and not out.exists()
    result = runner.invoke(
        app, ["manifold", str(model), "-n", "4", "--image-shape", "1,8,8", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(app, ["manifold", str(model), "--image-shape", "1,8,9", "-o", str(out)])
    assert isinstance(bad.exception, ValueError) and "needs rows of 72 values" in str(bad.exception)
    # a code of 3 units is said first: --image-shape, asked for before, could not help
    wide = tmp_path / "wide.aekit"
    aekit.VAE(latent_dim=3, **TINY).fit(digits[0].reshape(300, -1)).save(wide)
    bad = runner.invoke(app, ["manifold", str(wide), "-o", str(tmp_path / "w.png")])
    assert "needs latent_dim=2; this model has 3" in str(bad.exception)


def test_cli_traverse_says_an_unknown_label_before_the_image_shape(digits, tmp_path):
    # of a model of flat rows it asked for --image-shape first, then refused --label 12
    X, y = digits
    model = tmp_path / "cvae.aekit"
    aekit.ConditionalVAE(**TINY).fit(X.reshape(len(X), -1), y).save(model)
    np.save(tmp_path / "x.npy", X.reshape(len(X), -1))
    args = ["traverse", str(model), str(tmp_path / "x.npy"), "--label", "12"]
    bad = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "t.png")])
    assert "label '12' was not seen in training" in str(bad.exception), bad.output
