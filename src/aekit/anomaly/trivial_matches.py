"""Training windows scored as a new window would be: without their trivial matches.

Sliding windows of one series overlap: the window starting one point later holds all but one of
the same values, so it is a training window's nearest neighbour whatever the series does.
A neighbour distance of a training window is therefore far smaller than a new window's (which
overlaps no training window), and a threshold fitted to those distances flags new windows of
the very process it was fitted on (an AR(1) series of 1,000 points, window 64: the training
windows' 5th-nearest distances have a median of 5.6 units, new windows' 7.7; with the
overlapping windows left out, 7.2). Matrix-profile methods leave such "trivial matches" out of
a window's neighbours for the same reason (Yeh et al. 2016, "Matrix Profile I", the exclusion
zone); here the zone is every window that shares a point with the one scored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.neighbors import NearestNeighbors


@dataclass(frozen=True)
class TrivialMatches:
    """Which training rows are windows overlapping each other.

    ``series[i]`` and ``starts[i]`` are the series and first point of training row i, in the
    order the rows were fitted; rows i and j are trivial matches when they come from one series
    and ``|starts[i] - starts[j]| < window``. ``rows`` are the training rows being scored
    (their positions among the training rows; None: all of them, in order). ``zone``: the
    most rows one row's zone holds, counted from the starts once (0: not yet)."""

    series: np.ndarray
    starts: np.ndarray
    window: int
    rows: np.ndarray | None = None
    zone: int = 0

    def __post_init__(self) -> None:
        if not self.zone:  # parts share the whole's count: it reads every start
            object.__setattr__(self, "zone", _largest_zone(self.series, self.starts, self.window))

    def scored(self) -> np.ndarray:
        """The positions of the scored rows among the training rows."""
        return np.arange(len(self.series)) if self.rows is None else self.rows

    def part(self, start: int, stop: int) -> TrivialMatches:
        """The same zone for the scored rows ``start:stop`` of these."""
        return replace(self, rows=self.scored()[start:stop])

    def applies_to(self, train: np.ndarray, k: int) -> bool:
        """Whether ``train`` are the rows this zone describes (a detector that kept a sample of
        its training rows, ``max_samples``, is not), with k left once a row's zone is left
        out."""
        return len(train) == len(self.series) and len(train) >= k + self.largest_zone()

    def largest_zone(self) -> int:
        """The most rows one row's zone holds (itself included): ``2 * window - 1`` with a
        stride of 1, about ``2 * window / stride`` with a larger one."""
        return self.zone

    def mask(self, neighbours: np.ndarray) -> np.ndarray:
        """``(rows, K)``: which of each scored row's ``neighbours`` (training row indices) are
        its trivial matches."""
        rows = self.scored()
        same_series = self.series[neighbours] == self.series[rows][:, None]
        overlapping = np.abs(self.starts[neighbours] - self.starts[rows][:, None]) < self.window
        return same_series & overlapping


def _largest_zone(series: np.ndarray, starts: np.ndarray, window: int) -> int:
    """:meth:`TrivialMatches.largest_zone` counted from the starts: rows of a series are in
    time order, so a binary search finds each zone's ends."""
    largest = 0
    for one in np.unique(series):
        at = np.sort(starts[series == one])
        first = np.searchsorted(at, at - window, side="right")
        after_last = np.searchsorted(at, at + window, side="left")
        largest = max(largest, int((after_last - first).max()))
    return largest


def distances_without_trivial_matches(
    train: np.ndarray, rows: np.ndarray, zone: TrivialMatches, k: int, mean: bool
) -> np.ndarray:
    """Each of ``rows`` (the training rows ``zone.rows`` of ``train``) its distance to the k-th
    nearest training row that is not a trivial match (or with ``mean`` the mean over the k
    nearest such). The index is asked for ``k`` plus the largest zone, so k others remain."""
    n_asked = min(len(train), k + zone.largest_zone())
    distance, neighbour = NearestNeighbors(n_neighbors=n_asked).fit(train).kneighbors(rows)
    distance = np.where(zone.mask(neighbour), np.inf, distance.astype(np.float64))
    nearest = np.sort(distance, axis=1)[:, :k]
    return nearest.mean(axis=1) if mean else nearest[:, -1]
