"""The fitted values of a :class:`SeriesAnomalyDetector` read from its model file, checked to
be ones a fit gives, as an AnomalyDetector's are (:func:`aekit.anomaly.persistence
.check_consistent`, :mod:`aekit.io.fitted_values`).

Checksums can be renewed after an edit, and such files loaded: a NaN threshold flagged no
point, a negative scale flagged every one, a NaN mean or a scale of 0 was blamed on the user's
series, and a window other than the one the window detector was fitted on failed only at
scoring. Each check raises a ``ValueError`` naming the entry; the loader names the file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.anomaly.persistence import THRESHOLD
from aekit.io.fitted_values import finite_number, finite_numbers, positive_scales, said

_GATE = "with peak_errors=True it is a finite score (1.5 times the training windows' peak)"
_UNIT = "it is a finite score, 0 or more (the training windows' median score)"


def channel_scaling(fitted: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, int]:
    """``(mean_, scale_, n_features_in_)``: a finite mean and a positive scale per channel."""
    channels = fitted["n_features_in_"]
    if isinstance(channels, bool) or not isinstance(channels, int) or channels < 1:
        raise ValueError(f"n_features_in_ is {said(channels)}; it is the channels, 1 or more")
    mean = finite_numbers("mean_", fitted["mean_"], "a channel's mean is a finite number")
    scale = positive_scales("scale_", fitted["scale_"])
    if not len(mean) == len(scale) == channels:
        raise ValueError("the series detector's standardization does not match its channels")
    return np.asarray(mean), np.asarray(scale), channels


def threshold(fitted: dict[str, Any]) -> float:
    return finite_number("threshold_", fitted["threshold_"], THRESHOLD)


def peak_gate(fitted: dict[str, Any], peak_errors: bool) -> float | None:
    """The peak gate: a finite score with ``peak_errors``, none (null) without: a file of a
    detector fitted with peaks whose gate was set to null scored without them, unsaid."""
    gate = fitted.get("peak_error_gate_")
    if not peak_errors:
        if gate is not None:
            raise ValueError(f"peak_error_gate_ is {said(gate)}; with peak_errors=False it is null")
        return None
    return finite_number("peak_error_gate_", gate, _GATE)


def flatline_state(
    fitted: dict[str, Any], flatlines: bool, channels: int
) -> tuple[np.ndarray | None, float | None]:
    """``(flatline_floor_, flatline_unit_)``: with ``flatlines``, each channel's least motion
    (0 or more: a negative floor scored every window) and the unit (or null where fit's
    scores were not finite); both null without."""
    floor, unit = fitted.get("flatline_floor_"), fitted.get("flatline_unit_")
    if not flatlines:
        if floor is not None or unit is not None:
            raise ValueError(
                f"flatline_floor_ is {said(floor)} and flatline_unit_ {said(unit)}; with "
                "flatlines=False both are null"
            )
        return None, None
    motion = "a channel's least motion is a finite number, 0 or more"
    least = finite_numbers("flatline_floor_", floor, motion)
    for i, value in enumerate(least):
        if value < 0:
            raise ValueError(f"flatline_floor_[{i}] is {value}; {motion}")
    if len(least) != channels:
        raise ValueError("the series detector's standardization does not match its channels")
    if unit is not None and finite_number("flatline_unit_", unit, _UNIT) < 0:
        raise ValueError(f"flatline_unit_ is {unit}; {_UNIT}")
    return np.asarray(least), None if unit is None else float(unit)


def likelihood_prior(fitted: dict[str, Any]) -> np.ndarray | None:
    """The likelihood's prior: the mean and standard deviation (0 or more) of the training
    series' averaged window scores, or none (null: absent from files written before it)."""
    prior = fitted.get("likelihood_prior_")
    if prior is None:
        return None
    meaning = "it is a mean and a standard deviation, finite numbers"
    values = finite_numbers("likelihood_prior_", prior, meaning)
    if len(values) != 2 or values[1] < 0:
        raise ValueError(f"likelihood_prior_ is {said(prior)}; {meaning}, the second 0 or more")
    return np.asarray(values)


def check_windows(detector) -> None:
    """The window detector reads windows of ``window`` points of each channel, and every point
    lies in a window (``stride <= window``): an edited window failed only at scoring."""
    window, channels = int(detector.window), detector.n_features_in_
    width = detector.detector_.n_features_in_
    if width != window * channels:
        raise ValueError(
            f"window is {window}, but its window detector reads {width} values a window, not "
            f"{window * channels} ({channels} channel{'s' * (channels > 1)} of {window} points)"
        )
    if detector.stride > window:
        raise ValueError(f"stride is {detector.stride}; it is at most window ({window})")
