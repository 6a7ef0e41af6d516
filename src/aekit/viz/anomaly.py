"""Figures of a detector's scores: the score histogram with its threshold, and (given labels) the
ROC and precision-recall curves. Each returns the matplotlib Axes, like :mod:`aekit.viz.plots`,
drawn on a Figure of its own when none is given."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.viz.figures import new_axes, new_figure


def score_histogram(anomaly_scores: Any, threshold: float, labels: Any = None, ax=None):
    """Histogram of anomaly scores (log counts) with the threshold as a vertical line; normal
    and anomalous rows in two colours when ``labels`` (1 = anomaly) are given."""
    ax = new_axes(ax, (6, 4))
    scores = np.asarray(anomaly_scores, dtype=float)
    bins = np.histogram_bin_edges(scores, bins=50)
    if labels is None:
        ax.hist(scores, bins=bins, color="tab:blue", alpha=0.8)
    else:
        labels = np.asarray(labels).astype(bool)
        ax.hist(scores[~labels], bins=bins, color="tab:blue", alpha=0.6, label="normal")
        ax.hist(scores[labels], bins=bins, color="tab:red", alpha=0.6, label="anomaly")
    ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.3g}")
    ax.set_xlabel("anomaly score (higher = more anomalous)")
    ax.set_ylabel("rows")
    ax.set_yscale("log")
    ax.legend()
    return ax


def roc_pr_curves(anomaly_scores: Any, labels: Any, axes=None):
    """ROC and precision-recall curves (anomaly = positive) on two Axes, with their areas."""
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_curve

    if axes is None:
        axes = new_figure((10, 4)).subplots(1, 2)
    labels = np.asarray(labels).astype(int)
    fpr, tpr, _ = roc_curve(labels, anomaly_scores)
    area = np.trapezoid(tpr, fpr)
    axes[0].plot(fpr, tpr, label=f"ROC-AUC {area:.3f}")
    axes[0].plot([0, 1], [0, 1], color="grey", linestyle=":")
    axes[0].set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    precision, recall, _ = precision_recall_curve(labels, anomaly_scores)
    ap = average_precision_score(labels, anomaly_scores)
    axes[1].plot(recall, precision, label=f"PR-AUC {ap:.3f}")
    axes[1].axhline(labels.mean(), color="grey", linestyle=":", label="chance")
    axes[1].set(xlabel="recall", ylabel="precision", title="precision-recall")
    for ax in axes:
        ax.legend()
    return axes
