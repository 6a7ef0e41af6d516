"""Per-feature explanations: the encoded columns' shares of a score, summed back to the input
columns (a categorical column's share is the sum over its one-hot group)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LATENT_COLUMN = "latent"


def group_contributions(
    per_feature: np.ndarray, rest: np.ndarray, encoder, X: Any
) -> pd.DataFrame | np.ndarray:
    """``(n, n_columns + 1)``: each input column's share, then the ``"latent"`` remainder.

    A DataFrame with the input's column names (and index) when X is a DataFrame, else an array.
    """
    groups = encoder.feature_groups_  # an aekit.data.tabular.TabularEncoder's
    shares = np.column_stack([per_feature[:, g.columns].sum(axis=1) for g in groups] + [rest])
    if isinstance(X, pd.DataFrame):
        names = [g.name for g in groups]
        return pd.DataFrame(shares, columns=[*names, LATENT_COLUMN], index=X.index)
    return shares


def top_features(contributions: pd.DataFrame, k: int) -> list[list[str]]:
    """The names of each row's ``k`` largest feature contributions, largest first (the latent
    remainder is not a feature and is left out)."""
    features = contributions.drop(columns=[LATENT_COLUMN])
    order = np.argsort(-features.to_numpy(), axis=1)[:, :k]
    names = np.asarray(features.columns, dtype=object)
    return [list(names[row]) for row in order]
