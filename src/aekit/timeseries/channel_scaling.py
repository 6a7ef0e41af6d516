"""Each channel's standardization for the window detector, and the word said of a channel
constant throughout the training series."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from aekit.warning_lines import caller_level


def channel_scaling(
    values: np.ndarray, names: Sequence | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(mean, scale, constant)`` of the training points ``values`` ``(time, channels)``. A
    constant channel is centred on its value exactly and keeps its own units (scale 1): its
    mean and standard deviation as computed carry rounding (a channel of 7.77s has a std of
    4e-15), which dividing by that std would turn into values of order 1. That a change in it
    is then scored in its own units (a stuck sensor's 3.3 to 3.4 is a tenth of a moving
    channel's standard deviation) is warned of; ``names``: the channels' (None: by number)."""
    constant = np.ptp(values, axis=0) == 0
    _warn_of_constant_channels(constant, names)
    mean = np.where(constant, values[0], values.mean(axis=0))
    return mean, np.where(constant, 1.0, values.std(axis=0)), constant


def _warn_of_constant_channels(constant: np.ndarray, names: Sequence | None) -> None:
    if not constant.any():
        return
    labels = (
        [repr(str(n)) for n in names] if names is not None else list(map(str, range(len(constant))))
    )
    dead = [label for label, c in zip(labels, constant) if c]
    several = len(dead) > 1
    warnings.warn(
        f"channel{'s' * several} {', '.join(dead)} {'are' if several else 'is'} constant "
        f"throughout the training series: a change in new data is scored in "
        f"{'their' if several else 'its'} own units (no spread to standardize by), so a small "
        "one may go unflagged. If it is a dead sensor, fit without it: name the channels with "
        "value_columns.",
        UserWarning,
        stacklevel=caller_level(),
    )
