"""Sliding windows over a series, and the way back: window outputs averaged onto the time axis.

A series is ``(time,)`` or ``(time, channels)``. Window ``i`` covers the points
``i * stride ... i * stride + length - 1``; the windows of a ``(time, channels)`` series are
``(n_windows, length, channels)`` (``(n_windows, length)`` for ``(time,)``).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


def n_windows(n_times: int, length: int, stride: int = 1) -> int:
    """How many whole windows of ``length`` points, ``stride`` apart, fit in ``n_times`` points."""
    return 0 if n_times < length else (n_times - length) // stride + 1


def _check(length: int, stride: int) -> None:
    if int(length) != length or length < 1:
        raise ValueError(f"length must be a positive integer; got {length!r}.")
    if int(stride) != stride or stride < 1:
        raise ValueError(f"stride must be a positive integer; got {stride!r}.")


def sliding_windows(series, length: int, stride: int = 1) -> np.ndarray:
    """Every window of ``length`` points, ``stride`` apart, as a read-only strided view.

    No data is copied: window ``i`` is ``series[i * stride : i * stride + length]`` and shares
    memory with ``series`` (``np.shares_memory`` is true). Copy the result before writing to it.

    Parameters
    ----------
    series : array-like of shape (time,) or (time, channels)
    length : int
        Points per window.
    stride : int, default=1
        Points between the starts of consecutive windows.

    Returns
    -------
    windows : ndarray of shape (n_windows, length) or (n_windows, length, channels)
        ``n_windows = (time - length) // stride + 1``; points after the last whole window are
        in no window. aekit's sequence networks (``architecture="conv1d"``, ``"lstm"``,
        ``"gru"``) take ``(n, channels, length)``: pass ``windows.transpose(0, 2, 1)``.
    """
    _check(length, stride)
    array = np.asarray(series)
    if array.ndim not in (1, 2):
        raise ValueError(f"series must be (time,) or (time, channels); got shape {array.shape}.")
    count = n_windows(len(array), int(length), int(stride))
    if count == 0:
        points = f"{len(array)} point{'s' if len(array) != 1 else ''}"
        raise ValueError(
            f"the series has {points}, fewer than one window of length={length}; "
            "use a shorter window or a longer series."
        )
    step = array.strides[0]
    shape = (count, int(length), *array.shape[1:])
    strides = (step * int(stride), step, *array.strides[1:])
    return as_strided(array, shape=shape, strides=strides, writeable=False)


def average_windows(windows, n_times: int, stride: int = 1) -> np.ndarray:
    """The inverse of :func:`sliding_windows`: each point gets the mean of the values the
    windows covering it give it.

    For windows cut from a series this returns the series exactly (every window agrees on every
    point); for per-window outputs (reconstructions, per-point errors) it is their average over
    the windows that cover each point. Points no window covers (after the last whole window, or
    between windows when ``stride > length``) are NaN.

    Parameters
    ----------
    windows : array-like of shape (n_windows, length) or (n_windows, length, channels)
    n_times : int
        Length of the series the windows were cut from.
    stride : int, default=1

    Returns
    -------
    series : ndarray of shape (n_times,) or (n_times, channels), float64
    """
    windows = np.asarray(windows, dtype=np.float64)
    if windows.ndim not in (2, 3):
        raise ValueError(
            "windows must be (n_windows, length) or (n_windows, length, channels); got shape "
            f"{windows.shape}."
        )
    count, length = windows.shape[:2]
    _check(length, stride)
    if count and (count - 1) * stride + length > n_times:
        raise ValueError(
            f"{count} windows of length {length}, stride {stride} need at least "
            f"{(count - 1) * stride + length} points; n_times={n_times} is too short."
        )
    return _average(windows, np.arange(count) * stride, n_times)


def _average(windows: np.ndarray, starts: np.ndarray, n_times: int) -> np.ndarray:
    """Mean over the windows covering each point; NaN where none does."""
    length = windows.shape[1]
    mean = np.full((n_times, *windows.shape[2:]), np.nan)
    mean[starts] = 0.0
    covered = np.zeros((n_times,) + (1,) * (windows.ndim - 2))
    # A running mean, window offset by offset (``length`` vectorized steps instead of one per
    # window; within one offset the points ``starts + offset`` are distinct). The update
    # ``m += (v - m) / k`` leaves m exactly v when every window gives v, so windows cut from a
    # series come back bit for bit (a sum divided by the count would round).
    for offset in range(length):
        points = starts + offset
        if offset:  # points first covered at this offset start from 0
            fresh = covered[points].reshape(-1) == 0
            mean[points[fresh]] = 0.0
        covered[points] += 1.0
        mean[points] += (windows[:, offset] - mean[points]) / covered[points]
    return mean


def window_starts(n_times: int, length: int, stride: int = 1) -> np.ndarray:
    """Where the windows of a series start: every ``stride`` points, plus one window ending at
    the last point when the regular ones stop short of it, so every point is covered (for
    ``stride <= length``)."""
    starts = np.arange(n_windows(n_times, length, stride)) * stride
    if len(starts) and starts[-1] + length < n_times:
        starts = np.append(starts, n_times - length)
    return starts


def spread_windows(values, starts: np.ndarray, length: int, n_times: int) -> np.ndarray:
    """Per-window values ``(n_windows,)`` or ``(n_windows, k)`` onto the points: each point gets
    the mean value of the windows (starting at ``starts``, ``length`` long) that cover it."""
    values = np.asarray(values, dtype=np.float64)
    starts = np.asarray(starts)
    # A running sum: each window adds its value from its first point and takes it away after
    # its last, so one cumulative sum gives every point the sum over the windows covering it.
    change = np.zeros((n_times + 1, *values.shape[1:]))
    count = np.zeros(n_times + 1)
    np.add.at(change, starts, values)
    np.add.at(change, starts + length, -values)
    np.add.at(count, starts, 1.0)
    np.add.at(count, starts + length, -1.0)
    total, covered = np.cumsum(change, axis=0)[:-1], np.cumsum(count)[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / covered.reshape((n_times,) + (1,) * (values.ndim - 1))
