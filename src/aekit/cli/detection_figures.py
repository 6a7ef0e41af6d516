"""What the labels of the rows a detector scored say of it: ROC-AUC and PR-AUC of the scores,
how its flags match the labels, and the line ``detect`` and ``detect-series`` print of them."""

from __future__ import annotations

from pathlib import Path

# scores this good at ranking, flags this few of the anomalies: the threshold is said to be off
GOOD_RANKING, LOW_RECALL = 0.8, 0.2


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


def labelled_detection_figures(
    scores: list,
    labels: list,
    normal_label: str | None = None,
    recorded: str | None = None,
    seen: list | None = None,
    ruled: str | None = None,
    flags: list | None = None,
    threshold: float | None = None,
) -> dict[str, float]:
    """A detector's ROC-AUC and PR-AUC against DATA's labels (anomalies as ``aekit detect``
    reads them: every label but the normal one); lower ``score_samples`` = more anomalous.
    With the detector's flags, also how they match the labels
    (:func:`aekit.cli.detection_figures.flag_figures`): the AUCs judge the ranking, these the
    threshold (``threshold``: on the anomaly score, if one)."""
    import numpy as np

    from aekit.cli.anomaly_labels import by_label, labelled_rows

    # a blank label is no label: left out (of the flags too)
    y = np.concatenate(labels)
    normal = (normal_label, recorded, seen, ruled)
    anomaly_scores, anomalous = by_label(-np.concatenate(scores), y, *normal)
    if flags is None:
        return detection_figures(anomaly_scores, anomalous)
    flagged = np.concatenate(flags)[labelled_rows(y)]
    figures = detection_figures(anomaly_scores, anomalous, flagged)
    if not figures and len(anomalous) and np.all(anomalous):  # no AUC of one class, but the
        return {"recall": float(np.mean(flagged))}  # share of these anomalies flagged is one
    if not figures:
        return figures
    aucs = {key: figures.pop(key) for key in ("roc_auc", "pr_auc")}
    return {**aucs, **({} if threshold is None else {"threshold": threshold}), **figures}


def warn_of_a_threshold_above_the_anomalies(figures: dict, rule: str | None) -> None:
    """Scores that rank the anomalies well under a threshold that flags few of them (the
    README's ECG recipe: ROC-AUC 0.969, 6 rows flagged of 208 anomalies, unsaid): the threshold,
    found on the training rows without a rate, is what to change, not the model. The rules
    named are the ones ``rule``, the run's, is not."""
    if figures["roc_auc"] < GOOD_RANKING or figures["recall"] >= LOW_RECALL:
        return
    import warnings

    lower = "a smaller k (--param n_std=2)" if rule == "mean_std" else "--threshold mean_std"
    flagged = figures["flagged"]
    warnings.warn(
        f"the scores rank the anomalies well (ROC-AUC {figures['roc_auc']:.3f}) but the "
        f"threshold flags {flagged:,} row{'s' * (flagged != 1)} and finds "
        f"{figures['recall']:.1%} of the "
        f"labelled anomalies: it is too high for these rows; refit with a lower rule ({lower}) "
        "or the share of anomalies the training rows hold (--threshold contamination "
        "--contamination RATE), or rank the rows by their score (aekit score).",
        stacklevel=2,
    )


def warn_of_labels_not_seen(run: Path, labels: list, normal: tuple) -> None:
    """A detector's ROC-AUC counts every label but the normal one as an anomaly: labels that
    ``aekit detect`` never saw (a typo 'OK' of 'ok', a new class) are said, with how many rows
    hold each; those of them that are the normal label (labels of another kind than detect's,
    0 and 1 for ok and fraud, take 0 as normal by the rule) are said as such, not as
    anomalies."""
    import warnings

    import numpy as np

    from aekit.cli.anomaly_labels import as_anomaly, labelled_rows
    from aekit.cli.common import label_text, recorded_labels, warn_of_unknown_labels

    seen = recorded_labels(run)
    if seen is None or not labels:
        return
    y = np.concatenate(labels)
    y = y[labelled_rows(y)]
    if not len(y):  # every label blank: no figures, nothing to say of labels
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said where the figures are computed
        anomalous = as_anomaly(y, *normal)
    texts = np.asarray([label_text(v) for v in y], dtype=object)
    new = ~np.isin(texts, seen)
    if (new & ~anomalous).any():
        warnings.warn(
            f"the normal label {texts[new & ~anomalous][0]!r} is not one detect saw (known: "
            f"{', '.join(seen)}); set --normal-label if another label is the normal one.",
            stacklevel=2,
        )
    unknown = texts[new & anomalous]  # as detect recorded them: 2.0 said as 2, as 1 of known
    warn_of_unknown_labels(unknown, seen, "that detect never saw", "counted as anomalies")
