"""The plotting functions: each draws what it says on the axes it returns."""

import io
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from aekit.viz import plots as plotting  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_importing_plotting_loads_neither_torch_nor_pyplot():
    probe = (
        "import sys, aekit.viz.plots; "
        "assert 'torch' not in sys.modules, 'torch'; "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot'"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_loss_curves_draw_one_line_per_term_validation_dashed():
    history = {
        "loss": [30.0, 20.0, 15.0],
        "kl": [0.1, 1.0, 2.0],
        "val_loss": [31.0, 21.0, 16.0],
        "val_kl": [0.2, 1.1, 2.1],
    }
    ax = plotting.loss_curves(history, title="run")
    assert len(ax.lines) == len(history)
    styles = {line.get_label(): line.get_linestyle() for line in ax.lines}
    assert styles == {
        "loss (train)": "-",
        "loss (validation)": "--",
        "kl (train)": "-",
        "kl (validation)": "--",
    }
    colours = {line.get_label(): line.get_color() for line in ax.lines}
    assert colours["loss (train)"] == colours["loss (validation)"] != colours["kl (train)"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    assert ax.get_yscale() == "log"  # 0.1 .. 31 spans more than a factor of 50
    assert ax.get_title() == "run"


def test_loss_curves_draw_a_loss_equal_to_its_reconstruction_term_once():
    # a plain autoencoder's two lines were the same: the second covered the first
    ax = plotting.loss_curves({"loss": [3, 2], "reconstruction": [3, 2], "val_loss": [4, 3]})
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names == ["loss (train)", "loss (validation)", "reconstruction (train)"]  # val differs
    ax = plotting.loss_curves({"loss": [3, 2], "reconstruction": [3, 2]})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loss = reconstruction (train)"]


def test_loss_curves_mark_and_name_a_diverged_runs_epochs():
    # NaN epochs were left out silently: the line stopped, the axis too, and the run looked
    # healthy; a lone finite epoch between NaN ones drew nothing
    ax = plotting.loss_curves({"loss": [5, 4, 3, np.nan, np.nan], "val_loss": [6, np.nan, 4, 3, 2]})
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names == [
        "loss (train), not finite at epochs 4-5",
        "loss (validation), not finite at epoch 2",
    ]
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert sorted(np.concatenate([c.get_xdata() for c in crosses]).tolist()) == [2, 4, 5]
    assert ax.get_xlim() == (0.5, 5.5)
    lone = [line for line in ax.get_lines() if line.get_label().startswith("loss (validation)")]
    assert lone[0].get_marker() == "."
    ax = plotting.loss_curves({"loss": [np.inf, 1.0, 100.0]})  # log scale: still at the top
    cross = next(c for c in ax.get_lines() if c.get_marker() == "x")
    assert cross.get_ydata()[0] == 1 and cross.get_transform() == ax.get_xaxis_transform()
    # a second run drawn on the same axes is scaled into view (the axis was frozen)
    plotting.loss_curves({"loss": [10.0, 9.0, 8.0]}, ax=ax, log=False)
    assert ax.get_autoscaley_on() and ax.get_ylim()[1] >= 10


def test_loss_curves_stay_linear_for_close_or_negative_values_and_draw_on_a_given_axes():
    _, ax = plt.subplots()
    out = plotting.loss_curves({"loss": [-3.0, -4.0], "reconstruction": [1.0, 2.0]}, ax=ax)
    assert out is ax and ax.get_yscale() == "linear" and len(ax.lines) == 2
    single = plotting.loss_curves({"loss": [5.0]})
    assert single.lines[0].get_marker() == "o"  # one epoch still shows


def test_reconstruction_grid_alternates_input_and_reconstruction_rows():
    rng = np.random.default_rng(0)
    originals, reconstructions = rng.random((5, 1, 8, 8)), rng.random((5, 1, 8, 8))
    ax = plotting.reconstruction_grid(originals, reconstructions, n_cols=3)
    # 2 rows of 3 images -> 4 tile rows (input, reconstr., input, reconstr.), 1-pixel gaps.
    assert ax.images[0].get_array().shape == (4 * 9 + 1, 3 * 9 + 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["input", "reconstr."] * 2
    canvas = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(canvas[1:9, 1:9], originals[0, 0], rtol=1e-6)
    np.testing.assert_allclose(canvas[10:18, 1:9], reconstructions[0, 0], rtol=1e-6)


def test_reconstruction_grid_takes_flat_rows_and_checks_shapes():
    flat = np.random.default_rng(0).random((4, 3 * 6 * 5))
    ax = plotting.reconstruction_grid(flat, flat, n_cols=4, image_shape=(3, 6, 5))
    assert ax.images[0].get_array().shape == (2 * 7 + 1, 4 * 6 + 1, 3)
    square = plotting.reconstruction_grid(np.zeros((2, 64)), np.zeros((2, 64)))
    assert square.images[0].get_array().shape == (2 * 9 + 1, 2 * 9 + 1)
    with pytest.raises(ValueError, match="not square"):
        plotting.reconstruction_grid(np.zeros((2, 10)), np.zeros((2, 10)))
    with pytest.raises(ValueError, match="differ"):
        plotting.reconstruction_grid(np.zeros((2, 64)), np.zeros((3, 64)))


def test_interpolation_strip_is_one_row_with_tile_labels():
    images = np.linspace(0, 1, 6 * 64).reshape(6, 8, 8)
    labels = ["a", "", "", "", "", "b"]
    ax = plotting.interpolation_strip(images, tile_labels=labels, title="line")
    assert ax.images[0].get_array().shape == (1 * 9 + 1, 6 * 9 + 1)
    assert [t.get_text() for t in ax.get_xticklabels()] == labels
    assert ax.get_title() == "line"


def test_feature_reconstructions_draw_one_panel_per_feature_up_to_the_maximum():
    rng = np.random.default_rng(0)
    # columns b and e vary least: of 10, the 8 drawn are the others (the first 8 were drawn,
    # on the digits the near-blank border pixels), in column order
    X = rng.normal(size=(50, 10)) * [3, 0.1, 3, 3, 0.2, 3, 3, 3, 3, 3]
    axes = plotting.feature_reconstructions(X, X + 0.1, feature_names=list("abcdefghij"))
    assert len(axes) == 8
    assert [ax.get_title().split()[0] for ax in axes] == list("acdfghij")
    for j, ax in zip([0, 2, 3, 5, 6, 7, 8, 9], axes):
        assert len(ax.collections) == 1 and len(ax.lines) == 1  # the points and y = x
        np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 0], X[:, j])
    assert "R² 1.00" in axes[0].get_title()
    hidden = [a for a in axes[0].figure.axes if not a.get_visible()]
    assert not hidden  # 8 panels fill 2 rows of 4
    X[:, 1] = 0.0  # a constant column (the digits' first pixel) has no R²: "R² nan" before
    named = plotting.feature_reconstructions(X, X + 0.1, features=[np.int64(1), "x4"])
    assert [ax.get_title() for ax in named][0] == "x1  (constant)"
    assert named[1].get_title().startswith("x4  (R² ")
    for wrong, said in [(["z"], "'z' is no feature; the features: x0, x1"),
                        ([10], "feature 10 is out of range: the table has 10 columns"),
                        ("x1", "a non-empty list of positions or names"),
                        (np.int64(3), "a non-empty list of positions or names"),
                        ([1, "x1"], r"draw a column twice; name each once")]:  # fmt: skip
        with pytest.raises(ValueError, match=said):
            plotting.feature_reconstructions(X, X, features=wrong)
    with pytest.raises(ValueError, match="'a' names several columns: give a position"):
        plotting.feature_reconstructions(X, X, feature_names=["a"] * 10, features=["a"])


def test_feature_reconstructions_say_the_units_given_on_both_axes():
    X = np.random.default_rng(0).random((20, 3))
    figure = plotting.feature_reconstructions(X, X, units="standardized")[0].figure
    assert figure.get_supxlabel() == "true value (standardized)"
    assert figure.get_supylabel() == "reconstructed (standardized)"
    assert plotting.feature_reconstructions(X, X)[0].figure.get_supxlabel() == "true value"


def test_feature_reconstructions_use_given_axes_and_default_names():
    X = np.arange(12.0).reshape(4, 3)
    _, grid = plt.subplots(1, 3)
    axes = plotting.feature_reconstructions(X, X, axes=grid)
    assert list(axes) == list(grid)
    assert [ax.get_title().split()[0] for ax in axes] == ["x0", "x1", "x2"]
    with pytest.raises(ValueError, match="differ"):
        plotting.feature_reconstructions(X, X[:, :2])


def test_latent_scatter_projects_wide_codes_with_pca_and_colours_by_label():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(60, 8)) * np.arange(1, 9)
    labels = np.repeat(["cat", "dog", "owl"], 20)
    ax = plotting.latent_scatter(Z, labels)
    assert "PC1" in ax.get_xlabel() and "8-D" in ax.get_xlabel() and "PC2" in ax.get_ylabel()
    assert len(ax.collections) == 1  # one draw, in a random order: no class covers the rest
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["cat", "dog", "owl"]
    points, colours = ax.collections[0].get_offsets(), ax.collections[0].get_facecolors()
    assert points.shape == (60, 2) and len({tuple(c) for c in colours}) == 3
    drawn_first = {tuple(colours[i][:3]) for i in range(10)}
    assert len(drawn_first) > 1  # class by class, the first ten points drawn were all cats


def test_latent_scatter_colours_no_class_grey_and_names_the_rest_other():
    # tab20's greys were class 14's and 15's, the very greys of "other" and "unlabelled"
    from matplotlib.colors import to_rgb

    rng = np.random.default_rng(0)
    labels = np.array([f"c{k}" for k in rng.integers(0, 30, 900)], dtype=object)
    labels[:50] = None
    ax = plotting.latent_scatter(rng.normal(size=(900, 2)), labels)
    legend = ax.get_legend()
    handles, names = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
    assert names[-2:] == ["other", "unlabelled"] and len(names) == 22

    def grey(handle) -> bool:  # the greys of "other" and "unlabelled" (black is no such grey)
        rgb = to_rgb(handle.get_color())
        return max(rgb) - min(rgb) < 0.05 and 0.2 < rgb[0] < 0.95

    assert not any(grey(h) for h in handles[:20]), names
    # tab10's own grey was class 7's, beside the light grey of unlabelled rows
    eight = np.where(np.arange(900) < 50, np.nan, rng.integers(0, 8, 900))
    ax = plotting.latent_scatter(rng.normal(size=(900, 2)), eight)
    assert not any(grey(h) for h in ax.get_legend().legend_handles[:8])


def test_latent_scatter_reads_true_and_names_what_it_was_given():
    # a new user's pass: PC2 of 9% of the variance drawn as wide as PC1's 88%, classes 0 and 1
    # dark and light blue, a Series' name and a frame's columns ignored, class_11 before class_2
    import pandas as pd
    from matplotlib.colors import to_rgb

    rng = np.random.default_rng(0)
    wide = plotting.latent_scatter(rng.normal(size=(200, 3)) * [10, 1, 0.1])
    assert wide.get_aspect() == 1.0
    assert plotting.latent_scatter(rng.normal(size=(30, 1))).get_aspect() == "auto"  # jitter
    clusters = pd.Series(np.arange(200) % 15, name="cluster")
    ax = plotting.latent_scatter(rng.normal(size=(200, 2)), clusters)
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "cluster"
    import matplotlib

    tab20 = [to_rgb(matplotlib.colormaps["tab20"](k)) for k in range(20)]
    pair = [tab20.index(to_rgb(h.get_color())) // 2 for h in legend.legend_handles]
    assert all(a != b for a, b in zip(pair, pair[1:]))  # no two neighbours of one tab20 pair
    codes = pd.DataFrame(rng.normal(size=(30, 2)), columns=["alpha", "beta"])
    grades = pd.Series(pd.Categorical(list("cba") * 10, categories=["c", "b", "a"]))
    ax = plotting.latent_scatter(codes, grades)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("alpha", "beta")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["c", "b", "a"]
    named = np.array([f"class_{k}" for k in (2, 11, 1)] * 10)
    ax = plotting.latent_scatter(rng.normal(size=(30, 2)), named)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["class_1", "class_2", "class_11"]
    zero = plotting.latent_scatter(rng.normal(size=(30, 2)), pd.Series([1, 2] * 15, name=0))
    assert zero.get_legend().get_title().get_text() == "0"  # a name of 0 is a name
    # axes shared both ways cannot adjust their limits: the figure still saves
    figure, (left, right) = plt.subplots(1, 2, sharex=True, sharey=True)
    plotting.latent_scatter(rng.normal(size=(30, 2)), ax=left)
    plotting.latent_scatter(rng.normal(size=(30, 2)) * 2, ax=right)
    figure.savefig(io.BytesIO(), format="png")
    many = plotting.latent_scatter(
        rng.normal(size=(50, 2)), pd.Series(np.linspace(0, 1, 50), name="t")
    )
    assert many.figure.axes[-1].get_ylabel() == "t"  # the colour bar's


def test_latent_scatter_without_labels_and_for_narrow_codes():
    Z = np.random.default_rng(0).normal(size=(30, 2))
    ax = plotting.latent_scatter(Z)
    assert len(ax.collections) == 1 and ax.get_legend() is None
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("z0", "z1")
    np.testing.assert_allclose(ax.collections[0].get_offsets(), Z)
    one = plotting.latent_scatter(Z[:, :1])
    assert one.get_xlabel() == "z0" and "jitter" in one.get_ylabel()


def test_latent_scatter_uses_a_colour_bar_for_many_numeric_labels():
    Z = np.random.default_rng(0).normal(size=(50, 3))
    ax = plotting.latent_scatter(Z, labels=np.linspace(0, 1, 50))
    assert len(ax.collections) == 1 and len(ax.figure.axes) == 2  # the points and a colour bar


def test_real_vs_generated_picks_the_most_correlated_pair_by_default():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 4))
    X[:, 3] = X[:, 1] * 2 + 0.01 * rng.normal(size=100)
    ax = plotting.real_vs_generated(X, X[:40], feature_names=["a", "b", "c", "d"])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("b", "d")
    assert [len(c.get_offsets()) for c in ax.collections] == [100, 40]
    chosen = plotting.real_vs_generated(X, X, features=(0, 2))
    assert (chosen.get_xlabel(), chosen.get_ylabel()) == ("x0", "x2")
    # images: the first 12 pixels are constant corners, and both clouds were one dot at (0, 0)
    from aekit.data.datasets import load_digits

    digits = load_digits()[0]
    ax = plotting.real_vs_generated(digits, digits[:40])
    i, j = (int(label[1:]) for label in (ax.get_xlabel(), ax.get_ylabel()))
    assert digits[:, i].std() > 0.2 and digits[:, j].std() > 0.2


def test_real_vs_generated_picks_numbers_over_a_one_hot_group_by_default():
    # a group's dummies are the most correlated columns (-1 for two categories): its two 0/1
    # columns were drawn, four corners, where the numbers' joint shape says something
    rng = np.random.default_rng(0)
    a = rng.normal(size=300)
    numbers = {"a": a, "b": 0.5 * a + rng.normal(size=300), "c": rng.normal(size=300)}
    for categories in ("rg", "rgb"):
        kind = rng.choice(list(categories), size=300)
        dummies = {f"kind_{k}": (kind == k).astype(float) for k in categories}
        table = pd.DataFrame({**numbers, **dummies})
        ax = plotting.real_vs_generated(table, table)
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")
    # one number among 0/1 columns: drawn against the column it goes with most
    table = pd.DataFrame({"a": a, "up": (a > 0).astype(float), **dummies})
    ax = plotting.real_vs_generated(table, table)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "up")


def test_real_vs_generated_counts_a_columns_values_without_a_sorted_copy():
    # np.sort of every column to count its values held a sorted copy and its differences (twice
    # the table) and took 3 of the 5 s of MNIST's 60,000 x 784; X.var's one copy is left
    import tracemalloc

    from aekit.viz.table_figures import _default_pair

    X = np.random.default_rng(0).random((20000, 50))
    X[:, 7] = X[:, 7] > 0.5  # a 0/1 column among the numbers
    tracemalloc.start()
    try:
        _default_pair(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * X.nbytes


def test_real_vs_generated_draws_the_real_rows_over_the_generated_ones_so_both_show():
    # the generated cloud, drawn second at alpha 0.5, hid the real one's dense core
    rng = np.random.default_rng(0)
    real, generated = rng.normal(size=(3000, 2)), rng.normal(size=(500, 2))
    ax = plotting.real_vs_generated(real, generated)
    drawn_real, drawn_generated = ax.collections  # real first, as documented
    assert drawn_real.get_zorder() > drawn_generated.get_zorder()
    assert drawn_real.get_alpha() < drawn_generated.get_alpha() < 1  # 3000 points the lighter
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["real", "generated"]
    assert legend.get_zorder() > drawn_real.get_zorder()
    assert all(handle.get_alpha() == 1.0 for handle in legend.legend_handles)  # not faded


def test_latent_scatter_warns_when_every_code_is_one_point():
    # a collapsed encoder's codes were drawn as one dot, unsaid
    with pytest.warns(UserWarning, match=r"codes of all 50 rows are the same point") as said:
        ax = plotting.latent_scatter(np.full((50, 4), 0.3) + 1e-9 * np.arange(50)[:, None])
    assert "collapsed" in str(said[0].message) and "train longer" in str(said[0].message)
    assert said[0].filename == __file__  # the user's line
    assert len(ax.collections[0].get_offsets()) == 50
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plotting.latent_scatter(np.random.default_rng(0).normal(size=(50, 4)))  # codes that vary
        plotting.latent_scatter(np.zeros((1, 2)))  # one row is one point, rightly
