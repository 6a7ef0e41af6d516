"""What the score and table figures accept, checked before anything is drawn, like the images
and codes of :mod:`aekit.viz.inputs`: scores 1-D without NaN (infinite ones kept, and drawn at
the finite extreme with a note, :func:`infinite_note`: an unseen category scores +inf), a
threshold that is a finite number or None (no line), anomaly labels that are 0/1 or True/False,
one entry per score, tables of finite numbers, and enough Axes for the panels. Each refusal is a
``ValueError`` naming the argument and the fix.

Only numpy is imported here.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from aekit.viz.inputs import check_finite_rows, first_rows

__all__ = [
    "check_axes", "check_binary_labels", "check_length", "check_scores", "check_table",
    "check_threshold", "infinite_note",
]  # fmt: skip


def check_scores(scores: Any, name: str = "anomaly_scores", allow_nan: bool = False) -> np.ndarray:
    """Scores as a 1-D float64 array, refused when empty, not numbers, or NaN (unless
    ``allow_nan``: a series' points with no score yet, left undrawn). Infinite scores are kept
    (an unseen category scores +inf): each figure says how it draws them."""
    try:
        scores = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, one score per row.") from None
    if scores.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one score per row; got shape {scores.shape}.")
    if scores.size == 0:
        raise ValueError(f"{name} is empty: nothing to draw.")
    nan = np.isnan(scores)
    if nan.any() and not allow_nan:
        rows = np.flatnonzero(nan)
        shown = first_rows(rows)
        raise ValueError(
            f"{name} hold {len(rows)} NaN scores (rows {shown}); drop them first: "
            "keep = ~np.isnan(scores)."
        )
    if not np.isfinite(scores).any():
        what = "infinite" if not nan.any() else "NaN or infinite"
        raise ValueError(
            f"every one of the {len(scores)} {name} is {what}: no finite score to draw them "
            "against."
        )
    return scores


def infinite_note(scores: np.ndarray) -> tuple[np.ndarray, str]:
    """``scores`` with +inf and -inf moved to the largest and smallest finite score, so that
    they can be drawn, and a note saying so ("" when none was infinite). ``scores`` passed
    :func:`check_scores`, so some are finite."""
    finite = scores[np.isfinite(scores)]
    high, low = scores == np.inf, scores == -np.inf
    notes = [
        f"{int(np.sum(moved))} {sign}inf score{'s' * (int(np.sum(moved)) > 1)} drawn at {where}"
        for moved, sign, where in (
            (high, "+", "the finite maximum"),
            (low, "-", "the finite minimum"),
        )
        if moved.any()
    ]
    return np.clip(scores, finite.min(), finite.max()), "; ".join(notes)


def check_threshold(threshold: Any, name: str = "threshold") -> float | None:
    """A threshold as a float, or None for "no line"; refused unless a finite number."""
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise ValueError(f"{name} must be a number, or None for no line; got {threshold!r}.")
    if not np.isfinite(threshold):
        raise ValueError(f"{name} is {threshold}: no line can be drawn there; pass None for none.")
    return float(threshold)


def check_length(values: Any, n: int, name: str, of: str) -> np.ndarray:
    """``values`` as an array of ``n`` entries (one per entry of ``of``), else refused."""
    values = np.asarray(values)
    if values.ndim == 0 or len(values) != n:
        got = "a scalar" if values.ndim == 0 else f"{len(values)} entries"
        raise ValueError(f"{name} has {got} for {n} {of}; pass one per entry of {of}.")
    return values


def check_binary_labels(labels: Any, n: int, name: str = "labels") -> np.ndarray:
    """Labels as a bool array of ``n`` (True = anomaly), read from bools or the numbers 0 and 1;
    anything else (strings, -1/+1, missing values) is refused rather than guessed at."""
    labels = check_length(labels, n, name, "scores")
    if labels.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one per score; got shape {labels.shape}.")
    if labels.dtype == bool:
        return labels
    values = set(_distinct(labels))
    if labels.dtype.kind in "iufO" and values <= {0, 1}:  # True == 1 among objects
        return labels.astype(bool)
    shown = ", ".join(sorted(map(str, values), key=_numbers_first)[:5])
    raise ValueError(
        f"{name} must be 1 (anomaly) or 0 (normal), or True/False; got the values {shown}. "
        "Map them first, e.g. labels == 'attack'."
    )


def check_flags(flags: Any, n: int) -> np.ndarray:
    """Flagged points as a bool array of ``n``: bools, a detector's ``predict`` output (-1
    flagged, +1 not: numbers without a 0, so all ones are predict's "nothing flagged"), or the
    numbers 0 and 1 (1 flagged). ``predict``'s output read as bools flagged every point (-1 and
    +1 are both true)."""
    flags = check_length(flags, n, "flags", "anomaly_scores")
    values = set(_distinct(flags))
    if flags.dtype == bool or all(isinstance(v, (bool, np.bool_)) for v in values):
        return flags.astype(bool)
    numbers = flags.dtype.kind in "iuf"
    if numbers and values <= {-1, 1}:
        return flags == -1
    if numbers and values <= {0, 1}:
        return flags.astype(bool)
    shown = ", ".join(sorted(map(str, values), key=_numbers_first)[:5])
    raise ValueError(
        f"flags must be True/False, predict's -1 (flagged) and +1, or 1 (flagged) and 0; got "
        f"the values {shown}."
    )


def _numbers_first(text: str) -> tuple:
    """A sort key: numbers in their order (2 before 10), then any other text."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def _distinct(values: np.ndarray) -> list:
    """The distinct values of a 1-D array, NaN included (``np.unique`` cannot sort objects)."""
    if values.dtype.kind == "O":
        return list(dict.fromkeys(values.tolist()))
    return np.unique(values).tolist()


def check_table(X: Any, name: str = "X") -> np.ndarray:
    """A table as (n, n_features) float64, refused when empty or holding NaN or infinite
    values (their panel would be drawn without them, and its R² be NaN)."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a table of numbers.") from None
    if X.ndim == 0 or X.size == 0:
        raise ValueError(f"{name} is empty (shape {X.shape}): nothing to draw.")
    X = X.reshape(len(X), -1)
    check_finite_rows(
        X, f"{name} has NaN or infinite values", "drop them first: "
        "keep = np.isfinite(X).all(axis=1)."
    )  # fmt: skip
    return X


def check_axes(axes: Any, n: int, name: str = "axes") -> np.ndarray:
    """``axes`` as a flat object array of at least ``n`` Axes, else refused."""
    flat = np.ravel(np.asarray(axes, dtype=object))
    if len(flat) < n:
        raise ValueError(f"{name} holds {len(flat)} Axes; this figure draws {n} panels.")
    return flat
