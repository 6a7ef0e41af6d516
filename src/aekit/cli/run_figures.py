"""The figures of a RUN that a command other than ``aekit train`` leaves (train-hasher,
train-compressor, impute, detect), so that ``aekit report`` shows what it shows for a training
RUN: the figures of the autoencoder a hasher or compressor holds (its loss curve,
reconstructions and codes, drawn by :func:`aekit.viz.report.write_figures`), or the loss curves
of the networks of an imputer or a detector, or a fine-tuned network's own (finetune: its
pretrained autoencoder's figures are RUN's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_fit_figures(folder: Path, estimator: Any, X: Any, y: Any = None) -> None:
    """Draw ``folder/figures/*.png`` for ``estimator``, fitted on ``X``; a network's codes
    coloured by DATA's labels ``y`` where it has them (a hasher's were uncoloured)."""
    from aekit.data.lazy import Dataset
    from aekit.viz.report import write_figures

    inner = getattr(estimator, "autoencoder_", None)  # a SemanticHasher's, a Compressor's
    if inner is not None and not getattr(estimator, "history_", None):
        if isinstance(X, Dataset):  # on disk: the figures draw a sample, read alone
            X, y = X.sample(2000)
        write_figures(folder, inner, X, y)
        return
    _write_member_losses(folder / "figures" / "loss_curves.png", estimator)


def _write_member_losses(path: Path, estimator: Any) -> None:
    """One loss curve per network (an imputer's or detector's several): training solid,
    validation dashed."""
    from aekit.cli.runs import training_history
    from aekit.viz.figures import save_figure
    from aekit.viz.plots import loss_curves

    history = training_history(estimator)
    curves = {}
    for key, values in history.items():  # member0_loss, member0_val_loss, or loss, val_loss
        if key in ("loss", "val_loss"):  # one network's (before the suffixes: val_loss ends so)
            curves[key] = values
        elif key.endswith("_val_loss"):
            curves[f"val_{key.removesuffix('_val_loss')}"] = values
        elif key.endswith("_loss"):
            curves[key.removesuffix("_loss")] = values
    if not curves:
        return
    title = f"{type(estimator).__name__}: loss per epoch of each network"
    ax = loss_curves(curves, title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(ax.figure, path)


def write_detection_figures(
    folder: Path, detector: Any, X: Any, scored: tuple, image_shape: tuple[int, ...] | None
) -> None:
    """``folder/figures/*.png`` of ``aekit detect``: the score histogram, the ROC and
    precision-recall curves where DATA's labels hold both kinds, each member's loss curve, and
    the top anomalies of images (of ``image_shape``). ``scored``: every row's anomaly score,
    the labelled rows' scores and whether each is an anomaly (None without labels)."""
    from aekit.viz.anomaly import roc_pr_curves, score_histogram
    from aekit.viz.figures import save_figure

    anomaly_scores, labelled, anomalous = scored
    figures = folder / "figures"
    histogram = score_histogram(labelled, detector.threshold_, anomalous)
    save_figure(histogram, figures / "score_histogram.png")
    if anomalous is not None and 0 < anomalous.sum() < len(anomalous):
        save_figure(roc_pr_curves(labelled, anomalous), figures / "roc_pr.png")
    write_fit_figures(folder, detector, X)  # each member's loss curve
    if image_shape is not None:  # which images score highest, beside their rebuilds
        path = figures / "top_anomalies.png"
        write_top_anomalies(path, detector, X, anomaly_scores, image_shape)


TOP_IMAGES = 16  # the images of highest score a detector run draws


def write_top_anomalies(
    path: Path, detector: Any, X: Any, anomaly_scores: Any, image_shape: tuple[int, ...]
) -> None:
    """``path``: the detector's ``TOP_IMAGES`` highest-scored images of X (rows of pixels, in
    memory or on disk: only those rows are read), each under its score, above the members'
    reconstructions of them (:func:`aekit.viz.top_anomalies`)."""
    import numpy as np

    from aekit.anomaly.images import member_reconstructions
    from aekit.data.lazy import rows_at
    from aekit.viz.anomaly_images import top_anomalies
    from aekit.viz.figures import save_figure

    scores = np.asarray(anomaly_scores, dtype=np.float64)
    top = np.sort(np.argsort(-scores, kind="stable")[:TOP_IMAGES])  # read in the file's order
    rows = rows_at(X, top)
    images = np.asarray(rows, dtype=np.float64).reshape(len(top), -1)
    rebuilt = member_reconstructions(detector, rows)
    threshold = float(detector.threshold_)
    axes = top_anomalies(images, scores[top], TOP_IMAGES, rebuilt, threshold, image_shape)
    save_figure(axes[0].figure, path)
