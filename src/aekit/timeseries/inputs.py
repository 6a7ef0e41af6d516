"""How :class:`SeriesAnomalyDetector` reads its input: one series or several, each a DataFrame
(optionally with a time column), a ``(time,)`` or ``(time, channels)`` array, or a list of those.

A series with a time column (or a DatetimeIndex, used when there is no time column) must be
sorted and evenly spaced: windows assume one step between points, in calendar units where those
are what is even (months, days in local time: :mod:`aekit.timeseries.time_axis`). Missing
timestamps (a gap in the grid) and missing values (NaN) are an error, unless
``handle_missing="interpolate"``: the series is then put on its regular grid (its most common
step, named in the messages: :mod:`aekit.timeseries.grid`) and its gaps filled by linear
interpolation in time; scores come back on the original rows.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from aekit.data.fit_columns import warn_feature_names
from aekit.data.non_finite import refuse_infinite
from aekit.data.validation import (
    reject_complex,
    reject_duplicate_columns,
    reject_sparse,
    reject_unshaped,
)
from aekit.timeseries.grid import MISSING_FIX, Series, on_grid
from aekit.timeseries.repeats import check_long_format, check_order, merge_repeats
from aekit.timeseries.step_names import NO_STEP, same_step
from aekit.timeseries.time_axis import TimeAxis, date_axis, numeric_axis
from aekit.timeseries.timestamps import parse_times
from aekit.warning_lines import caller_level

HANDLE_MISSING = ("error", "interpolate")


def is_several(X: Any) -> bool:
    """A list or tuple of series (not a nested list that is one 2-D array)."""
    import pandas as pd

    if not isinstance(X, (list, tuple)) or not X:
        return False
    return all(isinstance(s, (np.ndarray, pd.DataFrame, pd.Series)) for s in X)


def check_time_column(frame, time_column: str) -> None:
    if time_column in frame.columns:
        return
    if time_column in frame.index.names:
        raise ValueError(
            f"time_column {time_column!r} is X's index, not a column; pass X.reset_index() "
            "(or, for a DatetimeIndex, time_column=None: the index is then the time axis)."
        )
    raise ValueError(
        f"time_column {time_column!r} is not a column of X; it has {list(frame.columns)}."
    )


def value_names(frame, time_column: str | None, value_columns: Any) -> list:
    """The value columns of a DataFrame, as its own labels: those named, else every numeric or
    bool column (a bool is a 0/1 channel: a flag such as "machine on") but the time."""
    if time_column is not None:
        check_time_column(frame, time_column)
    if value_columns is not None:
        names = [value_columns] if isinstance(value_columns, str) else list(value_columns)
        repeated = sorted({c for c in names if names.count(c) > 1}, key=names.index)
        if repeated:
            raise ValueError(
                f"value_columns names {repeated} more than once; name each channel once."
            )
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise ValueError(
                f"value_columns {missing} are not columns of X; it has {list(frame.columns)}."
            )
        _check_named_values(frame, names, time_column)
        return names
    rest = frame.drop(columns=[time_column] if time_column else [])
    numeric = rest.select_dtypes(["number", "bool"])
    _check_date_columns(rest, time_column)
    _check_text_columns(
        rest.drop(columns=numeric.columns).select_dtypes(exclude=["datetime", "datetimetz"])
    )
    if numeric.shape[1] == 0:
        import pandas as pd

        # the time column taken may be the values: numbers, where the stamps are text
        took = (
            f" time_column={time_column!r} is its only numeric column: is it the time?"
            if time_column and pd.api.types.is_numeric_dtype(frame[time_column])
            else ""
        )
        raise ValueError(
            "X has no numeric value columns; name them with value_columns "
            f"(columns: {list(frame.columns)}).{took}"
        )
    return list(numeric.columns)


def _check_named_values(frame, names: list, time_column: str | None) -> None:
    """The columns named as channels hold numbers (or bools), and the time is not among them:
    either was "could not convert string to float: '2024-01-01 00:00:00'"."""
    import pandas as pd

    others = [c for c in frame.columns if c not in names and c != time_column]
    if time_column is not None and time_column in names:
        values = [c for c in names if c != time_column] or others
        raise ValueError(
            f"value_columns names the time column {time_column!r}; the channels are the values "
            f"measured at each time, e.g. value_columns={values}."
        )
    chosen = frame[names]
    held = chosen.drop(columns=chosen.select_dtypes(["number", "bool"]).columns)
    # a named column of numbers held as objects or text is read as numbers (as it always was);
    # one with a few cells that are not numbers names the first (_check_text_columns)
    convertible = [
        c for c in held.columns if pd.to_numeric(held[c].dropna(), errors="coerce").notna().all()
    ]
    not_numbers = held.drop(columns=convertible)
    _check_text_columns(not_numbers.select_dtypes(["object", "string"]))
    if not_numbers.shape[1]:
        kinds = ", ".join(f"{c!r} ({not_numbers[c].dtype})" for c in not_numbers.columns)
        raise ValueError(
            f"value_columns names columns that do not hold numbers: {kinds}; a channel is a "
            f"numeric or bool column (the others: {others})."
        )


def warn_left_out_text(X: Any, time_column: str | None, channels: list | None = None) -> None:
    """Name the text columns of a DataFrame that are not channels: only numbers (and bools)
    are scored, as documented, but a column the user meant as a channel must not vanish unsaid
    (a column of numbers with a few typos is an error instead: :func:`value_names`). At fit
    the fix is to choose the channels; at score (``channels``: the fitted model's, or None
    when it has no names) they are chosen, and the fix is to drop the column."""

    import pandas as pd

    if not isinstance(X, pd.DataFrame):
        return
    rest = X.drop(columns=[time_column] if time_column in X.columns else [])
    text = rest.select_dtypes(exclude=["number", "bool", "datetime", "datetimetz"]).columns
    written = [c for c in text if _dates_as_text(rest[c])] if time_column is None else []
    if written:  # as a date column without time_column: its gaps would pass unnoticed
        raise ValueError(
            f"X has a column {written[0]!r} of dates written as text but no time_column; pass "
            f"time_column={written[0]!r} to use it as the time axis (its steps and gaps are "
            "then checked), or drop it."
        )
    # a second date column beside time_column (dropped unsaid when typed, as a datetime)
    dates = list(rest.select_dtypes(["datetime", "datetimetz"]).columns)
    if len(text) or dates:
        kinds = [f"text column(s) {', '.join(map(str, text))}"] if len(text) else []
        kinds += [f"date column(s) {', '.join(map(str, dates))}"] if dates else []
        fix = (
            "to choose the channels, name them with value_columns."
            if channels is None
            else f"the model scores the channels {channels}; drop the column(s) from X to leave "
            "them out quietly."
        )
        warnings.warn(
            f"{' and '.join(kinds)} left out of the channels (only numbers are scored); {fix}",
            stacklevel=caller_level(),
        )


def _dates_as_text(column: Any) -> bool:
    """Whether a text column holds dates (9 in 10 of a sample of its cells read as one, time
    zones and daylight saving offsets included)."""

    import pandas as pd

    cells = column.dropna()
    cells = cells.iloc[:: max(1, len(cells) // 200)].astype(str)
    if not len(cells) or not cells.str.contains(r"\d", regex=True).all():
        return False
    with warnings.catch_warnings():  # "Could not infer format": the cells are only a probe
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(cells, errors="coerce", utc=True, format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def channel_names(labels: list) -> list[str] | None:
    """The channels' names as scikit-learn keeps feature names: strings, or None when no label
    is a string (an unnamed Series, a DataFrame of an array: columns 0, 1, ...), which are then
    channels by position, like an array's."""
    if not any(isinstance(c, str) for c in labels):
        return None
    return [str(c) for c in labels]


def _check_date_columns(rest, time_column: str | None) -> None:
    """A date column is a time axis, not a channel: without time_column, say which to name."""
    dates = list(rest.select_dtypes(["datetime", "datetimetz"]).columns)
    if dates and time_column is None:
        raise ValueError(
            f"X has a date column {dates[0]!r} but no time_column; pass "
            f"time_column={dates[0]!r} to use it as the time axis, or drop it."
        )


def _check_text_columns(text) -> None:
    """Columns left out of the channels because they are not numbers (as documented) must not
    be channels with a typo: one that holds numbers but for a few cells is an error, naming the
    cell, rather than a channel silently dropped; one that holds only numbers, as text, too."""
    import pandas as pd

    from aekit.data.column_checks import is_missing_marker, json_value, na_values_advice

    for name in text.columns:
        cells = text[name].dropna()
        numbers = pd.to_numeric(cells, errors="coerce")
        if not len(cells) or numbers.notna().mean() < 0.9:
            continue
        if numbers.notna().all():
            raise ValueError(
                f"column {name!r} holds numbers stored as text ({text[name].dtype}); convert "
                "it with pd.to_numeric, or name the channels with value_columns."
            )
        row = int(np.flatnonzero(numbers.isna().to_numpy())[0])
        value = json_value(cells.iloc[row])
        # naming the channels alone changed nothing for a channel wanted ('ERR' in a sensor's
        # column): a cell that marks a missing reading is read as missing and filled
        missing = f"{na_values_advice([str(value)])} and fill it with handle_missing='interpolate'"
        first = f"{missing}; else fix it" if is_missing_marker(value) else f"fix it; or, {missing}"
        raise ValueError(
            f"column {name!r} holds {value!r} (row {cells.index[row]}), not a number, among "
            f"numbers; {first}; or leave column {name!r} out: name the channels with "
            "value_columns."
        )


def check_value_names(fitted: Any, given: list[str] | None, owner: str) -> None:
    """Channels are read by position, so the value columns of a series scored must be those of
    fit, in the same order (as scikit-learn checks a DataFrame's feature names): other names or
    another order are an error; names on one side only a warning (scikit-learn's wording)."""
    if fitted is None and given is None:
        return
    if fitted is None or given is None:
        warn_feature_names(given is not None, fitted is not None, owner)
        return
    expected = [str(n) for n in fitted]
    if given == expected:
        return
    missing = [n for n in expected if n not in given]
    unexpected = [n for n in given if n not in expected]
    if missing or unexpected:
        what = f"missing {missing}, unexpected {unexpected}"
    else:
        what = "the same columns in another order"
    raise ValueError(
        f"X's value columns {given} differ from those seen in fit {expected} ({what}); pass "
        f"the columns {expected} in that order, or fit with value_columns={expected} to pick "
        "the channels by name."
    )


def check_steps(series: list[Series], fitted: str | None, fitting: bool) -> None:
    """Windows of ``window`` points span ``window`` steps: a series sampled every minute scored
    by a detector fitted on hourly ones compares an hour with two days and a half. Warned of,
    not refused (the caller may know the dynamics do not depend on the step)."""

    steps = []  # in order, those within jitter of one another once
    for step in (s.step for s in series if s.step not in (None, NO_STEP)):
        if not any(same_step(step, seen) for seen in steps):
            steps.append(step)
    if fitting:
        if len(steps) > 1:
            warnings.warn(
                f"the series of X have different time steps ({', '.join(steps)}); windows of "
                "the same number of points then span different stretches of time.",
                UserWarning,
                stacklevel=caller_level(),
            )
        return
    other = [s for s in steps if not same_step(s, fitted)] if fitted is not None else []
    if other:
        warnings.warn(_other_step(other[0], fitted), UserWarning, stacklevel=caller_level())


def _other_step(step: str, fitted: str) -> str:
    """The warning of a series scored at another step than fit's: numbers against dates (Unix
    seconds against the same minutes written as dates) said as such, not as a resampling."""
    numbers = "time-column unit"
    if (numbers in step) != (numbers in fitted):
        now, then = ("numbers", "dates") if numbers in step else ("dates", "numbers")
        return (
            f"X's time column holds {now} (a step of {step}), but the detector was fitted on "
            f"{then} (a step of {fitted}): write the times as {then}, as the training series "
            "had them"
            + (" (Unix seconds as the dates they stand for)." if then == "dates" else ".")
        )
    return (
        f"X is sampled every {step}, but the detector was fitted on series sampled every "
        f"{fitted}: a window then spans another stretch of time; resample X to one point "
        f"every {fitted}."
    )


def _time_axis(
    column, what: str, values: np.ndarray, handle_missing: str
) -> tuple[TimeAxis, np.ndarray, np.ndarray | None]:
    """The time column (or index, as a Series) as positions on an even axis, and the values
    on it: a step back is refused, rows sharing a timestamp merged
    (:mod:`aekit.timeseries.repeats`); ``inverse``: each row's place among the distinct times
    (None when no time repeats)."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(column):
        t, stamps = column.to_numpy(np.float64), None
    else:
        stamps = parse_times(column, what)
        first = stamps[stamps.notna()].iloc[0] if stamps.notna().any() else pd.NaT
        t = (stamps - first).dt.total_seconds().to_numpy(np.float64)
    if np.isnan(t).any():
        empty = np.flatnonzero(np.isnan(t))
        raise ValueError(
            f"{what} has {len(empty)} empty timestamp{'s' * (len(empty) > 1)} (the first in "
            f"row {empty[0]}, 0-based); fill or drop them."
        )
    check_order(t, column, what)
    firsts, values, inverse = merge_repeats(t, values, handle_missing, what)
    if inverse is not None:
        column = column.iloc[firsts].reset_index(drop=True)
        t = t[firsts]
        stamps = None if stamps is None else stamps.iloc[firsts].reset_index(drop=True)
    axis = numeric_axis(t) if stamps is None else date_axis(column, stamps)
    if inverse is not None:
        axis.rows = np.r_[firsts[1:] - 1, len(inverse) - 1]  # the last row of each time
    return axis, values, inverse


def read_series(
    X: Any, time_column: str | None, value_columns: Any, handle_missing: str
) -> tuple[Series, list[str] | None]:
    """One series and its channel names (None for an array)."""
    import pandas as pd

    reject_sparse(X)  # "X must hold numbers" said nothing of .toarray(), as the others do
    reject_unshaped(X, table="a series: an array of shape (time,) or (time, channels)")
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        reject_duplicate_columns(X)  # two channels of one name could not be told apart
        _check_points(len(X))
        labels = value_names(X, time_column, value_columns)
        values = X[labels].to_numpy(np.float64, na_value=np.nan)
        # by X's rows, before repeats are merged
        _refuse_infinite(values, handle_missing, labels, X.index)
        names = channel_names(labels)
        column, what, inverse = None, "the time column", None
        if time_column is not None:
            check_long_format(X, time_column, labels)
            column, what = X[time_column], f"time column {time_column!r}"
        elif isinstance(X.index, pd.DatetimeIndex):
            column, what = X.index.to_series(index=np.arange(len(X))), "the index"
        axis = None
        if column is not None:
            axis, values, inverse = _time_axis(column, what, values, handle_missing)
    else:
        if time_column is not None:
            raise ValueError(
                f"time_column={time_column!r} needs a DataFrame; an array's rows are taken as "
                "evenly spaced points."
            )
        reject_complex(X)  # numpy would drop the imaginary part with a ComplexWarning
        try:
            values = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as err:  # numpy's type: a dict's TypeError, text's Value
            raise type(err)(
                f"X must hold numbers: a (time,) or (time, channels) array ({err})."
            ) from None
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise ValueError(
                f"a series must be (time,) or (time, channels); got shape {values.shape}. An "
                f"array of {values.shape[0]} sequences is rows: score them with "
                "AnomalyDetector, or an autoencoder (sequences as (n, channels, length))."
            )
        _check_points(len(values))
        _refuse_infinite(values, handle_missing)
        names, axis, what, inverse = None, None, "the time column", None
    series = on_grid(values, axis, handle_missing, what, None if names is None else list(names))
    return series.at_rows(inverse, axis), names


def _refuse_infinite(
    values: np.ndarray, handle_missing: str, columns: Any = None, index: Any = None
) -> None:
    """ValueError naming X's infinite values; NaN is a missing value, filled or refused by
    :func:`aekit.timeseries.grid.on_grid`, and named here too when it would be refused."""
    missing_fix = MISSING_FIX if handle_missing == "error" else None
    refuse_infinite(values, columns=columns, index=index, missing_fix=missing_fix)


def _check_points(n_points: int) -> None:
    if n_points == 0:
        raise ValueError("the series has no points (X is empty); give it at least window points.")
