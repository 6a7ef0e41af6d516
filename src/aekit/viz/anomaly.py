"""Figures of a detector's scores: the score histogram with its threshold, and (given labels) the
ROC and precision-recall curves. Like :mod:`aekit.viz.plots`, each draws on a Figure of its own
when given no Axes; the input is checked first (:mod:`aekit.viz.score_inputs`).

Infinite scores (an unseen category scores +inf) are drawn, not refused: the histogram puts them
in the bin of the largest finite score and says so in its title; the curves need only the order
of the scores, in which +inf simply comes first, so they are exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.viz.figures import new_axes, new_figure
from aekit.viz.score_inputs import (
    check_axes,
    check_binary_labels,
    check_scores,
    check_threshold,
    infinite_note,
)


def score_histogram(
    anomaly_scores: Any, threshold: float | None = None, labels: Any = None, ax=None
):
    """Histogram of anomaly scores (log counts) with the threshold as a vertical line; normal
    and anomalous rows in two colours when ``labels`` (1 = anomaly) are given.

    Parameters
    ----------
    anomaly_scores : array-like of shape (n,)
        Higher = more anomalous. Infinite scores are counted in the outermost finite bin, and
        the title says how many.
    threshold : float or None, default=None
        Drawn as a dashed vertical line; None: no line.
    labels : array-like of shape (n,), default=None
        1 or True = anomaly, 0 or False = normal.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib Axes
    """
    scores = check_scores(anomaly_scores)
    threshold = check_threshold(threshold)
    labels = None if labels is None else check_binary_labels(labels, len(scores))
    scores, note = infinite_note(scores)
    scores, far = _far_scores_at_the_edge(scores, threshold)
    note = "; ".join(text for text in (note, far) if text)
    ax = new_axes(ax, (6, 4))
    # the bins span a threshold near the scores too (two rows just off it were drawn in
    # hairline bins); one far off leaves them to the scores (5 bars held them all)
    span = np.ptp(scores)
    near = threshold is not None and scores.min() - span <= threshold <= scores.max() + span
    shown = np.r_[scores, threshold] if near else scores
    bins = np.histogram_bin_edges(shown, bins=50)
    if labels is None:
        ax.hist(scores, bins=bins, color="tab:blue", alpha=0.8, log=True)
    else:
        ax.hist(scores[~labels], bins=bins, color="tab:blue", alpha=0.6, label="normal", log=True)
        if labels.any():  # no swatch of anomalies where there are none
            ax.hist(
                scores[labels], bins=bins, color="tab:red", alpha=0.6, label="anomaly", log=True
            )
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.3g}")
    ax.set_xlabel("anomaly score (higher = more anomalous)")
    ax.set_ylabel("rows (log scale)")
    if note:
        ax.set_title(note, fontsize=9)
    if ax.get_legend_handles_labels()[1]:
        ax.legend()
    return ax


def _far_scores_at_the_edge(scores: np.ndarray, threshold: float | None) -> tuple[Any, str]:
    """Scores far beyond the bulk (past its 99th percentile by ten times the 1st-99th spread,
    and past the threshold) moved to that edge, as infinite ones are moved to the largest
    finite score, and a note saying so: one typo's score of 2.7e8 put 767 rows and the
    threshold, near 14, in the first of 50 bins."""
    if len(scores) < 20:
        return scores, ""
    low, high = np.percentile(scores, [1, 99])
    edge = high + 10 * (high - low)
    if threshold is not None and threshold >= edge:  # drawn beyond the line, as they score
        edge = threshold + 0.1 * (threshold - low)
    beyond = scores > edge
    if not beyond.any() or high == low:
        return scores, ""
    count = int(beyond.sum())
    note = (
        f"{count} score{'s' * (count > 1)} above {edge:.3g} (up to {scores.max():.3g}) drawn at it"
    )
    return np.where(beyond, edge, scores), note


def roc_pr_curves(anomaly_scores: Any, labels: Any, axes=None):
    """ROC and precision-recall curves (anomaly = positive) on two Axes, with their areas.

    Parameters
    ----------
    anomaly_scores : array-like of shape (n,)
        Higher = more anomalous; +inf ranks above every finite score (the titles count them).
    labels : array-like of shape (n,)
        1 or True = anomaly, 0 or False = normal; both must occur.
    axes : sequence of two matplotlib Axes, default=None
        ROC on the first, precision-recall on the second; a new figure when None.

    Returns
    -------
    axes : sequence of two matplotlib Axes
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_curve

    scores = check_scores(anomaly_scores)
    labels = check_binary_labels(labels, len(scores))
    if labels.all() or not labels.any():
        raise ValueError(
            "labels must hold both anomalies (1) and normal rows (0): the curves compare them."
        )
    axes = check_axes(new_figure((10, 4)).subplots(1, 2) if axes is None else axes, 2)
    # Both curves depend on the order of the scores only, so ranks (ties kept, +inf last)
    # give them exactly, and sklearn, which refuses infinite scores, accepts them.
    ranks = np.unique(scores, return_inverse=True)[1]
    note = infinite_note(scores)[1].replace("drawn at the finite maximum", "ranked highest")
    note = note.replace("drawn at the finite minimum", "ranked lowest")
    suffix = f"\n({note})" if note else ""
    fpr, tpr, _ = roc_curve(labels, ranks)
    area = np.trapezoid(tpr, fpr)
    axes[0].plot(fpr, tpr, label=f"ROC-AUC {area:.3f}")
    axes[0].plot([0, 1], [0, 1], color="grey", linestyle=":")
    axes[0].set(xlabel="false positive rate", ylabel="true positive rate", title="ROC" + suffix)
    precision, recall, _ = precision_recall_curve(labels, ranks)
    ap = average_precision_score(labels, ranks)
    # as steps, as the average precision sums them (and scikit-learn's display draws them):
    # straight lines between the points drew every row tied as a falling diagonal from 1
    axes[1].plot(recall, precision, drawstyle="steps-post", label=f"PR-AUC {ap:.3f}")
    axes[1].axhline(labels.mean(), color="grey", linestyle=":", label="chance")
    axes[1].set(xlabel="recall", ylabel="precision", title="precision-recall" + suffix)
    for ax in axes[:2]:
        ax.legend()
    return axes[:2]
