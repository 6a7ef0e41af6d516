"""What the figure functions accept: the names reachable from ``aekit.viz``, and input that used
to fail with a raw IndexError or ZeroDivisionError, or to draw a wrong picture silently (codes
with NaN, labels with None, flat or channels-last images, 0-255 pixels)."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import aekit  # noqa: E402
from aekit.viz import denoising, generative, plots  # noqa: E402

FIGURES = {
    "latent_scatter": plots, "image_grid": plots, "reconstruction_grid": plots,
    "interpolation_strip": plots, "loss_curves": plots, "feature_reconstructions": plots,
    "real_vs_generated": plots, "as_images": plots, "latent_traversal": generative,
    "latent_manifold": generative, "denoising_grid": denoising,
}  # fmt: skip


def canvas(ax) -> np.ndarray:
    return np.asarray(ax.images[0].get_array())


def test_the_figure_functions_are_reachable_from_aekit_viz():
    public = [n for n in dir(aekit.viz) if not n.startswith("_")]
    for name, module in FIGURES.items():
        assert name in public and getattr(aekit.viz, name) is getattr(module, name)
    for name in ("save_figure", "series_figure", "score_histogram", "write_report"):
        assert callable(getattr(aekit.viz, name)) and name in aekit.viz.__all__
    with pytest.raises(AttributeError, match="no_such_figure"):
        aekit.viz.no_such_figure  # noqa: B018
    # The names load their modules when used: importing aekit.viz stays cheap.
    probe = (
        "import sys, aekit.viz; "
        "assert not {'matplotlib', 'jinja2', 'torch'} & set(sys.modules), 'heavy import'; "
        "aekit.viz.latent_scatter"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---- latent_scatter ---------------------------------------------------------------------------
Z = np.random.default_rng(0).normal(size=(30, 8))


def test_latent_scatter_refuses_labels_of_another_length_empty_codes_and_nan_codes():
    with pytest.raises(ValueError, match=r"labels of shape \(10,\) for 30 rows of Z"):
        plots.latent_scatter(Z, np.arange(10))
    with pytest.raises(ValueError, match="Z is empty"):
        plots.latent_scatter(np.empty((0, 2)))
    bad = Z.copy()
    bad[[3, 7], 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite codes in 2 of 30 rows \(3, 7\)"):
        plots.latent_scatter(bad)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, ""])  # "": an empty CSV cell as text
def test_latent_scatter_draws_missing_labels_grey_as_unlabelled(missing):
    labels = pd.Series(["b", "a"] * 15, dtype=object if missing is not pd.NA else "string")
    labels[[0, 5]] = missing
    ax = plots.latent_scatter(Z[:, :2], labels)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["a", "b", "unlabelled"]
    grey = next(c for c in ax.collections if c.get_label() == "unlabelled")
    np.testing.assert_allclose(grey.get_offsets(), Z[[0, 5], :2])
    np.testing.assert_allclose(grey.get_facecolor()[0, :3], [0.8] * 3)
    assert sum(len(c.get_offsets()) for c in ax.collections) == 30


def test_latent_scatter_names_whole_float_classes_as_integers():
    # classes with NaN for unlabelled rows are floats: the legend said 0.0, 1.0 (user review)
    labels = np.r_[np.nan, np.arange(29) % 2].astype(float)
    ax = plots.latent_scatter(Z[:, :2], labels)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "unlabelled"]


def test_latent_scatter_keeps_a_colour_bar_for_many_numbers_beside_unlabelled_rows():
    labels = np.linspace(0, 1, 30)
    labels[4] = np.nan
    ax = plots.latent_scatter(Z, labels)
    assert len(ax.figure.axes) == 2  # the colour bar
    assert [len(c.get_offsets()) for c in ax.collections] == [1, 29]


def test_latent_scatter_draws_one_row():
    ax = plots.latent_scatter(Z[:1], ["only"])  # one 8-D code: its PCA is the origin
    np.testing.assert_allclose(ax.collections[0].get_offsets(), [[0.0, 0.0]])
    assert plots.latent_scatter(Z[:1, :2]).collections[0].get_offsets().shape == (1, 2)


# ---- images -----------------------------------------------------------------------------------
IMAGES = np.random.default_rng(1).random((6, 1, 8, 8)).astype(np.float32)
RGB = np.random.default_rng(2).random((4, 3, 8, 8)).astype(np.float32)


def test_image_grid_takes_flat_rows_square_or_with_an_image_shape():
    expected = canvas(plots.image_grid(IMAGES, 3))
    np.testing.assert_array_equal(canvas(plots.image_grid(IMAGES.reshape(6, 64), 3)), expected)
    flat_rgb = RGB.reshape(4, -1)
    np.testing.assert_array_equal(
        canvas(plots.image_grid(flat_rgb, 2, image_shape=(3, 8, 8))),
        canvas(plots.image_grid(RGB, 2)),
    )
    with pytest.raises(ValueError, match="not square images; pass image_shape"):
        plots.image_grid(np.zeros((2, 10)), 2)


def test_channels_last_images_are_recognised_and_unclear_layouts_refused():
    np.testing.assert_array_equal(plots.as_images(RGB.transpose(0, 2, 3, 1)), RGB)
    np.testing.assert_array_equal(
        canvas(plots.image_grid(RGB.transpose(0, 2, 3, 1), 2)), canvas(plots.image_grid(RGB, 2))
    )
    with pytest.raises(ValueError, match="channel axis is unclear"):
        plots.as_images(np.zeros((4, 8, 8, 5)))  # was averaged over the height
    tiny = np.random.default_rng(3).random(
        (2, 3, 4, 4), dtype=np.float32
    )  # 3 x 4 x 4, or 4 x 4 x 3?
    with pytest.raises(ValueError, match="image_shape"):
        plots.image_grid(tiny, 2)
    np.testing.assert_array_equal(plots.as_images(tiny, (3, 4, 4)), tiny)
    np.testing.assert_array_equal(plots.as_images(tiny.transpose(0, 2, 3, 1), (3, 4, 4)), tiny)


def test_images_off_the_unit_range_are_scaled_from_their_own_range_not_clipped():
    pixels = np.round(IMAGES * 255)
    pixels[0, 0, 0, :2] = [0, 255]
    np.testing.assert_allclose(
        canvas(plots.image_grid(pixels, 3)), canvas(plots.image_grid(pixels / 255, 3)), atol=1e-6
    )
    # Inputs and reconstructions share the inputs' scale: a reconstruction overshooting it is
    # clipped (scaled from the extremes of both, a 0-255 model's outputs at [-721, 852] drew
    # every tile grey on grey, inputs included)
    overshooting = pixels * 2 - 255  # -255 .. 255
    tiles = canvas(plots.reconstruction_grid(pixels, overshooting, n_cols=6))
    np.testing.assert_allclose(tiles[1:9, 1:9], pixels[0, 0] / 255, atol=1e-6)
    np.testing.assert_allclose(
        tiles[10:18, 1:9], np.clip(overshooting[0, 0] / 255, 0, 1), atol=1e-6
    )
    # constant inputs off [0, 1] have no range: the reconstructions' joins it (not black)
    flat_in = np.full((2, 1, 8, 8), 200.0)
    near = flat_in + np.linspace(-5, 5, 128).reshape(2, 1, 8, 8)
    drawn = canvas(plots.reconstruction_grid(flat_in, near, n_cols=2))
    np.testing.assert_allclose(drawn[1:9, 1:9], 0.5, atol=1e-6)
    # the denoising figure on the clean images' scale alike
    tiles = canvas(denoising.denoising_grid(overshooting, overshooting, pixels, n_cols=6))
    np.testing.assert_allclose(tiles[19:27, 1:9], pixels[0, 0] / 255, atol=1e-6)
    np.testing.assert_allclose(tiles[1:9, 1:9], np.clip(overshooting[0, 0] / 255, 0, 1), atol=1e-6)
    with pytest.raises(ValueError, match="NaN or infinite pixels"):
        plots.image_grid(np.where(IMAGES > 0.5, np.nan, IMAGES), 3)


def test_empty_images_and_column_counts_below_one_are_refused():
    with pytest.raises(ValueError, match=r"images is empty \(shape \(0, 1, 8, 8\)\)"):
        plots.image_grid(np.empty((0, 1, 8, 8)), 4)
    for n_cols in (0, -1, 2.5):
        with pytest.raises(ValueError, match="n_cols must be a whole number of at least 1"):
            plots.image_grid(IMAGES, n_cols)
    with pytest.raises(ValueError, match="n_cols"):
        plots.reconstruction_grid(IMAGES, IMAGES, n_cols=0)
    with pytest.raises(ValueError, match="n_cols"):
        denoising.denoising_grid(IMAGES, IMAGES, n_cols=0)
    with pytest.raises(ValueError, match="n_cols"):
        plots.feature_reconstructions(Z, Z, n_cols=0)
    with pytest.raises(ValueError, match="3 row_labels for 2 rows"):
        plots.image_grid(IMAGES, 3, row_labels=["a", "b", "c"])


def test_save_figure_refuses_what_is_not_a_figure(tmp_path):
    from aekit.viz.figures import save_figure

    with pytest.raises(TypeError, match="matplotlib Figure.*not ndarray of float64"):
        save_figure(np.zeros((2, 2)), tmp_path / "x.png")  # was numpy's AttributeError
    assert not (tmp_path / "x.png").exists()


def test_text_given_as_codes_or_images_names_the_argument():
    # numpy's "could not convert string to float: 'abc'" named neither (user audit)
    from aekit.viz import image_grid, latent_scatter

    with pytest.raises(ValueError, match=r"^Z must hold numbers \(codes, e\.g\. model"):
        latent_scatter("abc")
    with pytest.raises(ValueError, match=r"^images must hold numbers \(pixels\); got list holding"):
        image_grid([["x"] * 4])


def test_none_or_a_model_given_as_an_array_is_named():
    """None became NaN codes ('Z has NaN or infinite codes in 1 of 1 rows'), and a model given
    in place of its images was said to hold text."""
    from aekit.viz import latent_scatter, reconstruction_grid

    with pytest.raises(ValueError, match=r"^Z is None; pass an array of codes"):
        latent_scatter(None)
    model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2)
    model.fit(np.random.default_rng(0).random((20, 16)))
    with pytest.raises(ValueError, match=r"^originals is a model \(Autoencoder\); pass an array"):
        reconstruction_grid(model, np.zeros((4, 16)))
