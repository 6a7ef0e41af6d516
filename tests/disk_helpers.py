"""Tables written to Parquet for the tests of data on disk, and the small fit they share."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SMALL = {"max_iter": 2, "hidden_layer_sizes": (16,), "latent_dim": 3, "random_state": 0}


def named(X):
    """X with the column names write_parquet gives it (a model fitted on them scores the file
    without scikit-learn's feature-name warning)."""
    return pd.DataFrame(X, columns=[f"p{i}" for i in range(X.shape[1])])


def write_parquet(path, X, y=None, rows_per_group=200, names=None):
    frame = pd.DataFrame(X, columns=names or [f"p{i}" for i in range(X.shape[1])])
    if y is not None:
        frame["label"] = y
    pq.write_table(
        pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=rows_per_group
    )
    return path
