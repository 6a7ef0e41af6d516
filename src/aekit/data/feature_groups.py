"""One column of a table as :class:`aekit.TabularEncoder` encodes it: its name, its columns in
the encoded matrix (one for a number, one per category for a one-hot group), and its kind."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureGroup:
    """One original column: its name, its columns in the encoded matrix, and its kind."""

    name: str
    start: int
    stop: int
    kind: str  # "numeric" or "categorical"

    @property
    def columns(self) -> slice:
        return slice(self.start, self.stop)
