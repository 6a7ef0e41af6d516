"""Per-feature explanations: the encoded columns' shares of a score, summed back to the input
columns (a categorical column's share is the sum over its one-hot group)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LATENT_COLUMN = "latent"


def remainder_column(names: list) -> str:
    """The name of the column that holds the part of a score no feature owns: ``"latent"``,
    or, where an input column already has that name, ``"latent"`` with underscores in front
    until it is free (two columns of one name would make ``explain(X)["latent"]`` a frame)."""
    name = LATENT_COLUMN
    while name in names:
        name = "_" + name
    return name


def group_contributions(
    per_feature: np.ndarray, rest: np.ndarray, encoder, X: Any
) -> pd.DataFrame | np.ndarray:
    """``(n, n_columns + 1)``: each input column's share, then the ``"latent"`` remainder
    (:func:`remainder_column`).

    A DataFrame with the input's column names as given (integers stay integers) and index when
    X is a DataFrame, else an array.
    """
    groups = encoder.feature_groups_  # an aekit.data.tabular.TabularEncoder's
    shares = np.column_stack([per_feature[:, g.columns].sum(axis=1) for g in groups] + [rest])
    if isinstance(X, pd.DataFrame):
        names = list(X.columns)  # one group per column, in X's order (the encoder checked it)
        return pd.DataFrame(shares, columns=[*names, remainder_column(names)], index=X.index)
    return shares


def top_features(contributions: pd.DataFrame, k: int) -> list[list[str]]:
    """The names of each row's ``k`` largest feature contributions, largest first (the latent
    remainder, the last column, is not a feature and is left out)."""
    features = contributions.iloc[:, :-1]
    order = np.argsort(-features.to_numpy(), axis=1)[:, :k]
    names = np.asarray(features.columns, dtype=object)
    return [list(names[row]) for row in order]
