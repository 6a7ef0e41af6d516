"""The figure of a series detector: the series, its anomaly score with the threshold, and the
flagged spans shaded on both (and, given labels, the labelled spans). The input is checked first
(:mod:`aekit.viz.score_inputs`); infinite scores are drawn at the largest finite one, as the legend
says, and still flagged."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from aekit.viz.figures import new_figure
from aekit.viz.score_inputs import (
    check_axes,
    check_binary_labels,
    check_flags,
    check_length,
    check_scores,
    check_threshold,
    infinite_note,
)


def spans(flags: Any) -> list[tuple[int, int]]:
    """The runs of True in ``flags`` as ``(first, last)`` index pairs, in order."""
    flags = np.asarray(flags, dtype=bool)
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


def point_edges(x: np.ndarray) -> np.ndarray:
    """The ``n + 1`` edges of ``n`` points' cells on the x axis: halfway between neighbours and
    half a step beyond the ends (numbers or datetimes), so that a span of one point has a width:
    a lone spike, the commonest anomaly, was shaded from x to x, which draws nothing."""
    if len(x) < 2:  # no step to take half of
        return np.concatenate([x, x])
    if x.dtype.kind in "mM":  # days or seconds halve to 0 in their own unit: in nanoseconds
        x = x.astype(x.dtype.str[:3] + "[ns]")
    half_steps = (x[1:] - x[:-1]) / 2
    return np.concatenate([[x[0] - half_steps[0]], x[:-1] + half_steps, [x[-1] + half_steps[-1]]])


def _time_values(time: Any, n: int) -> np.ndarray:
    """The x axis: numbers or dates as given; dates written as text (a CSV's column) read as
    instants, in UTC without a zone as the command line draws them: text was drawn as one
    category per row, each label on the axis."""
    import pandas as pd

    from aekit.timeseries.timestamps import parse_times

    x = check_length(time, n, "time", "anomaly_scores")
    if x.dtype.kind not in "OUS":
        return x
    return parse_times(pd.Series(x), "time").dt.tz_localize(None).to_numpy()


def _frame_parts(frame: Any, time: Any, channel_names: Any) -> tuple[Any, Any, Any]:
    """A DataFrame as the series detector reads one: its numeric (and bool) columns are the
    channels, named; a column of dates is the time axis unless ``time`` is given; text columns
    are left out, warned of. It was cast whole to float ("could not convert string to float:
    '2024-01-05 04:00:00'")."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        return frame, time, channel_names
    numeric = frame.select_dtypes(["number", "bool"])
    others = frame.drop(columns=numeric.columns)
    dates = [c for c in others.columns if _holds_dates(others[c])]
    text = [c for c in others.columns if c not in dates]
    if text and numeric.shape[1]:  # left out, as the detector leaves them (a status column)
        warnings.warn(
            f"text column(s) {', '.join(map(str, text))} left out of the channels drawn (the "
            "detector scores numbers only).",
            UserWarning,
            stacklevel=3,
        )
    if numeric.shape[1] == 0 or (len(dates) > 1 and time is None):
        raise ValueError(
            f"values has columns {list(frame.columns)}: a DataFrame's numeric columns are "
            "drawn as channels and one column of dates as the time axis; pass the value "
            "columns and the time apart, e.g. series_figure(X[['value']], scores, threshold, "
            "time=X['timestamp'])."
        )
    if time is None and dates:
        time = frame[dates[0]]
    if channel_names is None:
        channel_names = [str(c) for c in numeric.columns]
    return numeric, time, channel_names


def _holds_dates(column: Any) -> bool:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    with warnings.catch_warnings():  # "Could not infer format": only a probe
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(column, errors="coerce", utc=True, format="mixed")
    return bool(parsed.notna().all())


def series_figure(
    values: Any,
    anomaly_scores: Any,
    threshold: float | None = None,
    time: Any = None,
    channel_names: Any = None,
    labels: Any = None,
    flags: Any = None,
    axes=None,
):
    """The series (top) and its anomaly score with the threshold (bottom), on one time axis;
    points scoring above the threshold shaded red on both panels, labelled anomalies (``labels``,
    1 = anomaly) shaded grey on the series.

    Parameters
    ----------
    values : array-like of shape (time,) or (time, channels), or DataFrame
        A DataFrame as the detector takes it: its numeric (and bool) columns are the channels,
        named in the legend, and a column of dates is the time axis unless ``time`` is given.
    anomaly_scores : array-like of shape (time,)
        Higher = more anomalous, on the scale of ``threshold``. +inf (a window unlike any seen)
        is drawn at the largest finite score, counted in the legend, and flagged; NaN (the
        first ``window - 1`` points of ``causal_score``, with no window ending there) is left
        undrawn and unflagged.
    threshold : float or None, default=None
        Drawn as a line, points above it flagged; None: no line (a rule that flags by
        something else than the score: pass its ``flags``), and nothing flagged without them.
    time : array-like of shape (time,), default=None
        The x axis (timestamps, dates written as text, or numbers); the point index when None.
    channel_names : list of str, default=None
        The channels' names in the legend (a DataFrame's columns, else ``x0, x1, ...``).
    labels : array-like of shape (time,), default=None
        Known anomalies (1) and normal points (0), shaded grey on the series.
    flags : array-like of shape (time,), default=None
        The flagged points, when they are not those scoring above ``threshold``
        (``SeriesAnomalyDetector(threshold="likelihood")``): bools, or ``predict``'s output
        (-1 flagged, +1 not), or 1 (flagged) and 0.
    axes : sequence of two matplotlib Axes, default=None
        The series on the first, the score on the second; a new figure when None.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure of the Axes drawn on.
    """
    scores = check_scores(anomaly_scores, allow_nan=True)
    n = len(scores)
    threshold = check_threshold(threshold)
    values, time, channel_names = _frame_parts(values, time, channel_names)
    values = check_length(values, n, "values", "anomaly_scores").astype(float)
    values = values.reshape(n, -1)
    x = np.arange(n) if time is None else _time_values(time, n)
    labels = None if labels is None else check_binary_labels(labels, n)
    if flags is not None:
        flags = check_flags(flags, n)
    elif threshold is not None:
        flags = scores > threshold
    else:
        flags = np.zeros(n, dtype=bool)
    names = (
        channel_names if channel_names is not None else [f"x{i}" for i in range(values.shape[1])]
    )
    if len(names) != values.shape[1]:
        raise ValueError(f"{len(names)} channel_names for {values.shape[1]} channels of values.")
    scores, note = infinite_note(scores)
    if axes is None:
        figure = new_figure((11, 5))
        axes = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    top, bottom = check_axes(axes, 2)[:2]
    figure = top.figure
    drawn, standardized = _on_one_scale(values)
    colours = _colours_but_red()
    for number, (channel, name) in enumerate(zip(drawn.T, names)):
        top.plot(x, channel, linewidth=0.7, label=str(name), color=colours[number % len(colours)])
    edges = point_edges(x)  # a span covers its points' cells: from first's left to last's right
    if labels is not None:
        for first, last in spans(labels):
            top.axvspan(edges[first], edges[last + 1], color="grey", alpha=0.25, linewidth=0)
    score_label = "anomaly score" + (f" ({note})" if note else "")
    bottom.plot(x, scores, color="black", linewidth=0.7, label=score_label)
    if threshold is not None:
        label = f"threshold {threshold:.3g}"
        bottom.axhline(threshold, color="tab:red", linestyle="--", label=label)
    for first, last in spans(flags):
        for ax in (top, bottom):
            ax.axvspan(edges[first], edges[last + 1], color="tab:red", alpha=0.2, linewidth=0)
    flagged = np.flatnonzero(flags)
    if len(flagged):  # a span of a point is under a pixel wide on a long series: 5 of 100,000
        # points flagged drew no red at all; a marker at each keeps them in sight
        said = f"{len(flagged):,} flagged point{'s' * (len(flagged) > 1)}"
        bottom.scatter(x[flagged], scores[flagged], s=9, color="tab:red", zorder=3, label=said)
        ticks = top.get_xaxis_transform()  # x in data, y in the axes: a tick at each one's foot
        top.scatter(x[flagged], np.full(len(flagged), 0.03), marker="|", s=120, color="tab:red",
                    transform=ticks, zorder=3)  # fmt: skip
    top.set_ylabel("value, each channel standardized" if standardized else "value")
    top.set_title(
        "series, flagged points in red"
        + (", labelled anomalies in grey" if labels is not None else "")
    )
    if values.shape[1] <= 10:
        top.legend(loc="upper left", fontsize="small")
    else:  # ten colours repeat: the channels are not told apart, and the figure says so
        top.text(0.01, 0.97, f"{values.shape[1]} channels (no legend above 10)",
                 transform=top.transAxes, va="top", fontsize="small")  # fmt: skip
    bottom.set_ylabel("anomaly score" + _log_above_typical(bottom, scores, threshold))
    bottom.set_xlabel("time" if time is not None else "point")
    bottom.legend(loc="best", fontsize="small")  # not over the flagged points' markers
    if np.issubdtype(x.dtype, np.datetime64):
        figure.autofmt_xdate()
    return figure


# A channel whose range is under this share of the panel's draws as a flat line: the channels
# are then each standardized (a pressure near 101,325 flattened every other sensor on zero).
FLAT_SHARE = 0.05


def _on_one_scale(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """``values`` as drawn, and whether each channel was standardized (its mean and standard
    deviation; a constant channel centred on 0) because one would draw flat beside the others."""
    shift = channel_standardization(values)
    return (values, False) if shift is None else ((values - shift[0]) / shift[1], True)


def channel_standardization(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Each channel's (mean, scale) of ``values`` (time, channels) to draw them standardized
    where one would draw flat beside the others on a shared axis (its spread under
    FLAT_SHARE of the panel's); None where they draw well as they are."""
    finite = np.where(np.isfinite(values), values, np.nan)
    with warnings.catch_warnings():  # a channel of NaN alone: no range, drawn as it is
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanmax(finite, axis=0) - np.nanmin(finite, axis=0)
        panel = np.nanmax(finite) - np.nanmin(finite)
        scale = np.nanstd(finite, axis=0)
        centre = np.nanmean(finite, axis=0)
    moving = spread[spread > 0]
    if values.shape[1] < 2 or not len(moving) or moving.min() >= FLAT_SHARE * panel:
        return None
    return centre, np.where(scale > 0, scale, 1.0)


def _colours_but_red() -> list:
    """Matplotlib's colour cycle without the flagged spans' red (its 4th colour, "tab:red",
    which drew a channel as if flagged); tab10 where the cycle holds no colours but red."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import same_color

    cycle = plt.rcParams["axes.prop_cycle"].by_key().get("color", [])
    kept = [c for c in cycle if not same_color(c, "tab:red")]
    return kept or ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown"]


# A score this many times the typical (99th percentile) and the threshold gets a log axis: one
# spike of 6,000 drew a threshold of 28 and every other flagged stretch flat on zero.
LOG_AXIS_RATIO = 30


def _log_above_typical(ax: Any, scores: np.ndarray, threshold: float | None) -> str:
    """Give ``ax`` a symmetric-log y axis, linear up to the typical score or the threshold,
    when a few scores dwarf them; returns what the axis label should add (or "")."""
    finite = scores[np.isfinite(scores)]
    if not len(finite):
        return ""
    typical = max(float(np.percentile(np.abs(finite), 99)), abs(threshold or 0.0))
    if typical <= 0 or np.abs(finite).max() <= LOG_AXIS_RATIO * typical:
        return ""
    ax.set_yscale("symlog", linthresh=typical)
    ax.set_ylim(bottom=min(0.0, float(finite.min())))  # no empty negative decades
    return f" (log above {typical:.3g})"
