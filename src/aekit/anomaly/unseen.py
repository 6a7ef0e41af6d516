"""Rows holding a category the detector never saw in training, scored instead of refused.

The model has no column for such a category: its categorical likelihood there is 0, so
``-log p`` is unbounded. Python's ``score_samples``, ``predict`` and ``explain`` refuse such a
row (``ValueError``, as scikit-learn's encoders do); the batch surfaces (``aekit score``,
``aekit evaluate``, ``aekit serve``) score it here instead, so one new category does not sink a
whole file or request: the row gets anomaly score ``inf``, is flagged with probability 1, and
its top features name the unseen cell first, then the largest shares of its other columns
(scored with a known category in the unseen one's place).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from aekit.anomaly.explain import top_features
from aekit.anomaly.images import detector_image_shape, named_by_place
from aekit.data.category_types import frame_with_fitted_codes
from aekit.data.column_values import as_fitted_bools
from aekit.warning_lines import caller_level


def replace_unseen(detector: Any, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``frame`` with every category the detector never saw replaced by a known one (so the
    rest of the row is scored), and per row the cells that held one, as 'column=value
    (unseen)' by column. One warning names an example."""
    unseen: dict[int, dict[str, str]] = {}
    # a category of fit written as another type: fit's 68836 is this file's '68836'
    replaced = frame_with_fitted_codes(frame, detector.encoder_.categories_)
    mostly_new: list[str] = []  # columns new in most rows: identifiers rather than categories
    for column, known in detector.encoder_.categories_.items():
        if column not in frame.columns:
            continue
        cells = as_fitted_bools(replaced[column], known)  # 'True' read as text is the bool
        new = (cells.notna() & ~cells.isin(known)).to_numpy()
        if not new.any():
            continue
        if _names_rows(cells[new], new, known):
            mostly_new.append(column)
        if replaced is frame:
            replaced = frame.copy()
        for row in new.nonzero()[0]:
            said = _as_known(cells.iloc[row], known)
            unseen.setdefault(int(row), {})[column] = f"{column}={said} (unseen)"
        # object first: a known category of another type (a bool in a column read as text)
        replaced[column] = replaced[column].astype(object)
        replaced.loc[new, column] = known[0]
    if unseen:
        example = next(iter(next(iter(unseen.values())).values()))
        warnings.warn(
            f"{len(unseen)} row(s) hold a category not seen in training (e.g. {example}): "
            "flagged as anomalies with anomaly_score inf (the model cannot score a category it "
            "never saw)." + _identifier_advice(mostly_new),
            stacklevel=caller_level(),
        )
    return replaced, unseen


# A column whose value is new in at least this share of at least this many rows scored, new
# values mostly distinct (one new value in every row is a new kind), among at least this many
# categories seen in training, names rows (an id, free text) rather than a kind
MOSTLY, FEW_ROWS, MANY_CATEGORIES = 0.5, 20, 20


def _names_rows(new_cells: pd.Series, new: np.ndarray, known: list) -> bool:
    """Whether a column's unseen cells look like identifiers (see MOSTLY)."""
    n_new = int(new.sum())
    return (
        n_new >= FEW_ROWS
        and new.mean() >= MOSTLY
        and new_cells.nunique() >= MOSTLY * n_new
        and len(known) >= MANY_CATEGORIES
    )


def _identifier_advice(columns: list[str]) -> str:
    """What to do of columns new in most rows: every row of a file of new customers was
    flagged for its customer id, and the command line blamed drift."""
    if not columns:
        return ""
    names = " and ".join(repr(c) for c in columns)
    # one id column, kept in the output beside the scores; the others left out
    flags = " ".join([f"--id-column {columns[0]}", *(f"--ignore-column {c}" for c in columns[1:])])
    one = len(columns) == 1
    return (
        f" Most rows hold a value of {names} never seen in training, among many seen: "
        f"{'an identifier or free text' if one else 'identifiers or free text'} rather than "
        f"{'a category' if one else 'categories'}? Fit without {'it' if one else 'them'} (the "
        f"command line: {flags})."
    )


def _as_known(value: Any, known: list) -> Any:
    """A cell as the column's categories are written: a whole float of a column of integer
    codes (a zip code read from disk as float) as the integer, 50000 not 50000.0."""
    whole = isinstance(value, (float, np.floating)) and float(value).is_integer()
    if whole and known and all(isinstance(k, int) and not isinstance(k, bool) for k in known):
        return int(value)
    return value


def _has_categories(detector: Any, X: Any) -> bool:
    categories = getattr(getattr(detector, "encoder_", None), "categories_", None)
    return bool(categories) and isinstance(X, pd.DataFrame)


def scores_with_unseen(detector: Any, X: Any) -> np.ndarray:
    """``detector.score_samples(X)`` (lower = more anomalous), with a row holding an unseen
    category at ``-inf``: the sign of ``score_samples`` for its ``inf`` anomaly score."""
    if not _has_categories(detector, X):
        return detector.score_samples(X)  # no categorical column: nothing can be unseen
    frame, unseen = replace_unseen(detector, X)
    scores = np.array(detector.score_samples(frame), dtype=np.float64)
    scores[list(unseen)] = -np.inf
    return scores


def explained_rows(
    detector: Any, X: pd.DataFrame, n_top: int, image_shape: Any = None
) -> dict[str, Any]:
    """Per row of X: ``anomaly_score`` (higher = more anomalous, the scale of ``threshold_``;
    ``inf`` for an unseen category), ``anomaly`` (the flag), ``probability`` (of being an
    anomaly) and ``top_features`` (the ``n_top`` largest shares, as lists of names: a pixel's
    place in the image, ``ch0_row6_col1``, where its shape is known, ``image_shape`` or the
    detector members', :mod:`aekit.anomaly.images`)."""
    frame, unseen = replace_unseen(detector, X) if _has_categories(detector, X) else (X, {})
    contributions = detector.explain(frame)
    shape = detector_image_shape(detector) if image_shape is None else image_shape
    contributions = named_by_place(contributions, shape)
    scores = contributions.sum(axis=1).to_numpy(copy=True)  # written to below
    flags = scores > detector.threshold_
    proba = detector.scores_to_proba(scores)[:, 1]
    top = top_features(contributions, n_top)
    for row, cells in unseen.items():  # a category never seen in training: flagged, and why
        scores[row], flags[row], proba[row] = np.inf, True, 1.0
        others = top_features(contributions.iloc[[row]], contributions.shape[1])[0]
        rest = [name for name in others if name not in cells]  # each column named once
        named = [*cells.values(), *rest]
        top[row] = named[: max(n_top, len(cells))]
    return {"anomaly_score": scores, "anomaly": flags, "probability": proba, "top_features": top}


def ranked_finite(anomaly_scores: Any) -> np.ndarray:
    """Anomaly scores with ``inf`` (an unseen category) put just above the largest finite one:
    a rank metric reads only the order, and scikit-learn's refuse infinite scores."""
    anomaly_scores = np.asarray(anomaly_scores, dtype=np.float64)
    finite = anomaly_scores[np.isfinite(anomaly_scores)]
    top = finite.max() + 1.0 if finite.size else 0.0
    return np.where(np.isposinf(anomaly_scores), top, anomaly_scores)
