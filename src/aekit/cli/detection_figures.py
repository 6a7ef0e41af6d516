"""What the labels of the rows a detector scored say of it: ROC-AUC and PR-AUC of the scores,
how its flags match the labels, and the line ``detect`` and ``detect-series`` print of them."""

from __future__ import annotations


def label_line(label_column, figures, anomalous=None, rows="rows", labels_file=None) -> str:
    """What ``detect`` and ``detect-series`` print of the training rows' labels
    (:func:`detection_figures`, with the flags' precision and recall when it has them), and
    how many rows those labels (``labels_file``: --labels FILE's) call anomalies; ``figures``
    are not empty (labels all one have none, which a warning says)."""
    labels = "DATA's labels" if label_column is None else f"--label-column {label_column}"
    labels = labels if labels_file is None else f"--labels {labels_file}"
    if anomalous is not None:
        labels += f" ({int(sum(anomalous)):,} of {len(anomalous):,} {rows} anomalies)"
    line = f"against {labels}: ROC-AUC {figures['roc_auc']:.4f}, PR-AUC {figures['pr_auc']:.4f}"
    if figures.get("precision") is not None:
        line += f"; flags: precision {figures['precision']:.3f}, recall {figures['recall']:.3f}"
    elif "recall" in figures:  # no precision without a flag
        line += f"; flags: no {rows} flagged, recall 0"
    return line + " (on the training rows; new rows: aekit evaluate)"


def detection_figures(anomaly_scores, anomalous, flagged=None) -> dict[str, float]:
    """ROC-AUC and PR-AUC of anomaly scores (higher = more anomalous) against which rows are
    anomalies (:func:`aekit.cli.anomaly_labels.as_anomaly`), and, given the rows' flags, how the
    flags match the labels (:func:`flag_figures`: the AUCs judge the ranking, these the threshold);
    {} when every row has the same label."""
    import numpy as np
    from sklearn.metrics import average_precision_score, roc_auc_score

    from aekit.anomaly.unseen import ranked_finite

    anomalous = np.asarray(anomalous, dtype=bool)
    if anomalous.all() or not anomalous.any():
        return {}
    anomaly_scores = ranked_finite(anomaly_scores)  # inf: a category never seen in training
    figures = {
        "roc_auc": float(roc_auc_score(anomalous, anomaly_scores)),
        # a sum of precisions that rounds past 1 (1.0000000000000002 was printed) is 1
        "pr_auc": min(1.0, float(average_precision_score(anomalous, anomaly_scores))),
    }
    return figures if flagged is None else figures | flag_figures(flagged, anomalous)


def flag_figures(flagged, anomalous) -> dict[str, float]:
    """How a detector's flags (scores.csv's ``anomaly`` column) match the labels: the rows
    flagged, and precision, recall and F1 of the anomalies. With nothing flagged, precision is
    None (``null`` in JSON: undefined, where scikit-learn's 0 read as every flag wrong) and
    recall and F1 are 0."""
    import numpy as np
    from sklearn.metrics import precision_recall_fscore_support

    flagged = np.asarray(flagged, dtype=bool)
    precision, recall, f1, _ = precision_recall_fscore_support(
        np.asarray(anomalous, dtype=bool), flagged, average="binary", zero_division=0
    )
    return {
        "flagged": int(flagged.sum()),
        "precision": float(precision) if flagged.any() else None,
        "recall": float(recall),
        "f1": float(f1),
    }
