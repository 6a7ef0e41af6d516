"""What 'aekit generate' says of a table run's samples that its output alone would not: a
``.npy`` holds the encoded rows, not the table, and the default (``--mean``) rows are each
column's most likely value, far less varied than the table."""

from __future__ import annotations

import warnings
from pathlib import Path


def warn_of_table_samples(encoder, drawn_or_chosen: bool, output: Path, shares: bool) -> None:
    """Warn, for a run trained on a table with text columns (``encoder``), of a ``.npy`` output
    and of the decoder's means where neither --draw nor --mean was typed; ``shares``: a
    ConditionalVAE's run drawing uniform labels (--label-prior fitted keeps their shares)."""
    if encoder is None:
        return
    if output.suffix.lower() == ".npy":  # written silently: standardized ages of 0.17
        warnings.warn(
            f"{output.name} holds the encoded rows (standardized numbers, a 0/1 column per "
            "category), not the table: write .csv or .parquet for its own columns and values.",
            UserWarning,
            stacklevel=3,
        )
    if not drawn_or_chosen:  # 3,000 rows, none of a plan 30% of the real rows had
        fitted = " and --label-prior fitted keeps the classes' shares" if shares else ""
        warnings.warn(
            "the rows are the decoder's most likely values (--mean, the default): each "
            "category comes out as its likeliest and the numbers without their noise, so "
            f"they are less varied than the table; --draw draws them{fitted}.",
            UserWarning,
            stacklevel=3,
        )
