"""Choosing the input term's k for each set from its training rows alone (issue #16, protocol 1).

The best k of the term differs between sets (one or two neighbours on local sets, twenty on sets
of many discrete columns; ``anomaly_input_scorers.py``'s oracle row), so a rule that picks k from
the data could lift the term. With no labels, the usual stand-in is synthetic anomalies: rows made
from the training rows that a good scorer should rank above the training rows themselves. For
each k the term separates the training rows (each scored without itself among its neighbours, as
a new normal row would be) from such rows; the k that separates them best (ROC-AUC; ties to the
k nearest 3, the default) scores the test rows.

What the synthetic rows look like decides which k wins, and nothing says which kind real
anomalies are, so several kinds are tried, and the kind is then itself chosen by the CV's
leave-group-out rule (``anomaly_cv.cross_validate``), so that its figure is out of fold:

- ``gauss c``: a training row moved by c times the median distance of a training row to its
  nearest other row, in a random direction (local anomalies; c = 1, 2, 4);
- ``swap f``: a training row with each column, with probability f (at least one column), taken
  from another random training row (dependency anomalies: each value is plausible alone);
- ``marginal``: every column from a different random training row (global anomalies, the
  product of the columns' distributions).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

KINDS = ("gauss 1", "gauss 2", "gauss 4", "swap 0.1", "swap 0.25", "swap 0.5", "marginal")
CHOICES = (1, 2, 3, 5, 10, 20)  # the term's k the rule chooses among
ROWS = 2000  # training rows and synthetic rows compared (at most)


def synthetic_rows(
    A: np.ndarray, kind: str, rng: np.random.RandomState, spacing: float
) -> np.ndarray:
    """``min(ROWS, len(A))`` synthetic anomalies of ``kind`` made from the training rows A
    (``spacing``: the median distance of a training row to its nearest other one)."""
    n, d = A.shape
    m = min(ROWS, n)
    source = A[rng.randint(n, size=m)]
    name, _, value = kind.partition(" ")
    if name == "gauss":
        direction = rng.randn(m, d)
        direction /= np.linalg.norm(direction, axis=1, keepdims=True) + 1e-12
        return source + float(value) * spacing * direction
    if name == "swap":
        swapped = rng.rand(m, d) < float(value)
        untouched = ~swapped.any(axis=1)
        swapped[untouched, rng.randint(d, size=untouched.sum())] = True
        return np.where(swapped, A[rng.randint(n, size=m)], source)
    if name == "marginal":
        return A[rng.randint(n, size=(m, d)), np.arange(d)]
    raise ValueError(f"unknown kind of synthetic anomaly: {kind!r}; one of {KINDS}")


def chosen_k(A: np.ndarray, own: np.ndarray, kind: str, seed: int) -> int:
    """The k of ``CHOICES`` whose term best separates the training rows A from synthetic
    anomalies of ``kind`` made of them (``own``: each training row's distances to its nearest
    other training rows, ``(n, max(CHOICES))``)."""
    rng = np.random.RandomState(seed)
    synthetic = synthetic_rows(A, kind, rng, float(np.median(own[:, 0])))
    index = NearestNeighbors(n_neighbors=min(max(CHOICES), len(A))).fit(A)
    to_synthetic = index.kneighbors(synthetic)[0]
    kept = rng.choice(len(A), size=min(ROWS, len(A)), replace=False)
    labels = np.r_[np.zeros(len(kept)), np.ones(len(to_synthetic))]

    def separation(k: int) -> float:
        scores = np.r_[own[kept, :k].mean(axis=1), to_synthetic[:, :k].mean(axis=1)]
        return round(roc_auc_score(labels, scores), 4)

    return max(CHOICES, key=lambda k: (separation(k), -abs(k - 3)))


def learned_combination(A: np.ndarray, own: np.ndarray, new: np.ndarray, seed: int) -> np.ndarray:
    """Test scores of a logistic regression on the log distances to the 20 nearest training rows,
    fitted to tell the training rows (``own``, each without itself) from synthetic anomalies of
    every kind in equal parts (LUNAR's idea, Goodge et al. 2022, a learned function of the
    neighbour distances trained against negative samples, here a linear one); ``new``: the test
    rows' distances. The distances are in units of the median nearest-row spacing."""
    rng = np.random.RandomState(seed)
    spacing = float(np.median(own[:, 0])) + 1e-12
    synthetic = np.concatenate(
        [
            rows[rng.choice(len(rows), max(1, len(rows) // len(KINDS)), replace=False)]
            for rows in (synthetic_rows(A, kind, rng, spacing) for kind in KINDS)
        ]
    )
    index = NearestNeighbors(n_neighbors=min(max(CHOICES), len(A))).fit(A)
    kept = rng.choice(len(A), size=min(ROWS, len(A)), replace=False)
    features = lambda d: np.log(d / spacing + 1e-3)  # noqa: E731
    X = np.r_[features(own[kept]), features(index.kneighbors(synthetic)[0])]
    labels = np.r_[np.zeros(len(kept)), np.ones(len(synthetic))]
    model = LogisticRegression(max_iter=2000).fit(X, labels)
    return model.decision_function(features(new))
