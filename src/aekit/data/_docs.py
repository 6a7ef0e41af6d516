"""The docstring of :class:`aekit.data.tabular.TabularEncoder`, kept apart from the code of
``tabular.py`` (its methods keep their own)."""

from __future__ import annotations

TABULAR_ATTRIBUTES = """    Attributes
    ----------
    feature_groups_ : list of FeatureGroup
        Per original column, in order: name, ``start:stop`` in the encoded matrix, kind.
    categorical_groups_ : tuple of (int, int)
        ``(start, stop)`` of every one-hot group (those found by ``detect_one_hot`` too): pass
        it as an autoencoder's ``categorical_groups``.
    one_hot_groups_ : tuple of (int, int)
        ``(start, stop)`` of the numeric columns ``detect_one_hot`` found to be one-hot groups.
    one_hot_columns_ : list of list of str
        The names of those columns, group by group.
    categories_ : dict of str to list
        The categories of each categorical column, in the order of their one-hot columns.
    n_features_in_ : int
        Number of columns seen in fit.
    feature_names_in_ : ndarray of str
        The input's column names as text (the keys of ``categories_``, ``mean_``, ...;
        ``x0, x1, ...`` for an array).
    input_is_frame_ : bool
        Whether fit's X was a DataFrame (or Series): then a later X that is one must have the
        same column names, and an array or another frame is warned of as scikit-learn does.
    dtypes_ : dict of str to str
        Each column's dtype in fit's table, which :meth:`inverse_transform` gives back.
    column_labels_ : list of str or int
        The input's column names as given, for :meth:`inverse_transform`'s frame: integer
        names (a ``pd.DataFrame(array)``) stay integers.
    mean_, scale_ : dict of str to float
        The standardization of each numeric column (a constant column has scale 1).
    range_ : dict of str to [float, float]
        Each numeric column's minimum and maximum in fit, which ``inverse_transform(Z,
        clip=True)`` keeps values to (None when read from a file saved before it was kept).
    n_features_out_ : int
        Width of the encoded matrix.

"""

TABULAR_ENCODER_DOC = (
    """Standardize numeric columns and one-hot encode categorical ones, reversibly to float32.

    :class:`TabularEncoder` standardizes numeric columns
    (:func:`aekit.data.scaling.standardization`) and one-hot encodes categorical ones (pandas
    ``category``, ``object``, string and ``bool`` columns; scikit-learn's ``OneHotEncoder``), whole
    columns at a time. It records where each original column lives in the encoded matrix
    (``feature_groups_``), so a model can give every one-hot group a categorical likelihood (the
    ``categorical_groups`` parameter of the autoencoders) and ``inverse_transform`` can turn a
    decoded matrix back into a DataFrame with the original columns, order and dtypes: the categories
    (and text, bools) exactly, the numbers to the precision of the float32 matrix, about 1e-7 of a
    column's standard deviation (0.1 of a column 0.1, 0.2, 0.3 comes back 0.09999999636; an income
    of mean 50,000 and deviation 15,000 within 2e-3), so ``inverse_transform(transform(df))`` equals
    ``df`` only where its numbers are exact in float32, as in the example. Missing values are an
    error by default; with ``handle_missing="mask"`` they encode as 0 and
    :meth:`TabularEncoder.transform_with_mask` also returns which entries were observed, which is
    what an imputer trains on. How single columns are read, one-hot encoded and given back in their
    dtype is :mod:`aekit.data.column_values`.

    Parameters
    ----------
    handle_missing : {"error", "mask"}, default="error"
        ``"error"``: a missing value (NaN, None, NA) raises a ValueError naming its columns.
        ``"mask"``: missing entries encode as 0 (the mean of a numeric column, no category of a
        categorical one); :meth:`transform_with_mask` returns which entries were observed.
    handle_unknown : {"error", "ignore"}, default="error"
        A category not seen in fit raises a ValueError naming the column and value, or (with
        ``"ignore"``) encodes as all zeros, with a warning: a categorical term scores an
        all-zero group as perfectly reconstructed, so such rows score as more normal.
    standardize : bool, default=True
        Standardize numeric columns (:func:`aekit.data.scaling.standardization`). False: they
        pass through as they are (mean 0 and scale 1 in ``mean_`` and ``scale_``).
    detect_one_hot : bool, default=False
        Find columns that are already one-hot encoded: adjacent numeric or bool 0/1 columns
        with exactly one 1 in every fit row, as ``pandas.get_dummies`` writes them (bools by
        default) (:func:`aekit.data.one_hot.one_hot_column_runs`; not under 30 rows, where
        independent 0/1 columns can do so by chance; not where a column holds a missing
        value). They are kept as 0/1 instead of standardized (or, for bools, split in two)
        and listed in ``categorical_groups_``, so a model treats them as the one categorical
        column they encode; ``inverse_transform`` returns them in their own dtype. A row
        that later breaks a group (two 1s, none, another value) is encoded as given, with a
        warning. An all-zero column (a category no fit row holds) inside a group belongs
        to it; at the group's edge it stays a constant number column.

"""
    + TABULAR_ATTRIBUTES
    + """    Examples
    --------
    >>> import pandas as pd
    >>> from aekit.data.tabular import TabularEncoder
    >>> df = pd.DataFrame({"age": [20.0, 40.0], "city": ["Oslo", "Rome"]})
    >>> enc = TabularEncoder().fit(df)
    >>> enc.transform(df).tolist()
    [[-1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]
    >>> enc.inverse_transform(enc.transform(df)).equals(df)  # 20.0 and 40.0 are exact in float32
    True
    """
)
