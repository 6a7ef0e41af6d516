"""A window's largest point error, where it exceeds every training window's: what makes one spike
count.

A window's score adds its errors over all its ``channels * window`` values (and its distance to
the nearest training windows, which a single value moves as little), so a spike of 6 standard
deviations in one value of one channel lifts it by a fraction of what its own error is (a
user's noisy three-channel sensor table: none of its spikes flagged). Each window
also has a peak: its largest point error (summed over the channels at that point), times
``window``, which is what the window's error would be were every point as wrong as that one.
A window that peaks above ``peak_error_gate_``, 1.5 times the largest peak of the training
windows, gets the excess added to its score::

    S'_w = S_w + max(0, window * max_t e_w(t) - g),    e_w(t) = sum over channels of its errors

(e in the score's units: each member's error over its training scale, the members averaged.)
Below the gate nothing changes, so busy but familiar stretches score as before, and the
training windows (none above it) keep the scores their threshold was fitted to. Why a margin:
new windows of the same process peak above the training windows' largest peak (more windows,
and errors the network did not fit): on NAB's 48 series a median 5.2% of the scored windows
did, 3.4% above 1.5 times it, 1.8% above twice it, and each lifted window lifts points towards
the threshold. Mean VUS-PR on NAB's 42 labelled series: 0.510 without the peaks, 0.536 / 0.540
/ 0.535 with a margin of 1 / 1.5 / 2 (``benchmarks/timeseries.py``; the README's time-series
section); one spike of 6 standard deviations in ten, in a table of three noisy channels,
flagged 5 / 10 / 8 / 6 times in ten without the peaks and with those margins.
"""

from __future__ import annotations

import numpy as np

# The gate over the training windows' largest peak (see above).
GATE_MARGIN = 1.5


def window_peaks(detector, rows: np.ndarray, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """Each window's peak (``window`` times its largest point error) and each channel's part of
    it ``(n_windows, channels)``: its error at that point, times ``window``."""
    errors = detector.feature_errors(rows)
    per_channel = errors.reshape(len(rows), channels, -1)
    length = per_channel.shape[2]
    at = per_channel.sum(axis=1).argmax(axis=1)  # the peak point of each window
    parts = length * per_channel[np.arange(len(rows)), :, at]
    return parts.sum(axis=1), parts


def excess_shares(detector, rows: np.ndarray, channels: int, gate: float | None) -> np.ndarray:
    """``(n_windows, channels)``: what each window's peak adds to its score (its excess over
    ``gate``), split over the channels as the peak is; zeros where it does not exceed the gate,
    or with no gate (``peak_errors=False``, or a model file written before the peaks)."""
    if gate is None:
        return np.zeros((len(rows), channels))
    peaks, parts = window_peaks(detector, rows, channels)
    excess = np.maximum(peaks - gate, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(peaks[:, None] > 0, parts / peaks[:, None], 1.0 / channels)
    return excess[:, None] * share


def training_gate(detector, rows: np.ndarray, channels: int) -> float:
    """``peak_error_gate_``: :data:`GATE_MARGIN` times the largest peak among the training
    windows ``rows``."""
    largest = float(window_peaks(detector, rows, channels)[0].max())
    # above it by the margin whatever its sign: a VAE's ELBO or probability score has negative
    # point errors where its learned variance is small, and 1.5 times a negative peak is below it
    return largest + (GATE_MARGIN - 1.0) * abs(largest)
