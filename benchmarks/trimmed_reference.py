"""The input term against a trimmed reference set (issue #16, both protocols at once).

The input term (the mean distance to the 3 nearest training rows) is the detector's best
protocol-1 scorer and fails in protocol 2, where anomalies among the training rows are each
other's near neighbours and vouch for each other. A robust scorer, the mean distance to the 3%
nearest (the latent term's rule, here in the input space) or subsampled kNN, ranks those
training anomalies high. Dropping the training rows it ranks highest from the reference set,
then measuring every row (test rows, and the training rows for the term's units) by the term
against what is left, is tried here: with clean rows the trimmed rows are the fringe of the
normal class (a cost), with contaminated ones they are mostly anomalies (a gain).
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

Part = tuple[np.ndarray, np.ndarray]


def kth_share_distance(A: np.ndarray, share: float = 0.03) -> np.ndarray:
    """Each training row's mean distance to its nearest ``share`` of the other rows."""
    k = int(np.clip(round(share * len(A)), 1, len(A) - 1))
    index = NearestNeighbors(n_neighbors=k + 1).fit(A)
    return index.kneighbors(A)[0][:, 1:].mean(axis=1)


def term_against(A: np.ndarray, B: np.ndarray, kept: np.ndarray, k: int = 3) -> Part:
    """The input term of A's and B's rows against A's ``kept`` rows (a kept row's without
    itself; a trimmed training row has no self among them)."""
    reference = A[kept]
    index = NearestNeighbors(n_neighbors=min(k + 1, len(reference))).fit(reference)
    distance = index.kneighbors(A)[0]
    own = np.where(kept, distance[:, 1 : k + 1].mean(axis=1), distance[:, :k].mean(axis=1))
    return own, index.kneighbors(B, n_neighbors=min(k, len(reference)))[0].mean(axis=1)


def trimmed_term(A: np.ndarray, B: np.ndarray, robust: np.ndarray, share: float) -> Part:
    """The term against A without its ``share`` of rows ranked highest by ``robust``."""
    kept = robust <= np.quantile(robust, 1.0 - share)
    return term_against(A, B, kept)
