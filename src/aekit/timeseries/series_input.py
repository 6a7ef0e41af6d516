"""How :class:`SeriesAnomalyDetector` reads X: one series or a list of them, each read by
:func:`aekit.timeseries.inputs.read_series`, checked against each other (same value columns,
same channels, time step) and, after fit, against what the detector was fitted on. Reading in
fit is also where the detector learns its channels, their names and the time step."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.timeseries.inputs import (
    Series,
    check_steps,
    check_value_names,
    is_several,
    read_series,
    warn_left_out_text,
)
from aekit.timeseries.windows import window_starts


class SeriesInput:
    """Mixin of :class:`SeriesAnomalyDetector`: read X into checked series (``n_features_in_``,
    ``feature_names_in_`` and ``time_step_`` set when fitting)."""

    def _channel_names(self) -> list:
        """The fitted channels: their names, or their positions for a model fitted unnamed."""
        names = getattr(self, "feature_names_in_", None)
        return list(range(self.n_features_in_)) if names is None else list(map(str, names))

    def _read(self, X: Any, fitting: bool = False) -> tuple[list[Series], bool]:
        several = is_several(X)
        parts = list(X) if several else [X]
        if not parts:
            raise ValueError("X holds no series.")
        read = [
            read_series(p, self.time_column, self.value_columns, self.handle_missing) for p in parts
        ]
        names = read[0][1]
        if any(n != names for _, n in read):
            raise ValueError("every series of X must have the same value columns.")
        widths = {s.values.shape[1] for s, _ in read}
        if len(widths) > 1:
            raise ValueError(
                f"every series of X must have the same channels; got {sorted(widths)}."
            )
        series = [s for s, _ in read]
        check_steps(series, getattr(self, "time_step_", None), fitting)
        if self.value_columns is None:  # new rows' text columns are dropped as fit's were: said
            channels = None if fitting else self._channel_names()
            warn_left_out_text(parts[0], self.time_column, channels)
        if fitting:
            if self.value_columns is None:
                warn_time_index_channels(series[0], names, self.time_column)
            self.time_step_ = next((s.step for s in series if s.step is not None), None)
            self.n_features_in_ = widths.pop()
            if names is not None:
                self.feature_names_in_ = np.asarray(names, dtype=object)
            else:
                self.__dict__.pop("feature_names_in_", None)
        else:
            check_value_names(getattr(self, "feature_names_in_", None), names, type(self).__name__)
            points, width = series[0].values.shape
            if width != self.n_features_in_:
                along_a_row = points == self.n_features_in_ and width >= int(self.window)
                transposed = " (time runs down the rows: pass X.T)" * along_a_row
                raise ValueError(
                    f"X has {width} channels, but SeriesAnomalyDetector was fitted on "
                    f"{self.n_features_in_}; pass the same value columns as in fit{transposed}."
                )
        for i, s in enumerate(series):
            if len(s.values) < int(self.window):
                points = f"{len(s.values)} point{'s' if len(s.values) != 1 else ''}"
                which = f"series {i} of X (0-based)" if several else "a series"
                if s.values.shape[1] >= int(self.window):  # (1, 1500): time along the columns
                    raise ValueError(
                        f"{which} has {points} of {s.values.shape[1]} channels: time runs down "
                        "the rows (time, channels); for one series along a row pass x.ravel(), "
                        "for several channels along the rows pass X.T."
                    )
                raise ValueError(
                    f"{which} has {points}, fewer than window={self.window}; "
                    "use a smaller window or a longer series."
                )
        if fitting and sum(len(s.values) - int(self.window) + 1 for s in series) < 2:
            # one window is one row: "X has n_samples=1; a detector needs at least 2 rows"
            raise ValueError(
                f"the series has {len(series[0].values)} points, one window of {self.window}: "
                f"fitting needs at least {int(self.window) + 1} points (two windows); use a "
                "smaller window or a longer series."
            )
        if fitting:
            warn_rows_of_sequences(series, int(self.window), int(self.stride))
        return series, several


def _warn_few_windows(windows: int, window: int, stride: int) -> None:
    """A series of one channel too short for its window: 65 points with window 64 are 2 windows
    to learn from, and the window detector said so in its own words (its k of neighbours cut
    to 1, a tail of 2 scores) with advice for an option the series has not."""
    import warnings

    from aekit.warning_lines import caller_level

    warnings.warn(
        f"the series gives {windows} window{'s' if windows != 1 else ''} of {window} points to "
        "learn from, fewer than the points in one window: too few for the window detector to "
        "learn the series' normal shapes, so its scores and threshold are rough; use a "
        f"smaller window{' or stride' if stride > 1 else ''} or a longer series.",
        UserWarning,
        stacklevel=caller_level(),
    )


def warn_rows_of_sequences(series: list[Series], window: int, stride: int) -> None:
    """Warn when the windows have more values than there are windows to learn them from, the
    mark of an array of sequences (500 heartbeats of 140 steps: ``(n, length)``, which reads as
    a series of 500 points with 140 channels) given where a series ``(time, channels)`` goes:
    fitted without a word, it scored each heartbeat as a time point. A long series of many
    channels (100,000 points of 120 sensors) has windows enough and is not warned of. A series
    of one channel is warned of when it gives fewer windows than the points in one
    (:func:`_warn_few_windows`)."""
    import warnings

    from aekit.warning_lines import caller_level

    channels = series[0].values.shape[1]
    windows = sum(len(window_starts(len(s.values), window, stride)) for s in series)
    if channels < 2:
        if windows < window:
            _warn_few_windows(windows, window, stride)
        return
    if window * channels <= windows:
        return
    points = sum(len(s.values) for s in series)
    warnings.warn(
        f"X reads as a series of {points} points with {channels} channels, so each window of "
        f"{window} points holds {window * channels} values, more than the {windows} windows "
        f"to learn them from. If each row of X is a sequence (a heartbeat, a window) rather "
        f"than a time point, score the rows with AnomalyDetector, or an autoencoder given "
        f"sequence_shape=(1, {channels}); a series is (time, channels).",
        UserWarning,
        stacklevel=caller_level(),
    )


# Fewer points than this are not judged (a short channel may rise steadily by chance).
_TIME_INDEX_MIN_POINTS = 20


def warn_time_index_channels(
    series: Series, names: list[str] | None, time_column: str | None
) -> None:
    """Warn of a channel that rises by the same step at every point (0, 1, 2, ...; or Unix
    seconds 300 apart): a time index or row number read as a measurement. Every later point
    continues it past the values seen in fit, so the detector flags new data for its position
    alone (a NAB series with such a column: 73% of its continuation flagged, each point for
    that channel). Only channels chosen without value_columns; beside a ``time_column`` such a
    column is a second counter (a row number), and an array's is named by its place."""
    import warnings

    from aekit.warning_lines import caller_level

    values = series.values
    if len(values) < _TIME_INDEX_MIN_POINTS:
        return
    steps = np.diff(values, axis=0)
    for j in range(values.shape[1]):
        step = steps[0, j]
        if not step > 0 or not np.allclose(steps[:, j], step, rtol=1e-6, atol=0.0):
            continue
        what = f"channel {j} (0-based) of X" if names is None else f"column {names[j]!r}"
        if names is None:
            fix = "pass X without it (a series' points are in time order already)"
        elif time_column is None:
            fix = (
                f"pass time_column={names[j]!r} (the time axis), or name the channels with "
                "value_columns"
            )
        else:
            fix = f"leave column {names[j]!r} out: name the channels with value_columns"
        warnings.warn(
            f"{what} rises by {step:g} at every point ({values[0, j]:g} to "
            f"{values[-1, j]:g}): a time index or row number? As a channel it carries each "
            "point's position into its score, and later points continue it past every value "
            f"seen in fit, so they are flagged for that alone; {fix}.",
            UserWarning,
            stacklevel=caller_level(),
        )
