"""The figure of a series detector: the series, its anomaly score with the threshold, and the
flagged spans shaded on both (and, given labels, the labelled spans)."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.viz.figures import new_figure


def spans(flags: Any) -> list[tuple[int, int]]:
    """The runs of True in ``flags`` as ``(first, last)`` index pairs, in order."""
    flags = np.asarray(flags, dtype=bool)
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


def series_figure(
    values: Any,
    anomaly_scores: Any,
    threshold: float | None,
    time: Any = None,
    channel_names: Any = None,
    labels: Any = None,
    flags: Any = None,
):
    """The series (top) and its anomaly score with the threshold (bottom), on one time axis;
    points scoring above the threshold shaded red on both panels, labelled anomalies (``labels``,
    1 = anomaly) shaded grey on the series.

    Parameters
    ----------
    values : array-like of shape (time,) or (time, channels)
    anomaly_scores : array-like of shape (time,)
        Higher = more anomalous, on the scale of ``threshold``.
    threshold : float or None
        Drawn as a line; None: no line (a rule that flags by something else than the score).
    time : array-like of shape (time,), default=None
        The x axis (timestamps or numbers); the point index when None.
    channel_names : list of str, default=None
    labels : array-like of shape (time,), default=None
    flags : array-like of bool of shape (time,), default=None
        The flagged points, when they are not those scoring above ``threshold``
        (``SeriesAnomalyDetector(threshold="likelihood")``).

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    values = np.asarray(values, dtype=float)
    values = values[:, None] if values.ndim == 1 else values
    scores = np.asarray(anomaly_scores, dtype=float)
    x = np.arange(len(scores)) if time is None else np.asarray(time)
    figure = new_figure((11, 5))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    names = (
        channel_names if channel_names is not None else [f"x{i}" for i in range(values.shape[1])]
    )
    for channel, name in zip(values.T, names):
        top.plot(x, channel, linewidth=0.7, label=str(name))
    if labels is not None:
        for first, last in spans(labels):
            top.axvspan(x[first], x[last], color="grey", alpha=0.25, linewidth=0)
    bottom.plot(x, scores, color="black", linewidth=0.7, label="anomaly score")
    if threshold is not None:
        label = f"threshold {threshold:.3g}"
        bottom.axhline(threshold, color="tab:red", linestyle="--", label=label)
    flags = scores > threshold if flags is None else np.asarray(flags, dtype=bool)
    for first, last in spans(flags):
        for ax in (top, bottom):
            ax.axvspan(x[first], x[last], color="tab:red", alpha=0.2, linewidth=0)
    top.set_ylabel("value")
    top.set_title(
        "series, flagged spans in red"
        + (", labelled anomalies in grey" if labels is not None else "")
    )
    if values.shape[1] <= 10:
        top.legend(loc="upper left", fontsize="small")
    bottom.set_ylabel("anomaly score")
    bottom.set_xlabel("time" if time is not None else "point")
    bottom.legend(loc="upper left", fontsize="small")
    if np.issubdtype(x.dtype, np.datetime64):
        figure.autofmt_xdate()
    return figure
