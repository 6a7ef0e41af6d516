"""What the score and table figures accept (score_histogram, roc_pr_curves, series_figure,
feature_reconstructions, real_vs_generated, loss_curves): input that used to fail inside
matplotlib or sklearn, or draw a wrong picture silently, is a ValueError naming the argument;
infinite scores (an unseen category scores +inf) are drawn, with a note."""

import inspect

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402

import aekit  # noqa: E402
from aekit.viz.anomaly import roc_pr_curves, score_histogram  # noqa: E402
from aekit.viz.figures import new_figure  # noqa: E402
from aekit.viz.plots import feature_reconstructions, loss_curves, real_vs_generated  # noqa: E402
from aekit.viz.series import series_figure  # noqa: E402

RNG = np.random.RandomState(0)
SCORES = np.r_[RNG.normal(size=90), RNG.normal(4, 1, size=10)]
LABELS = np.r_[np.zeros(90), np.ones(10)]


def counts(ax) -> np.ndarray:
    return np.array([patch.get_height() for patch in ax.patches])


def test_score_histogram_counts_infinite_scores_in_the_top_bin_and_says_so():
    ax = score_histogram(np.r_[SCORES, np.inf, np.inf], 0.5)
    plain = score_histogram(SCORES, 0.5)
    # The two +inf rows land in the last bin, which is the finite maximum's.
    assert counts(ax).sum() == len(SCORES) + 2
    assert counts(ax)[-1] == counts(plain)[-1] + 2
    assert "2 +inf scores drawn at the finite maximum" in ax.get_title()
    assert plain.get_title() == ""


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: score_histogram(np.r_[SCORES, np.nan], 0.5), "anomaly_scores hold 1 NaN"),
        (lambda: score_histogram([], 0.5), "anomaly_scores is empty"),
        (lambda: score_histogram([np.inf, np.inf], 0.5), "every one of the 2"),
        (lambda: score_histogram(SCORES, 0.5, labels=np.ones(5)), "labels has 5 entries"),
        (lambda: score_histogram(SCORES, "high"), "threshold must be a number, or None"),
        (lambda: score_histogram(SCORES, np.nan), "pass None"),
        (lambda: roc_pr_curves(SCORES, np.array(["a", "b"] * 50)), "labels must be 1 .anomaly"),
        (lambda: roc_pr_curves(SCORES, np.r_[LABELS[:-1], np.nan]), "labels must be 1"),
        (lambda: roc_pr_curves(SCORES, np.zeros(100)), "both anomalies"),
        (lambda: roc_pr_curves(SCORES, LABELS, axes=[new_figure((2, 2)).subplots()]), "2 panels"),
        (lambda: series_figure(SCORES, SCORES[:90], 0.9), "values has 100 entries for 90"),
        (lambda: series_figure(SCORES, SCORES, 0.9, time=np.arange(5)), "time has 5"),
        (lambda: series_figure(SCORES, SCORES, 0.9, flags=[True]), "flags has 1"),
        (lambda: series_figure(SCORES, SCORES, 0.9, labels=LABELS * 2), "labels must be 1"),
        (  # numbers shown as numbers in their order (was ['0', '1', '10', '2'])
            lambda: roc_pr_curves(SCORES, np.arange(100) % 11),
            r"got the values 0, 1, 2, 3, 4\. Map",
        ),
        (lambda: series_figure(SCORES, SCORES, 0.9, channel_names=["a", "b"]), "2 channel_names"),
    ],
)
def test_bad_scores_labels_and_thresholds_are_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_threshold_of_none_draws_no_line():
    ax = score_histogram(SCORES, None, labels=LABELS)
    assert len(ax.get_lines()) == 0 and len(ax.patches) == 100  # two histograms of 50 bins
    figure = series_figure(SCORES, SCORES, None)
    top, bottom = figure.axes
    assert len(bottom.get_lines()) == 1  # the score, no threshold line
    assert len(top.patches) == 0  # nothing flagged without a threshold or flags
    flagged = series_figure(SCORES, SCORES, None, flags=SCORES > 3)
    assert len(flagged.axes[0].patches) > 0


def test_series_figure_reads_predicts_output_as_flags():
    # predict's -1/+1 read as bools shaded the whole series (both are true)
    mask = SCORES > np.quantile(SCORES, 0.9)

    def shaded(flags) -> list:
        figure = series_figure(SCORES, SCORES, None, flags=flags)
        return [tuple(p.get_x() for p in figure.axes[0].patches)]

    assert shaded(np.where(mask, -1, 1)) == shaded(mask) == shaded(mask.astype(int))
    assert shaded(np.ones(len(SCORES), dtype=int)) == shaded(np.zeros(len(SCORES), dtype=bool))
    assert shaded(mask.astype(object)) == shaded(mask)  # bools in an object array
    with pytest.raises(ValueError, match="flags must be True/False, predict's -1.* values 2\\."):
        series_figure(SCORES, SCORES, None, flags=np.full(len(SCORES), 2))
    with pytest.raises(ValueError, match="got the values no, yes"):
        series_figure(SCORES, SCORES, None, flags=np.where(mask, "yes", "no"))


def test_curves_rank_infinite_scores_highest_exactly():
    scores = SCORES.copy()
    scores[[95, 96, 5]] = np.inf  # two anomalies and one normal row from an unseen category
    axes = roc_pr_curves(scores, LABELS)
    finite = np.where(np.isinf(scores), 1e6, scores)  # the same order, finite
    roc = axes[0].get_legend().get_texts()[0].get_text()
    pr = axes[1].get_legend().get_texts()[0].get_text()
    assert roc == f"ROC-AUC {roc_auc_score(LABELS, finite):.3f}"
    assert pr == f"PR-AUC {average_precision_score(LABELS, finite):.3f}"
    assert "3 +inf scores ranked highest" in axes[0].get_title()


def test_series_figure_draws_infinite_scores_at_the_finite_maximum_and_flags_them():
    scores = SCORES.copy()
    scores[50] = np.inf
    axes = new_figure((6, 4)).subplots(2, 1)
    figure = series_figure(SCORES, scores, 3.0, axes=axes)
    assert figure is axes[0].figure
    line = axes[1].get_lines()[0]
    assert np.max(line.get_ydata()) == np.max(SCORES[np.isfinite(scores)])
    assert "1 +inf score drawn at the finite maximum" in line.get_label()
    spans = [p.get_x() for p in axes[1].patches]  # flagged spans start where scores pass 3
    assert 49.5 in spans  # half a step before the point: its cell


def test_series_figure_leaves_a_causal_scores_first_points_undrawn():
    # causal_score is NaN for the first window - 1 points (documented); the figure refused
    # them and its advice, dropping the scores alone, then failed on the lengths (user review)
    scores = SCORES.copy()
    scores[:9] = np.nan
    axes = new_figure((6, 4)).subplots(2, 1)
    series_figure(SCORES, scores, 3.0, axes=axes)
    drawn = axes[1].get_lines()[0].get_ydata()
    assert np.isnan(drawn[:9]).all() and np.array_equal(drawn[9:], SCORES[9:])
    spans = [p.get_x() for p in axes[1].patches]
    assert min(spans) > 8.5  # no NaN point flagged
    with pytest.raises(ValueError, match="every one of the 100 anomaly_scores is NaN or inf"):
        series_figure(SCORES, np.full(100, np.nan), 3.0)


def test_tables_are_checked_before_drawing():
    X = RNG.rand(60, 5)
    holed = X.copy()
    holed[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"X_hat has NaN or infinite values in 1 of 60 rows \(3\)"):
        feature_reconstructions(X, holed)
    with pytest.raises(ValueError, match="3 feature_names for 5 columns"):
        feature_reconstructions(X, X, feature_names=list("abc"))
    with pytest.raises(ValueError, match="X_real has 5 columns and X_generated 4"):
        real_vs_generated(X, X[:30, :4], features=(0, 1))
    with pytest.raises(ValueError, match="two column indices below 5"):
        real_vs_generated(X, X, features=(0, 5))
    with pytest.raises(ValueError, match="X_generated has NaN"):
        real_vs_generated(X, holed)
    with pytest.raises(ValueError, match="history is empty"):
        loss_curves({})
    with pytest.raises(ValueError, match=r"history holds no epochs \('loss', 'kl' are empty\)"):
        loss_curves({"loss": [], "kl": []})  # drew empty axes
    with pytest.raises(ValueError, match="history must be a mapping"):
        loss_curves([1.0, 2.0])
    with pytest.raises(ValueError, match=r"history\['loss'\] must be numbers"):
        loss_curves({"loss": ["a", "b"]})


def test_every_figure_function_takes_ax_or_axes_as_the_readme_says():
    # Multi-panel figures take axes= (a sequence of Axes), the others ax=: README "Figures".
    multi = {
        "roc_pr_curves",
        "feature_reconstructions",
        "sequence_reconstructions",
        "denoising_lines",
        "series_figure",
        "top_anomalies",
    }
    for name in aekit.viz.__all__:
        if name in {"as_images", "save_figure", "write_figures", "write_report"}:
            continue
        params = inspect.signature(getattr(aekit.viz, name)).parameters
        assert ("axes" if name in multi else "ax") in params, name
        assert ("ax" if name in multi else "axes") not in params, name


def test_a_single_flagged_or_labelled_point_is_shaded_with_a_width():
    # a lone spike was shaded from x to x, which draws nothing (user audit)
    scores = np.zeros(100)
    scores[30], scores[60:63] = 5.0, 5.0
    labels = np.zeros(100, int)
    labels[70] = 1
    figure = series_figure(np.zeros(100), scores, 1.0, labels=labels)
    top, bottom = figure.axes
    shaded = sorted((p.get_x(), p.get_width()) for p in bottom.patches)
    assert shaded == [(29.5, 1.0), (59.5, 3.0)]  # each point's cell, half a step either side
    assert (69.5, 1.0) in [(p.get_x(), p.get_width()) for p in top.patches]
    days = np.arange(100) + np.datetime64("2024-01-01", "D")  # a half day is 0 days: review
    dated = series_figure(np.zeros(100), scores, 1.0, time=days).axes[1]
    assert all(p.get_width() > 0 for p in dated.patches)
    from aekit.viz.series import point_edges

    assert point_edges(days[:2])[0] == np.datetime64("2023-12-31T12:00")


def test_table_figures_use_and_check_a_dataframes_column_names():
    # panels were titled x0, x1, ... and tables of other or reordered columns were drawn
    # against each other without a word, with misleading R² (user audit)
    import pandas as pd

    from aekit.viz.plots import feature_reconstructions, real_vs_generated

    A = pd.DataFrame(np.random.RandomState(0).normal(size=(50, 3)), columns=["age", "b", "c"])
    B = A + 0.01
    titles = [ax.get_title() for ax in feature_reconstructions(A, B.to_numpy())]
    assert [t.split()[0] for t in titles] == ["age", "b", "c"]
    assert real_vs_generated(A, B, features=(0, 1)).get_xlabel() == "age"
    with pytest.raises(ValueError, match=r"X_hat has X's columns in another order.*X_hat\[X"):
        feature_reconstructions(A, B[["c", "b", "age"]])
    with pytest.raises(ValueError, match="X_generated has other columns"):
        real_vs_generated(A, B.set_axis(["age", "b", "d"], axis=1))


def test_series_figure_reads_the_dataframe_the_detector_took():
    # series_figure(df, ...) on a CSV's frame cast it whole to float: "could not convert string
    # to float: '2024-01-01 00:00:00'"; a time of text was drawn as one category per row
    import pandas as pd

    n = 50
    frame = pd.DataFrame(
        {
            "timestamp": pd.date_range("2024-01-01", periods=n, freq="h").astype(str),
            "cpu": np.sin(np.arange(n) / 4),
            "mem": np.cos(np.arange(n) / 4),
        }
    )
    scores = np.abs(frame["cpu"].to_numpy())
    top, _ = series_figure(frame, scores, 0.9).axes
    assert [line.get_label() for line in top.get_lines()] == ["cpu", "mem"]
    x = np.asarray(top.get_lines()[0].get_xdata())
    assert np.issubdtype(x.dtype, np.datetime64) and x[1] - x[0] == np.timedelta64(1, "h")
    given = series_figure(frame[["cpu"]], scores, 0.9, time=frame["timestamp"]).axes[0]
    assert np.issubdtype(np.asarray(given.get_lines()[0].get_xdata()).dtype, np.datetime64)
    # a text column is left out, as the detector leaves it ('values has columns [...]' refused
    # the DataFrame the README says to pass); with no numeric column, nothing to draw
    with pytest.warns(UserWarning, match=r"text column\(s\) status left out of the channels"):
        top = series_figure(frame.assign(status="ok"), scores, 0.9).axes[0]
    assert [line.get_label() for line in top.get_lines()] == ["cpu", "mem"]
    with pytest.raises(ValueError, match=r"values has columns \['host'\].*time=X\["):
        series_figure(pd.DataFrame({"host": ["a"] * n}), scores, 0.9)


def test_series_figure_standardizes_channels_one_of_which_would_draw_flat():
    # a pressure near 101,325 drew every other channel as a flat line on zero
    rng = np.random.default_rng(0)
    values = np.column_stack([rng.normal(size=200), 101325 + 50 * rng.normal(size=200)])
    top = series_figure(values, np.abs(values[:, 0]), 1.0).axes[0]
    assert top.get_ylabel() == "value, each channel standardized"
    drawn = np.asarray(top.get_lines()[1].get_ydata())
    assert abs(drawn.mean()) < 1e-9 and abs(drawn.std() - 1) < 1e-9
    from matplotlib.colors import same_color

    five = series_figure(rng.normal(size=(200, 5)), np.abs(values[:, 0]), 1.0).axes[0]
    assert not any(same_color(line.get_color(), "tab:red") for line in five.get_lines())
    alike = series_figure(values[:, :1] * [1, 2], np.abs(values[:, 0]), 1.0).axes[0]
    assert alike.get_ylabel() == "value"  # channels of one scale: drawn as they are


def test_series_figure_puts_a_spike_that_dwarfs_the_scores_on_a_log_axis():
    # one score of 6,000 drew a threshold of 28 and every other flagged stretch flat on zero
    scores = np.abs(np.random.default_rng(0).normal(size=500)) * 10
    spiked = scores.copy()
    spiked[250] = 6000
    figure = series_figure(spiked, spiked, 28.0)
    bottom = figure.axes[1]
    assert bottom.get_yscale() == "symlog"
    assert bottom.get_ylabel().startswith("anomaly score (log above ")
    assert series_figure(scores, scores, 28.0).axes[1].get_yscale() == "linear"


def test_sequence_reconstructions_name_line_styles_alone_for_many_channels():
    # two legend entries a channel: 24 for 12 channels spilled over the panels below
    from aekit.viz.sequences import sequence_reconstructions

    X = np.random.default_rng(0).random((4, 12, 30))
    (legend,) = sequence_reconstructions(X, X * 0.9, (12, 30))[0].figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["input (12 channels)", "reconstruction"]
    (two,) = sequence_reconstructions(X[:, :2], X[:, :2] * 0.9, (2, 30))[0].figure.legends
    assert len(two.get_texts()) == 4  # input and reconstruction of x0 and x1


def test_the_precision_recall_curve_is_drawn_in_steps():
    # every row tied (10% anomalies) drew a falling diagonal from precision 1 at recall 0, a
    # detector that works; its precision is 0.1 at every recall (figures review)
    from aekit.viz.anomaly import roc_pr_curves

    labels = np.r_[np.zeros(90), np.ones(10)]
    axes = roc_pr_curves(np.zeros(100), labels)
    curve = axes[1].get_lines()[0]
    assert curve.get_drawstyle() == "steps-post"
    x, y = curve.get_xdata(), curve.get_ydata()
    assert list(x) == [1.0, 0.0] and list(y) == [0.1, 1.0]  # 0.1 held until recall 0


def test_flagged_points_of_a_long_series_stay_in_sight():
    # 5 of 100,000 points flagged drew spans narrower than a pixel: no red at all (figures
    # review); each is now marked, and more than ten channels say why there is no legend
    from aekit.viz.series import series_figure

    n = 100_000
    scores = np.random.default_rng(0).random(n)
    at = [10, 20_000, 40_000, 60_000, 99_000]
    scores[at] = 5.0
    figure = series_figure(np.zeros((n, 12)), scores, threshold=2.0)
    bottom = figure.axes[1]
    marked = bottom.collections[0].get_offsets()
    assert marked[:, 0].tolist() == at and marked[:, 1].tolist() == [5.0] * 5
    assert "5 flagged points" in [t.get_text() for t in bottom.get_legend().get_texts()]
    assert figure.axes[0].texts[0].get_text() == "12 channels (no legend above 10)"


def test_a_score_far_beyond_the_rest_is_drawn_at_the_edge_and_said():
    # one typo's score of 2.7e8 put the other 767 rows and the threshold (14) in the first of
    # 50 bins (figures review)
    from aekit.viz.anomaly import score_histogram

    rng = np.random.default_rng(0)
    scores = np.r_[rng.gamma(2, 3, 767), 2.7e8]
    ax = score_histogram(scores, threshold=14.1)
    assert ax.get_xlim()[1] < 1_000 and ax.get_title().startswith("1 score above ")
    assert ax.get_title().endswith("(up to 2.7e+08) drawn at it")
    assert sum(patch.get_height() for patch in ax.patches) == 768  # every row counted
    plain = score_histogram(rng.gamma(2, 3, 500), threshold=14.1)  # no far score: no word
    assert plain.get_title() == ""


def test_sequence_channels_of_other_scales_are_drawn_standardized():
    # a channel of thousands drew the others flat at 0 in every panel (figures review)
    from aekit.viz.sequences import sequence_reconstructions

    t = np.linspace(0, 6, 40)
    X = np.stack([np.sin(t), np.cos(t), 1000 * np.sin(2 * t)])[None].repeat(3, axis=0)
    axes = sequence_reconstructions(X, X, (3, 40))
    drawn = [line.get_ydata() for line in axes[0].get_lines()]
    assert all(np.ptp(y) > 2 for y in drawn)  # each channel spans its own standardized range
    assert axes[0].get_ylabel() == "each channel standardized"
    same = sequence_reconstructions(X[:, :2], X[:, :2], (2, 40))  # alike scales: as given
    np.testing.assert_allclose(same[0].get_lines()[0].get_ydata(), np.sin(t))


def test_long_column_names_are_cut_in_titles_and_labels():
    # 70-character column names ran into each other across panels and out of the axes
    from aekit.viz.table_figures import NAME_CHARS, feature_reconstructions, real_vs_generated

    names = [f"customer_lifetime_value_in_euros_2023_q{i}" for i in range(3)]  # apart at the end
    X = np.random.default_rng(0).normal(size=(50, 3))
    titles = [ax.get_title().split("  (")[0] for ax in feature_reconstructions(X, X, names)]
    assert len(set(titles)) == 3 and all(len(t) == NAME_CHARS for t in titles)
    assert titles[0] == "customer_life…_euros_2023_q0"  # cut in the middle, kept apart (review)
    ax = real_vs_generated(X, X, features=[0, 1], feature_names=names)
    assert (ax.get_xlabel(), ax.get_ylabel()) == tuple(titles[:2])


def test_far_scores_above_a_far_threshold_stay_right_of_its_line():
    # clipped to the threshold itself, 8 flagged rows were drawn left of its line (review)
    from aekit.viz.anomaly import score_histogram

    rng = np.random.default_rng(0)
    ax = score_histogram(np.r_[10 + rng.normal(size=1000), rng.uniform(500, 1000, 8)], 400.0)
    filled = [patch for patch in ax.patches if patch.get_height() > 0]
    assert filled[-1].get_x() > 400 and filled[-1].get_height() == 8
