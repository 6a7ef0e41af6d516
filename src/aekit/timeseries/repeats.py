"""Timestamps that do not increase: a step back in time, and rows that share a timestamp.

Windows need one point per time. Real logs break this two ways (NAB has both):

* **A step back** (``machine_temperature_system_failure``, row 10149: 02:55 then 02:00, and
  the hour 02:00-02:55 logged a second time with other readings): a clock reset or a stretch
  replayed, not rows shuffled, so the rows are never sorted silently; the error names the row,
  both timestamps and the fix for rows that are only out of order (``X.sort_values(time)``).
* **Repeated timestamps**, mostly the hour a clock skips at daylight saving time logged as
  twelve rows at 03:00 (NAB's AWS series on 2014-03-09). A row equal to an earlier one (same
  time, same values) is one reading written twice: dropped, with a warning that counts them.
  Rows at one time with different values are several readings of one grid point: with
  ``handle_missing="interpolate"``, which already resamples the series onto its grid, they are
  averaged (the least-squares value of that point, as resampling by mean does), with a warning;
  otherwise an error naming that option and the pandas fix (``X.groupby(time).mean()``), since
  which reading is right is the user's call.
* **Several series in one long table** (``host,timestamp,value``: each host its own run of
  timestamps) repeat every timestamp too, but averaging them makes one series of no host:
  refused before either rule above, naming the column that tells them apart, with the two ways
  to read them (a list of series, or one channel per series).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np

from aekit.warning_lines import caller_level


def check_long_format(frame, time_column: str, channels: list) -> None:
    """Refuse a long table of several series (``host,timestamp,value``), which the rules for
    repeated timestamps would read as one series, the hosts averaged (or the rows refused as
    out of order, with the advice to sort them, which leads there too). It is recognised by a
    column that is neither the time nor a channel, whose values each hold at least two rows and
    never repeat a timestamp among their own rows while the timestamps repeat overall, nearly
    every time within two or more of their spans held by several rows."""
    for name, counts in series_keys(frame, time_column, channels):
        raise ValueError(_long_format_message(frame, name, time_column, channels, counts))


def series_keys(frame, time_column: str, channels: list) -> Iterator[tuple[str, object]]:
    """The columns of ``frame`` (but the time and the ``channels``) that tell the series of a
    long table apart (:func:`check_long_format`), each with its values' row counts."""
    times = frame[time_column]
    if not times.duplicated().any():
        return
    for name in frame.columns:
        if name == time_column or name in channels:
            continue
        keys = frame[name]
        counts = keys.value_counts(dropna=False)
        if len(counts) < 2 or counts.min() < 2:  # one series, or free text (one row each)
            continue
        if frame[[name, time_column]].duplicated().any():
            continue  # a value holds one time twice: no series of its own
        if _shared_where_they_overlap(keys, times):
            yield name, counts


# Of the times that lie within two or more series' spans, the share that more than one row
# holds, at or above which the column's values are series (hosts logging side by side).
OVERLAP_SHARE = 0.8


def _shared_where_they_overlap(keys, times) -> bool:
    """Whether the values of ``keys`` are series logged side by side: where their spans of
    time overlap, nearly every time is held by several rows (each series has its reading
    there), at least three times. A status column whose two values differ at one time logged
    twice has its values' spans overlapping everywhere and one time repeated there: no series
    (it was read as a long table, with no way past the refusal)."""
    import pandas as pd

    position = _time_positions(times)
    codes = pd.factorize(keys, use_na_sentinel=False)[0]
    start = np.full(codes.max() + 1, np.inf)
    end = np.full(codes.max() + 1, -np.inf)
    np.minimum.at(start, codes, position)
    np.maximum.at(end, codes, position)
    distinct, rows = np.unique(position, return_counts=True)
    spans = np.searchsorted(np.sort(start), distinct, "right") - np.searchsorted(
        np.sort(end), distinct, "left"
    )  # how many series' spans hold each time
    overlap = spans >= 2
    held = int((overlap & (rows > 1)).sum())
    return held >= 3 and held >= OVERLAP_SHARE * int(overlap.sum())


def _time_positions(times) -> np.ndarray:
    """The times as numbers in their order: numbers as they are, dates (typed, or text pandas
    reads) as instants, other text in its sorted order."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(times):
        return times.to_numpy(np.float64)
    with warnings.catch_warnings():  # "Could not infer format": only a probe
        warnings.simplefilter("ignore")
        instants = pd.to_datetime(times, errors="coerce", utc=True, format="mixed")
    if instants.notna().all():
        return (instants - instants.min()).dt.total_seconds().to_numpy(np.float64)
    return pd.factorize(times, sort=True)[0].astype(np.float64)


def key_values(counts) -> str:
    """A series column's values as a message shows them: how many, and the first three."""
    shown = ", ".join(repr(v) for v in counts.index[:3]) + (", ..." if len(counts) > 3 else "")
    return f"{len(counts)} values: {shown}"


def _long_format_message(frame, name, time_column: str, channels: list, counts) -> str:
    pivot = (  # one value column: one channel per series (a multi-level header otherwise)
        f", or as the channels of one series: X.pivot(index={time_column!r}, columns={name!r}, "
        f"values={channels[0]!r}).reset_index()"
        if len(channels) == 1
        else ""
    )
    return (
        f"X holds several series in one long table: time column {time_column!r} repeats, but "
        f"column {name!r} ({key_values(counts)}) gives each series its own "
        f"timestamps. Read as one series, they would be averaged together. Fit them as a list "
        f"of series, [s for _, s in X.groupby({name!r})]{pivot}."
    )


def check_order(t: np.ndarray, labels, what: str) -> None:
    """Refuse a step back in time: ``t`` the positions, ``labels`` the timestamps as given (a
    pandas Series, for the message), ``what`` the axis in words ("time column 'ts'", "the
    index")."""
    back = np.flatnonzero(np.diff(t) < 0)
    if not len(back):
        return
    row = int(back[0]) + 1
    repeats = len(t) - len(np.unique(t))
    also = f"; {_rows(repeats)} repeat earlier timestamps" if repeats else ""
    others = f"; {len(back) - 1} more steps back" if len(back) > 1 else ""
    column = what.removeprefix("time column ")  # its name as repr() writes it
    sort = "X.sort_index()" if what == "the index" else f"X.sort_values({column})"
    raise ValueError(
        f"{what} goes back in time at row {row}: {labels.iloc[row]} after "
        f"{labels.iloc[row - 1]} in row {row - 1}{others}{also}. Rows are not sorted silently "
        f"(a clock reset or a replayed stretch is not a shuffle); if they are only out of "
        f"order, sort them: {sort}.{_clock_set_back(labels, row, what)}"
    )


def _clock_set_back(labels, row: int, what: str) -> str:
    """Advice for local times without their zone (dates, or text such as a CSV's, with no UTC
    offset) that step back by an hour or less: the end of daylight saving repeats an hour,
    which sorting would interleave."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(labels):
        return ""
    try:
        with warnings.catch_warnings():  # text pandas reads only with a format: no advice
            warnings.simplefilter("ignore")
            pair = pd.to_datetime(labels.iloc[[row - 1, row]])
    except (ValueError, TypeError):  # two offsets, or no dates
        return ""
    if pair.isna().any() or getattr(pair.dt, "tz", None) is not None:  # zoned: no repeat
        return ""
    back = pair.iloc[0] - pair.iloc[1]
    if not pd.Timedelta(0) < back <= pd.Timedelta(hours=1):
        return ""
    times = "X.index" if what == "the index" else f"X[{what.removeprefix('time column ')}].dt"
    return (
        " If the clock was set back an hour there (daylight saving's end in local time), "
        "sorting would interleave the two hours: give the timestamps their zone, e.g. "
        f"{times}.tz_localize('Europe/Berlin', ambiguous='infer'), or record them in UTC."
    )


def _rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def merge_repeats(
    t: np.ndarray, values: np.ndarray, handle_missing: str, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Rows of non-decreasing ``t`` that share a time, as one row each: ``(firsts, values,
    inverse)``, ``firsts`` the first row of each time, ``values`` one row per time, ``inverse``
    each original row's time (an index into ``firsts``; None when no time repeats)."""
    new_time = np.r_[True, np.diff(t) > 0]
    if new_time.all():
        return np.arange(len(t)), values, None
    import pandas as pd

    inverse = np.cumsum(new_time) - 1
    frame = pd.DataFrame(values).assign(_time=inverse)
    copies = frame.duplicated().to_numpy()  # NaN equals NaN here: a blank read twice
    kept = frame[~copies]
    conflicts = int(kept["_time"].duplicated().sum())
    firsts = np.flatnonzero(new_time)
    if conflicts and handle_missing != "interpolate":
        time = what.split()[-1] if what != "the index" else "X.index"
        raise ValueError(
            f"{what} repeats {_times(kept)} with different values (first at row "
            f"{int(kept.index[kept['_time'].duplicated()][0])}); average them onto the regular "
            f"grid with handle_missing='interpolate', or beforehand: "
            f"X.groupby({time}).mean()."
        )
    said = []
    if copies.any():
        said.append(f"dropped {_rows(int(copies.sum()))} repeating an earlier row exactly")
    if conflicts:
        said.append(f"averaged the rows of {_times(kept)} that have different values")
    warnings.warn(
        f"{what} repeats timestamps: {'; '.join(said)}.", UserWarning, stacklevel=caller_level()
    )
    merged = kept.groupby("_time").mean().to_numpy(np.float64)
    return firsts, merged, inverse


def _times(kept) -> str:
    """How many timestamps hold more than one distinct row."""
    n = int(kept["_time"].value_counts().gt(1).sum())
    return f"{n} timestamp{'s' if n > 1 else ''}"
