"""What a fine-tuned model's targets must be before it fits: a row of missing labels (or
targets) is refused, naming the fix, where scikit-learn said "Input y contains NaN"."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def refuse_missing_targets(y: Any, task: str) -> None:
    """A missing label or target (NaN, None: how ConditionalVAE marks an unlabelled row) said
    with the fix; scikit-learn's "Input y contains NaN." named neither."""
    values = None if y is None else np.asarray(y, dtype=object)
    if values is None or values.ndim == 0 or values.size == 0:  # scikit-learn's checks say
        return
    cells = np.asarray(pd.isna(values), dtype=bool)
    missing = cells.reshape(len(cells), -1).any(axis=1)  # rows: a multi-output y's too
    if missing.any():
        what = "labels" if task == "classification" else "targets"
        raise ValueError(
            f"y has {int(missing.sum())} row{'s' * bool(missing.sum() != 1)} of missing {what} "
            f"(NaN, None or pandas' NA), first at row "
            f"{int(np.argmax(missing))}; a fine-tuned "
            f"model learns from rows with {what}: fit on those, and pass the others as "
            "X_unlabeled with an unfitted autoencoder to pretrain on them."
        )
