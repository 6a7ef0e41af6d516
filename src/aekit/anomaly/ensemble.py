"""The detector's score: an ensemble of autoencoders' errors plus nearest-neighbour distances.

Each member's per-feature errors are divided by their spread (interquartile range) on the
training rows, so no member dominates; the distance of a row's code to its k-th nearest training
code (and the row's distance to its training rows, ``neighbor_space="input"|"both"``: to the
``input_neighbors``-th nearest, or the mean over that many) is added in the same units, because
a row can be reconstructed well and still sit where no training row does.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.neighbors import NearestNeighbors

from aekit.anomaly.scoring import feature_scores
from aekit.anomaly.trivial_matches import TrivialMatches, distances_without_trivial_matches
from aekit.warning_lines import caller_level

_BLOCK_ROWS = 65_536  # rows scored at once
_BLOCK_ENTRIES = 2_000_000  # neighbour distances held at once while scoring (16 MB of float64)


class EnsembleScores:
    """Mixin of :class:`AnomalyDetector`: start the ensemble on the training rows, add fitted
    members and score rows with them."""

    def _score_kind(self) -> str:
        return "reconstruction" if self.score_type == "auto" else self.score_type

    def _member_features(self, member, A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return feature_scores(member, A, self._score_kind(), int(self.n_draws))

    def _member_errors(self, member, A: np.ndarray) -> np.ndarray:
        per_feature, rest = self._member_features(member, A)
        return per_feature.sum(axis=1) + rest

    def _start_ensemble(self, A: np.ndarray) -> None:
        """An empty ensemble on the training rows A: the neighbour terms' k, and the input-space
        term (the rows kept, their scale) when there is one."""
        self.n_neighbors_ = neighbor_count(self.n_neighbors, len(A))
        self.estimators_, self.error_scales_ = [], []
        self.codes_, self.distance_scales_ = [], []
        self.inputs_, self.input_distance_scale_ = None, 1.0
        k_input = self.n_neighbors if self.input_neighbors is None else self.input_neighbors
        self.input_neighbors_ = neighbor_count(k_input, len(A))
        self.input_distance_ = self.input_distance
        if self.n_neighbors_ and self.neighbor_space in ("input", "both"):
            self.inputs_ = A
            own = self._input_distances(A, exclude_self=True)
            # a weight on the term is a smaller unit, as for reconstruction_weight
            self.input_distance_scale_ = self._part_spread(own) / float(self.input_weight)

    def _add_member(self, member, A: np.ndarray) -> None:
        errors = self._member_errors(member, A)
        self.estimators_.append(member)
        # A weight on the errors is a smaller scale: error / (spread / w) = w * error / spread.
        self.error_scales_.append(self._part_spread(errors) / float(self.reconstruction_weight))
        if self.n_neighbors_ and self.neighbor_space in ("latent", "both"):
            codes = member.transform(A)
            self.codes_.append(codes)
            # The scale is the spread of each training row's distance to its k-th nearest *other*
            # row, the distance a new normal row would have.
            own = self._distances(codes, codes, exclude_self=True)
            self.distance_scales_.append(self._part_spread(own))

    def _part_spread(self, values: np.ndarray) -> float:
        """The unit a part of the score (a member's errors, a neighbour distance) is divided by
        before the parts are added: ``part_scale="tail"``: the spread of its upper tail on the
        training rows (99th percentile minus median), so a part whose tail is long (errors of a
        few hard rows) does not drown a part with a short one; "iqr": the interquartile range."""
        if self.part_scale == "tail":
            return tail_spread(values)
        return robust_spread(values)

    def _distances(
        self,
        train_codes,
        codes,
        exclude_self: bool = False,
        k: int | None = None,
        mean: bool = False,
        trivial: TrivialMatches | None = None,
    ) -> np.ndarray:
        """Distance to the k-th nearest training code (k: ``n_neighbors_`` unless given), or
        with ``mean`` the mean distance to the k nearest. Scored rows that are training rows
        count themselves, so a row scores the same in fit as in predict (scikit-learn's checks
        ask it); ``exclude_self`` (a training row's own distance, which sets the scale) skips
        the row itself, its nearest; ``trivial`` (codes are training windows of a series)
        skips every window overlapping the row (:mod:`aekit.anomaly.trivial_matches`), or
        just the row itself where there are too few windows for that."""
        k = self.n_neighbors_ if k is None else k
        if trivial is not None and trivial.applies_to(train_codes, k):
            block = max(1, _BLOCK_ENTRIES // (k + trivial.largest_zone()))
            parts = [
                distances_without_trivial_matches(
                    train_codes, codes[i : i + block], trivial.part(i, i + block), k, mean
                )
                for i in range(0, len(codes), block)
            ]
            return np.concatenate(parts) if parts else np.zeros(0)
        if trivial is None and self._are_training_rows(train_codes, codes):
            return self._training_row_distances(train_codes, k, mean)[exclude_self]
        index, k, first = _neighbour_index(
            train_codes, k, exclude_self or trivial is not None, mean
        )
        return _mean_distances(index, codes, k, [(first, k)])[0]

    def _are_training_rows(self, train_codes: np.ndarray, codes: np.ndarray) -> bool:
        """Whether, during ``fit``, ``codes`` are the rows of ``train_codes`` themselves."""
        return (
            self.__dict__.get("_fit_distances") is not None
            and codes.shape == train_codes.shape
            and np.array_equal(codes, train_codes)
        )

    def _training_row_distances(
        self, train_codes: np.ndarray, k: int, mean: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """The training rows' term ``(with, without)`` themselves among their neighbours, from
        one query of k + 1 neighbours kept for the rest of ``fit``, which asks three times: for
        the term's scale (without), the training rows' scores (with) and the scores new rows
        would have (without; :mod:`aekit.anomaly.threshold_fit`). Three queries of k = 3% of
        10,000 rows a member were most of a fit's time. The values are those of separate
        queries: the k nearest distances are the same whatever number more is asked for."""
        key = (id(train_codes), k, mean)  # the training codes live as long as the fit
        if key not in self._fit_distances:
            index, n_asked, first_without = _neighbour_index(train_codes, k, True, mean)
            n_with, first_with = _neighbour_span(len(train_codes), k, False, mean)
            spans = [(first_with, n_with), (first_without, n_asked)]
            self._fit_distances[key] = tuple(_mean_distances(index, train_codes, n_asked, spans))
        return self._fit_distances[key]

    def _input_distances(
        self, A: np.ndarray, exclude_self: bool = False, trivial: TrivialMatches | None = None
    ) -> np.ndarray:
        """The input-space term of rows A: their distance to the training rows ``inputs_``
        (``input_neighbors_``; the k-th nearest, or the mean over the k nearest)."""
        mean = self.input_distance_ == "mean"
        k = self.input_neighbors_
        return self._distances(self.inputs_, A, exclude_self, k, mean, trivial)

    def _input_distance_shares(self, A: np.ndarray, exclude_self: bool = False) -> np.ndarray:
        """The input term of rows A split over their encoded columns (it sums to
        :meth:`_input_distances`): the distance d to a neighbour b is shared by the columns in
        proportion to their squared differences, d (a_i - b_i)^2 / ||a - b||^2, and the
        neighbours are combined as the term combines them (the k-th alone, or the mean over the
        k nearest). A row far from every training row then shows which columns put it there.

        d is the neighbour search's own distance, not ||a - b|| recomputed: scikit-learn's
        Euclidean distance (via ||a||^2 + ||b||^2 - 2 a.b) differs from it in the 7th digit, and
        the shares must sum to the score's term exactly (scores.csv and ``aekit serve`` add
        them up; ``anomaly_score`` takes the term whole). Rows equal in every column (whose d
        may still be a rounding error above 0) share d equally."""
        mean = self.input_distance_ == "mean"
        index, k, first = _neighbour_index(self.inputs_, self.input_neighbors_, exclude_self, mean)
        shares = np.zeros(A.shape)
        # (rows x neighbours x columns) differences at once: a block's worth
        block = max(1, _BLOCK_ENTRIES // (k * max(A.shape[1], 1)))
        for start in range(0, len(A), block):
            rows = A[start : start + block]
            distance, neighbour = index.kneighbors(rows)
            distance = distance[:, first:].astype(np.float64)
            neighbour = neighbour[:, first:]
            # float64: float32 fractions (rows of float32 data) sum to 1 only within 1e-7
            squared = (rows[:, None, :] - self.inputs_[neighbour].astype(np.float64)) ** 2
            total = squared.sum(axis=2, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                fraction = np.where(total > 0, squared / total, 1.0 / squared.shape[2])
            shares[start : start + block] = (fraction * distance[..., None]).mean(axis=1)
        return shares

    def _feature_errors(self, A: np.ndarray) -> np.ndarray:
        """The members' per-feature errors of the encoded rows ``A`` ``(n, n_features)``, each
        over its member's error scale and averaged over the members: the reconstruction part of
        :meth:`_contributions`, in the score's units (without a VAE's KL, which belongs to no
        feature)."""
        errors = np.zeros(A.shape)
        for m, member in enumerate(self.estimators_):
            errors += self._member_features(member, A)[0] / self.error_scales_[m]
        return errors / len(self.estimators_)

    def _contributions(
        self,
        A: np.ndarray,
        exclude_self: bool = False,
        split_input: bool = True,
        trivial: TrivialMatches | None = None,
    ):
        """Each row's anomaly score split into ``(per encoded feature, rest)``: the members'
        per-feature errors and the input distance split over the columns
        (:meth:`_input_distance_shares`), and ``rest``, what belongs to no feature (latent
        distances, a VAE's KL), averaged over the members (the input distance is the same for
        all). ``exclude_self``: A are the training rows, each scored without itself among its
        neighbours. ``split_input=False`` puts the input distance in ``rest`` whole: the shares
        sum to it, and splitting it costs (rows x neighbours x columns) arithmetic that a score
        alone does not need (a fifth of the scoring time on 1,555 columns). ``trivial``: A are
        the training windows of a series (or the rows ``trivial.rows`` of them), each scored
        without the windows overlapping it among its neighbours, as a new window would be
        (with ``split_input=False``)."""
        per_feature, rest = np.zeros(A.shape), np.zeros(len(A))
        for m, member in enumerate(self.estimators_):
            features, other = self._member_features(member, A)
            per_feature += features / self.error_scales_[m]
            rest += other / self.error_scales_[m]
            if self.codes_:
                codes = member.transform(A)
                distance = self._distances(self.codes_[m], codes, exclude_self, trivial=trivial)
                rest += distance / self.distance_scales_[m]
        n = len(self.estimators_)
        if self.inputs_ is not None and split_input:
            shares = self._input_distance_shares(A, exclude_self)
            per_feature += n * shares / self.input_distance_scale_
        elif self.inputs_ is not None:
            rest += n * self._input_distances(A, exclude_self, trivial) / self.input_distance_scale_
        return per_feature / n, rest / n

    def _anomaly_scores(
        self, A: np.ndarray, exclude_self: bool = False, trivial: TrivialMatches | None = None
    ) -> np.ndarray:
        # In blocks of rows: a row's score depends on no other row, and the members' per-row
        # intermediates of a million-row table at once would take gigabytes.
        blocks = []
        for start in range(0, max(len(A), 1), _BLOCK_ROWS):
            block = A[start : start + _BLOCK_ROWS]
            zone = None if trivial is None else trivial.part(start, start + _BLOCK_ROWS)
            per_feature, rest = self._contributions(block, exclude_self, False, zone)
            blocks.append(per_feature.sum(axis=1) + rest)
        return np.concatenate(blocks)


def _neighbour_index(
    train: np.ndarray, k: int, exclude_self: bool, mean: bool
) -> tuple[NearestNeighbors, int, int]:
    """The index over ``train`` a neighbour term queries, the neighbours it asks for (one more
    with ``exclude_self``: the row itself, its nearest, is skipped) and the first of them the
    term uses (the k-th alone, or from the first other one for a mean)."""
    k, first = _neighbour_span(len(train), k, exclude_self, mean)
    # scikit-learn's choice of search ("auto": a k-d tree for few columns, brute force for
    # many). Brute force everywhere was tried: 2x faster on Gaussian codes at k = 301, but 2x
    # slower on donors, whose 10,000 training rows hold 2,321 distinct ones (a tree's case).
    return NearestNeighbors(n_neighbors=k).fit(train), k, first


def _neighbour_span(n_train: int, k: int, exclude_self: bool, mean: bool) -> tuple[int, int]:
    """:func:`_neighbour_index`'s neighbours asked for and the first the term uses."""
    k = min(k + exclude_self, n_train)
    return k, int(exclude_self) if mean and k > 1 else k - 1


def _mean_distances(
    index: NearestNeighbors, rows: np.ndarray, k: int, spans: list[tuple[int, int]]
) -> list[np.ndarray]:
    """For each ``(first, stop)`` of ``spans``, each row's mean distance to its neighbours
    first to stop - 1 (the k-th alone: ``(k - 1, k)``), from one query of k neighbours.

    Queried in blocks: kneighbors returns all k distances per row, so (rows x k) floats at
    once would be gigabytes for a large table with k = 3% of the rows."""
    block = max(1, _BLOCK_ENTRIES // k)
    parts: list[list[np.ndarray]] = [[] for _ in spans]
    for start in range(0, len(rows), block):
        distance = index.kneighbors(rows[start : start + block])[0]
        for part, (first, stop) in zip(parts, spans, strict=True):
            # float64 whatever the rows: explain's shares of the term sum to it exactly
            part.append(distance[:, first:stop].mean(axis=1, dtype=np.float64))
    return [np.concatenate(part) if part else np.zeros(0) for part in parts]


def neighbor_count(n_neighbors: int | float, n_samples: int) -> int:
    """A neighbour term's k: the int given, or a fraction of the rows (at least 5)."""
    if isinstance(n_neighbors, Integral):
        return int(n_neighbors)
    return max(5, int(n_neighbors * n_samples))


def warn_k_above_rows(detector, n_rows: int) -> None:
    """Warn where a neighbour term's k is not below the training rows (``n_neighbors=1000``
    on 300 rows was taken without a word): a training row has only ``n_rows - 1`` others, so
    the term is cut to the farthest of them and no longer means what k says."""
    import warnings

    k_input = detector.input_neighbors
    given = {
        "n_neighbors": detector.n_neighbors,
        "input_neighbors": detector.n_neighbors if k_input is None else k_input,
    }
    terms = {"n_neighbors": detector.n_neighbors_}
    if detector.n_neighbors_ and detector.neighbor_space in ("input", "both"):
        terms["input_neighbors"] = detector.input_neighbors_
    if detector.neighbor_space == "input":
        terms.pop("n_neighbors")
    for name, k in terms.items():
        # a fraction's k is at least 5 on purpose, not a k chosen for these rows
        if isinstance(given[name], Integral) and k >= n_rows:
            warnings.warn(
                f"{name} gives k={k}, but there are {n_rows} training rows (each has "
                f"{n_rows - 1} others): the distance is cut to the farthest of them; "
                f"choose {name} below {n_rows}, or a fraction of the rows (e.g. 0.03).",
                UserWarning,
                stacklevel=caller_level(),
            )


# The smallest spread a part can have: a part is divided by its spread, so a spread made of
# rounding alone would blow rounding up into scores. The parts are in the units of standardized
# data (squared errors and distances in training standard deviations, log-likelihoods in nats):
# a millionth of one is far below any real spread (a sum of squared errors over the features
# varies by 1e-2 or more between rows of real data) and far above the rounding of the float32
# networks and float64 distances (under 1e-7 even for thousands of features). A constant
# training series is where it matters: every training window is the same, so its errors
# differ by rounding alone (interquartile range 4e-26 on NAB's art_flatline; that part's
# scores, divided by it, reached 1e11 on the training points and 7e27 on a bump). With
# preprocessing=None the parts are in X's own units: data in units so small that real spreads
# fall below this should be scaled first.
SPREAD_RESOLUTION = 1e-6


def tail_spread(values: np.ndarray) -> float:
    """Spread of the upper tail of training scores (99th percentile minus median); where that is
    below :data:`SPREAD_RESOLUTION`, :func:`robust_spread`."""
    q50, q99 = np.percentile(values, [50, 99])
    tail = float(q99 - q50)
    return tail if tail > SPREAD_RESOLUTION else robust_spread(values)


def robust_spread(values: np.ndarray) -> float:
    """Robust scale of training scores: the interquartile range; where that is below
    :data:`SPREAD_RESOLUTION` (most scores tied), the standard deviation; where that is too
    (every training score the same, up to rounding), 1: the part stays in its own units."""
    q25, q75 = np.percentile(values, [25, 75])
    for spread in (float(q75 - q25), float(np.std(values))):
        if spread > SPREAD_RESOLUTION:
            return spread
    return 1.0
