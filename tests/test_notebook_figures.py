"""In a Jupyter notebook drawing with its inline backend aekit's new figures are pyplot's, so
that a cell ending in ``latent_scatter(Z, y)`` shows the figure (a bare Figure was shown by
nothing: ``<Axes: ...>`` alone), once: a figure displayed as the cell's value is let go of by
pyplot, whose end of cell would show it again. Elsewhere (Agg here) figures stay outside
pyplot. The kernel is faked: the suite runs without Jupyter."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import aekit  # noqa: E402
from aekit.viz import notebook_figures  # noqa: E402

Z = np.random.default_rng(0).normal(size=(60, 2))
LABELS = np.arange(60) % 3


@pytest.fixture
def inline_notebook(monkeypatch):
    monkeypatch.setattr(notebook_figures, "_in_kernel", lambda: True)
    monkeypatch.setattr(notebook_figures, "_backend", lambda: "inline")
    plt.close("all")
    yield
    plt.close("all")


def test_in_a_notebook_a_new_figure_is_pyplots_and_let_go_when_displayed(inline_notebook):
    ax = aekit.viz.latent_scatter(Z, LABELS)
    assert len(plt.get_fignums()) == 1  # the inline backend shows it, closes it
    assert plt.get_fignums() == [ax.figure.number]
    series = aekit.viz.series_figure(Z[:, 0], Z[:, 1])
    assert len(plt.get_fignums()) == 2
    # as the cell's value (or display()): IPython draws it now, so pyplot lets go of it
    assert series._repr_mimebundle_() == {}
    assert plt.get_fignums() == [ax.figure.number]
    series.canvas.draw()  # still whole: it can be drawn again, or saved


def test_a_notebook_figure_reads_as_a_matplotlib_figure(inline_notebook):
    figure = aekit.viz.latent_scatter(Z, LABELS).figure
    plain = plt.figure(figsize=figure.get_size_inches())
    plain.add_subplot()
    assert repr(figure) == repr(plain)  # "<Figure size 640x500 with 1 Axes>"


def test_given_axes_make_no_figure_in_a_notebook(inline_notebook):
    fig, ax = plt.subplots()
    assert aekit.viz.latent_scatter(Z, LABELS, ax=ax) is ax
    assert plt.get_fignums() == [fig.number]


def test_the_run_figures_written_in_a_notebook_stay_outside_pyplot(inline_notebook, tmp_path):
    from aekit.data.datasets import load_digits

    X, y = load_digits()
    X, y = X[:80], y[:80]
    ae = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    written = aekit.viz.write_figures(tmp_path, ae.fit(X), X, y)
    assert written and plt.get_fignums() == []  # files, not figures shown under the cell


def test_outside_a_notebook_figures_stay_outside_pyplot():
    plt.close("all")
    ax = aekit.viz.latent_scatter(Z, LABELS)
    assert type(ax.figure) is matplotlib.figure.Figure and plt.get_fignums() == []
    assert not notebook_figures.in_inline_notebook()


def test_the_backend_is_read_from_the_environment_where_matplotlib_hides_it(monkeypatch):
    # rcParams._get_backend_or_none is private (matplotlib 3.8+): without it, every figure
    # drawn in a kernel would fail; ipykernel names its backend in MPLBACKEND
    import matplotlib

    from aekit.viz import notebook_figures

    monkeypatch.delattr(type(matplotlib.rcParams), "_get_backend_or_none")
    monkeypatch.setenv("MPLBACKEND", notebook_figures.INLINE_BACKENDS[0])
    assert notebook_figures._backend() == notebook_figures.INLINE_BACKENDS[0]
