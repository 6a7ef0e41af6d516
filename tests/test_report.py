"""Run reports: the figures a run folder gets, and the one self-contained HTML page."""

import base64
import html
import io
import re
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.data.datasets import load_digits
from aekit.viz.report import write_figures, write_report

ALL_FIGURES = {
    "loss_curves.png",
    "reconstructions.png",
    "latent.png",
    "samples.png",
    "interpolation.png",
    "traversal.png",  # latent_dim 2 would add manifold.png
}
IMG = re.compile(r'<img\s[^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(as_images=True)
    return X[:200], y[:200]


@pytest.fixture(scope="module")
def cvae(digits):
    X, y = digits
    params = {"max_iter": 2, "hidden_layer_sizes": (16,), "early_stopping": True}
    return aekit.ConditionalVAE(**params, random_state=0).fit(X, y)  # early stopping: val_ terms


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(120, 2))
    values = np.column_stack([base, base @ rng.normal(size=(2, 8)), rng.normal(size=120)])
    return pd.DataFrame(values * 3 + 10, columns=[f"col {j}" for j in range(11)])


def written(paths, run_dir):
    """Names of the written figures, after checking each is a decodable PNG in figures/."""
    for path in paths:
        assert path.parent == run_dir / "figures"
        image = matplotlib.image.imread(path)
        assert image.ndim == 3 and min(image.shape[:2]) > 50
    assert sorted(paths) == sorted((run_dir / "figures").glob("*.png"))
    return {path.name for path in paths}


def strict_write_figures(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a figure that fails warns: fail the test instead
        return write_figures(*args, **kwargs)


def test_conditional_vae_on_images_gets_every_figure(tmp_path, digits, cvae):
    X, y = digits
    paths = strict_write_figures(tmp_path, cvae, X, y)
    assert written(paths, tmp_path) == ALL_FIGURES


def test_conditional_vae_without_labels_conditions_on_its_predictions(tmp_path, digits, cvae):
    paths = strict_write_figures(tmp_path, cvae, digits[0][:50])
    assert written(paths, tmp_path) == ALL_FIGURES


def test_vae_on_flat_image_rows_with_labels_gets_every_figure(tmp_path, digits):
    X, y = digits
    flat = X.reshape(len(X), -1)
    vae = aekit.VAE(max_iter=2, hidden_layer_sizes=(16,), image_shape=(1, 8, 8), random_state=0)
    paths = strict_write_figures(tmp_path, vae.fit(flat), flat, y, max_rows=100)
    assert written(paths, tmp_path) == ALL_FIGURES


def test_tabular_autoencoder_gets_loss_reconstruction_and_latent_figures(tmp_path, table):
    ae = aekit.Autoencoder(latent_dim=2, max_iter=2, hidden_layer_sizes=(16,), random_state=0)
    paths = strict_write_figures(tmp_path, ae.fit(table), table)
    assert written(paths, tmp_path) == {"loss_curves.png", "reconstructions.png", "latent.png"}


def test_a_sequence_model_draws_its_sequences_over_their_reconstructions(tmp_path):
    # a conv1d model's reconstructions.png scattered its first 8 steps as features (user review)
    from aekit.viz.report_figures import _Data, _figure_reconstructions

    steps = np.linspace(0, 6, 40)
    rows = np.sin(steps + np.random.default_rng(0).uniform(0, 3, (60, 1)))
    ae = aekit.Autoencoder(architecture="conv1d", sequence_shape=(1, 40), latent_dim=2,
                           max_iter=2, random_state=0).fit(rows)  # fmt: skip
    figure = _figure_reconstructions(_Data(ae, rows, None, 60, 0))
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert len(panels) == 6 and "training sequences" in figure._suptitle.get_text()
    assert all(ax.get_title().startswith("row ") for ax in panels)  # rows of the training data
    given, rebuilt = panels[0].get_lines()
    assert len(given.get_xdata()) == 40 and rebuilt.get_linestyle() == "--"
    paths = strict_write_figures(tmp_path, ae, rows)
    assert "reconstructions.png" in written(paths, tmp_path)


def test_sequence_reconstructions_checks_its_shape():
    from aekit.viz import sequence_reconstructions

    rows = np.zeros((3, 20))
    with pytest.raises(
        ValueError, match=r"sequence_shape=\(2, 9\) holds 18 values; X.s rows hold 20"
    ):
        sequence_reconstructions(rows, rows, (2, 9))
    axes = sequence_reconstructions(rows, rows + 1, (2, 10))
    assert len(axes) == 3 and len(axes[0].get_lines()) == 4  # two channels, each twice
    # 5 panels in rows of 4: the three with no panel below kept no step numbers (shared x axis)
    panels = sequence_reconstructions(np.zeros((5, 20)), np.zeros((5, 20)), (2, 10), n_cols=4)
    bottom = [ax.xaxis.get_tick_params()["labelbottom"] for ax in panels]
    assert bottom == [False, True, True, True, True]
    sequences = rows.reshape(3, 2, 10)  # drawn as 4 made-up channels of 5 steps, unsaid
    with pytest.raises(ValueError, match=r"differs from X's sequences of shape \(2, 10\)"):
        sequence_reconstructions(sequences, sequences, (4, 5))


def test_tabular_vae_also_compares_real_and_generated_rows(tmp_path, table):
    vae = aekit.VAE(latent_dim=2, max_iter=2, hidden_layer_sizes=(16,), random_state=0)
    labels = np.arange(len(table)) % 3
    paths = strict_write_figures(tmp_path / "run", vae.fit(table), table, labels)
    names = written(paths, tmp_path / "run")
    assert names == {"loss_curves.png", "reconstructions.png", "latent.png", "samples.png"}


def test_a_failing_figure_warns_and_the_others_are_still_written(tmp_path, table):
    ae = aekit.Autoencoder(latent_dim=2, max_iter=2, hidden_layer_sizes=(16,), random_state=0)
    ae.fit(table)
    ae.history_ = {"loss": ["not", "numbers"]}
    with pytest.warns(RuntimeWarning, match="loss_curves.png not drawn"):
        paths = write_figures(tmp_path, ae, table)
    assert written(paths, tmp_path) == {"reconstructions.png", "latent.png"}


def test_figures_leave_the_users_backend_and_pyplot_alone(tmp_path):
    # In a fresh interpreter: this test session has pyplot loaded and its backend chosen.
    probe = f"""
import sys, matplotlib
matplotlib.use("svg")  # what a user may have chosen; any backend but Agg
import aekit
from aekit.viz import plots
from aekit.viz.figures import save_figure
from aekit.viz.report import write_figures
X, y = aekit.data.datasets.load_digits(as_images=True)
model = aekit.VAE(latent_dim=2, max_iter=1, hidden_layer_sizes=(8,), random_state=0)
assert len(write_figures({str(tmp_path)!r}, model.fit(X[:60]), X[:60], y[:60])) >= 5
save_figure(plots.latent_scatter(model.transform(X[:60]), y[:60]), {str(tmp_path / "z.svg")!r})
assert "matplotlib.pyplot" not in sys.modules, "pyplot imported"
assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "z.svg").read_text().lstrip().startswith("<?xml")


COMMAND = "aekit train digits.npz --model ConditionalVAE --latent-dim 8 --out 'runs/<a&b>'"


def make_run(run_dir, cvae, digits):
    """A run folder as the command line leaves it (with our own small files)."""
    X, y = digits
    write_figures(run_dir, cvae, X, y)
    cvae.save(run_dir / "model.safetensors")
    metrics = pd.DataFrame({"epoch": [1, 2], **cvae.history_})
    metrics.to_csv(run_dir / "metrics.csv", index=False)
    (run_dir / "config.toml").write_text(
        '[model]\nclass = "ConditionalVAE"\n[params]\nlatent_dim = 8\n'
        'hidden_layer_sizes = [16]\nearly_stopping = true\n[data]\nnote = "<script>x</script>"\n'
        '[run]\ndirectory = "/home/<me>/data"\n'
    )
    (run_dir / "command.txt").write_text(COMMAND + "\n")
    return metrics


def test_report_is_one_self_contained_page_with_every_figure_decodable(tmp_path, cvae, digits):
    metrics = make_run(tmp_path, cvae, digits)
    path = write_report(tmp_path)
    assert path == tmp_path / "report.html"
    page = path.read_text(encoding="utf-8")

    images = IMG.findall(page)
    assert len(images) == len(list((tmp_path / "figures").glob("*.png"))) == len(ALL_FIGURES)
    for data in images:
        png = base64.b64decode(data, validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert matplotlib.image.imread(io.BytesIO(png), format="png").ndim == 3
    assert page.count("<img") == len(images)  # no other images, relative or remote
    assert 'src="http' not in page and "figures/" not in page.replace("figures/*.png", "")
    assert "<script" not in page and "<link" not in page and "@import" not in page

    assert "<title>ConditionalVAE run report</title>" in page
    shown = re.search(r"<pre>(.*?)</pre>", page, re.DOTALL).group(1)
    assert html.unescape(shown) == COMMAND and "<a&b>" not in shown  # escaped, however spelled
    last = metrics.iloc[-1]
    for term in ("loss", "reconstruction", "kl"):
        assert f'<td class="num">{last[term]:.5g}</td>' in page
        assert f'<td class="num">{last["val_" + term]:.5g}</td>' in page
    assert "Epoch 2, the last of 2 recorded" in page
    assert "<th>latent_dim</th><td>8</td>" in page
    assert "<th>hidden_layer_sizes</th><td>[16]</td>" in page
    assert "<th>early_stopping</th><td>true</td>" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page  # config text is escaped, not run
    assert "Not in this run folder" not in page
    # where command.txt's relative paths lead (config.toml's [run] directory), escaped
    assert "Run it in <code>/home/&lt;me&gt;/data</code>, the folder it ran in" in page
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file
    (tmp_path / "other.txt").write_text("x")  # the report is as readable as any other file
    assert path.stat().st_mode == (tmp_path / "other.txt").stat().st_mode


def test_report_of_an_empty_folder_says_what_is_missing(tmp_path):
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert "<img" not in page and "<pre>" not in page and "Final metrics" not in page
    for name in ("config.toml", "metrics.csv", "command.txt", "model.safetensors"):
        assert name in page
    assert "aekit run" in page


def test_report_skips_unreadable_files_and_non_png_figures(tmp_path):
    (tmp_path / "metrics.csv").write_text("epoch,loss\n1,3.5\n2,2.25\n")
    (tmp_path / "config.toml").write_text("this is = = not toml")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "broken.png").write_text("not a png")
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert '<td class="num">2.25</td>' in page and "validation" not in page
    assert "config.toml not shown" in page and "Parameters" not in page
    assert "broken.png is not a PNG file" in page and "<img" not in page
    assert "command.txt" in page  # named as missing
    # a truncated model file: the report looked like any other but for the file's size
    (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00")
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert "model.safetensors cannot be read:" in page and "truncated or corrupt" in page


def test_a_detectors_report_gives_each_members_last_loss_and_the_flagged_rows(tmp_path):
    # members stop each on its own: their cells are empty after, and the report showed '–'
    (tmp_path / "metrics.csv").write_text(
        "epoch,member0_loss,member1_loss\n1,5.5,6.5\n2,4.25,\n3,4.0,\n"
    )
    (tmp_path / "scores.csv").write_text("anomaly_score,anomaly\n1.0,False\n9.0,True\n2.0,False\n")
    (tmp_path / "config.toml").write_text('[model]\nclass = "AnomalyDetector"\n')
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert '<td class="num">4</td>' in page and "6.5 (epoch 1)" in page and "–" not in page
    assert "1 of 3 training rows flagged (scores.csv)" in page
    # a train run's scores.csv is a later 'aekit score -o RUN/scores.csv': not its own flags
    (tmp_path / "config.toml").write_text('[model]\nclass = "VariationalAutoencoder"\n')
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert "flagged" not in page


def test_report_without_a_run_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_report(tmp_path / "nowhere")


def test_every_figure_a_command_writes_has_a_caption_of_its_own():
    # the report made captions of the others from their names ("Roc pr.")
    import aekit.cli
    from aekit.viz.report import _CAPTIONS

    source = Path(aekit.cli.__file__).parent
    written = {
        name
        for path in source.glob("*.py")
        for name in re.findall(r"\b([a-z_]+\.png)\b", path.read_text(encoding="utf-8"))
    }
    assert {"roc_pr.png", "score_histogram.png", "series.png", "loss_curves.png"} <= written
    assert written - {"out.png"} <= set(_CAPTIONS)  # out.png: an example in a message


def test_a_wide_tables_reconstruction_figure_shows_the_features_reconstructed_worst():
    # standardized, every column varies alike: "the features that vary most" was a draw
    from aekit.viz.report_figures import _worst_reconstructed

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 12))
    X_hat = X + rng.normal(size=X.shape) * np.where(np.isin(np.arange(12), [1, 4, 9]), 1.0, 0.1)
    X[:, 11] = 0.0  # constant: no R², never among the worst while others have one
    assert _worst_reconstructed(X, X_hat, 3) == [1, 4, 9]
    assert 11 not in _worst_reconstructed(X, X_hat, 8)
    assert _worst_reconstructed(X[:, :5], X_hat[:, :5], 8) == [0, 1, 2, 3, 4]
    X_hat[:, 6] = np.nan  # no reconstruction at all: the worst of every column
    assert _worst_reconstructed(X, X_hat, 1) == [6]


def test_a_few_label_models_codes_are_coloured_by_the_label_it_predicts_where_none_is_given():
    # 288 of 300 dots were grey "unlabelled" in a semi-supervised run's latent.png
    from aekit.viz.report_figures import _Data, _figure_latent

    X, y = load_digits()
    few = np.where(np.arange(300) % 10 == 0, y[:300], -1)
    model = aekit.ConditionalVAE(latent_dim=2, max_iter=1, hidden_layer_sizes=(16,),
                                 random_state=0).fit(X[:300], few)  # fmt: skip
    figure = _figure_latent(_Data(model, X[:300], few, 300, 0))
    axes = figure.axes[0]
    assert axes.get_title().endswith("given their labels (270 unlabelled: the label it predicts)")
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "unlabelled" not in legend and set(legend) <= {str(c) for c in model.classes_}


def test_a_hashers_figures_are_titled_by_the_estimator_a_user_made():
    # "BinaryAutoencoder: codes of 300 training rows", a class no user made
    from aekit.viz.report_figures import _Data, _figure_latent

    X = load_digits()[0][:300]
    hasher = aekit.SemanticHasher(n_bits=4, max_iter=1, random_state=0).fit(X)
    figure = _figure_latent(_Data(hasher.autoencoder_, X, None, 300, 0))
    assert figure.axes[0].get_title().startswith("SemanticHasher: codes of 300 training rows")


def test_a_hasher_runs_codes_are_coloured_by_datas_labels(tmp_path, monkeypatch):
    # train-hasher drew its codes uncoloured, though DATA ('digits') holds labels
    from cli_helpers import invoke, ok

    import aekit.viz.report

    given = []
    monkeypatch.setattr(aekit.viz.report, "write_figures", lambda *a, **k: given.append(a))
    ok(invoke("train-hasher", "digits", "--bits", "4", "--epochs", "1", "--quiet",
              "--out", tmp_path / "H"))  # fmt: skip
    ((_, _, X, y),) = given
    np.testing.assert_array_equal(y, load_digits()[1])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_samples_figures_draw_sequences_as_lines_and_table_rows_drawn_from_p_x_given_z():
    # a sequence VAE's samples.png scattered two steps; a table VAE's compared the real rows with
    # the decoder's means, which lay on a line as if it had collapsed (reviews)
    from aekit.viz.report_figures import _Data, _figure_samples

    steps = np.linspace(0, 6, 40)
    beats = np.sin(steps + np.random.default_rng(0).uniform(0, 3, (60, 1)))
    vae = aekit.VAE(sequence_shape=(1, 40), latent_dim=2, max_iter=2, random_state=0).fit(beats)
    panels = [ax for ax in _figure_samples(_Data(vae, beats, None, 60, 0)).axes if ax.get_visible()]
    row, sample = panels[0].get_lines()
    assert len(sample.get_xdata()) == 40 and sample.get_linestyle() == "--"
    rng = np.random.default_rng(1)
    table = rng.normal(size=(300, 1)) @ [[1.0, 1.0]] + 0.3 * rng.normal(size=(300, 2))
    tvae = aekit.VAE(latent_dim=1, max_iter=30, random_state=0).fit(table)
    ax = _figure_samples(_Data(tvae, table, None, 300, 0)).axes[0]
    real, generated = (c.get_offsets() for c in ax.collections)
    across = np.array([1.0, -1.0]) / np.sqrt(2)  # off the line one latent unit decodes to
    spread = np.std(generated @ across) / np.std(real @ across)  # the means': about 0.1
    assert "drawn from p(x|z)" in ax.get_title() and spread > 0.6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_bernoulli_tables_samples_figure_keeps_the_means():
    # drawn from p(x|z), a table in [0, 1] put every generated row on a corner (review)
    from aekit.viz.report_figures import _Data, _figure_samples

    unit = np.random.default_rng(2).random((200, 1)) @ [[1.0, 1.0]] * 0.8 + 0.1
    vae = aekit.VAE(latent_dim=1, max_iter=5, random_state=0).fit(unit)
    ax = _figure_samples(_Data(vae, unit, None, 200, 0)).axes[0]
    generated = ax.collections[1].get_offsets()
    assert "(the decoder's means)" in ax.get_title() and len(np.unique(generated[:, 0])) > 50
