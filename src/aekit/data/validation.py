"""Input checks that name the problem and the fix.

Everything the estimators accept (numpy arrays, torch tensors, pandas DataFrames, lists) becomes
a float32 numpy array of 2 or 4 dimensions here, or a ``ValueError`` says what is wrong.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.array_messages import not_a_number_message, ragged_message, text_cell_message
from aekit.data.float32 import (
    check_float32_range,
    float32_rounding,
    warn_float32_rounding,
    wider_than_float32,
)
from aekit.data.non_finite import check_finite, refuse_infinite
from aekit.data.non_numeric import (
    non_numeric_columns,
    non_numeric_refusal,
    numbers_held_as_objects,
)
from aekit.data.tensor_input import from_tensor, is_torch_tensor


def reject_sparse(X: Any, name: str = "X") -> None:
    """Refuse a scipy.sparse matrix or array with scikit-learn's own message (its estimators
    without sparse support say the same): aekit's networks read dense rows. Called first by
    every reader of tables, before anything (``len``) that sparse input would make a raw
    scipy error."""
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):  # scipy.sparse
        raise TypeError(
            f"Sparse data was passed for {name}, but dense data is required. Use "
            f"{name}.toarray() to convert to a dense numpy array."
        )


def reject_unshaped(
    X: Any, name: str = "X", table: str = "an array-like of shape (n_samples, n_features)"
) -> None:
    """Refuse None, a number or a string where rows are expected (``table`` says what is), before
    ``len(X)`` or numpy turns them into a raw TypeError ('len() of unsized object') or a 0-d
    array."""
    if X is None:
        raise ValueError(f"{name} is None; pass {table}.")
    if isinstance(X, (str, bytes)):
        raise ValueError(
            f"{name} is the text {X!r}, not rows of data; pass {table}. To read a file: "
            "aekit.open_dataset(path) (CSV, Parquet, .npy), or pandas.read_csv(path)."
        )
    if isinstance(X, numbers.Number) or (isinstance(X, np.ndarray) and X.ndim == 0):
        value = (
            X.item() if isinstance(X, (np.generic, np.ndarray)) else X
        )  # 1.0, not np.float32(1.0)
        raise ValueError(f"{name} is a single value ({value!r}); pass {table}.")


def reject_duplicate_columns(frame: pd.DataFrame, name: str = "X") -> None:
    """Refuse a DataFrame with two columns of one name (also 1 and '1', which aekit keeps as
    the names '1'): ``frame[name]`` is then a table, not a column, and every check by name
    fails in its own way (a numeric column called non-numeric, numpy's broadcast errors)."""
    names = pd.Index([str(c) for c in frame.columns])
    if names.has_duplicates:
        twice = sorted(set(names[names.duplicated()]))
        raise ValueError(  # the words of fit_columns.column_mismatch for a column repeated
            f"{name} has the column(s) {twice} more than once (duplicated); keep one of each "
            f"({name}.loc[:, ~{name}.columns.duplicated()]) or give each a name of its own."
        )


def reject_complex(X: Any, name: str = "X") -> None:
    """Refuse complex numbers (numpy would drop their imaginary part with a ComplexWarning): an
    array's dtype, a DataFrame's columns, or a list's values."""
    if isinstance(X, pd.DataFrame):
        complex_values = any(dtype.kind == "c" for dtype in X.dtypes)
    elif is_torch_tensor(X):
        complex_values = X.is_complex()
    elif hasattr(X, "dtype"):  # numpy's, or a pandas extension dtype's kind
        complex_values = getattr(X.dtype, "kind", "") == "c"
    elif isinstance(X, (list, tuple)):
        try:
            complex_values = np.asarray(X).dtype.kind == "c"
        except ValueError:  # ragged: refused later, as any ragged list
            complex_values = False
    else:
        complex_values = False
    if complex_values:
        raise ValueError(
            f"Complex data not supported: {name} is complex; pass its real part or magnitude "
            "(np.real(X) or np.abs(X))."
        )


def as_numeric_array(
    X: Any,
    name: str = "X",
    allow_nan: bool = False,
    precision: str = "float32",
    missing_fix: str | None = None,
    tables_only: bool = False,
    min_rows: int = 1,
    fitting: bool | None = None,
) -> np.ndarray:
    """Return ``X`` as a finite float32 array with 2 (rows, features), 3 (n, C, L) or 4
    (n, C, H, W) axes (``allow_nan``: NaN may mark missing entries, infinity is still an error;
    ``tables_only``: 2 axes alone, for an estimator of tables).

    ``precision``, for values float32 cannot hold exactly (float64, integers of 32 bits and more):
    ``"float32"`` casts them, with a warning where that rounds a column's variation away (values
    around 1e6 varying by 0.01 become float32's steps of 0.06); ``"as_needed"`` keeps them float64
    exactly there, for a caller that standardizes before its own float32 cast; ``"float64"``
    keeps them float64 (a model fitted so reads every X so). ``missing_fix``: with
    ``allow_nan``, the caller refuses NaN after all, with this fix: a refusal of infinite values
    names the NaN too (:func:`aekit.data.non_finite.refuse_infinite`). ``min_rows``: the rows
    the caller needs, said when X has none (``fit`` needs 2; it refuses one row itself).
    ``fitting``: X is to fit on (a column with no value is then told to be left out), or
    (False) a fitted model's rows (which cannot leave one out); None: unknown."""
    reject_unshaped(X, name)
    X = from_tensor(X, name)
    reject_sparse(X, name)
    if isinstance(X, pd.Series):  # 1-D, as an array of one axis is: df.iloc[0] is a row
        raise ValueError(
            f"{name} is a pandas Series; pass a DataFrame, e.g. df.iloc[[0]] (double brackets) "
            "for one row, or series.to_frame() for one column."
        )
    columns = None  # a table's column names, for the messages below
    if isinstance(X, pd.DataFrame):
        reject_duplicate_columns(X, name)
        columns = list(X.columns)  # as labelled: column 1 of an integer-named frame, not '1'
        X = numbers_held_as_objects(X)
        bad = non_numeric_columns(X)
        if bad:
            raise ValueError(non_numeric_refusal(X, bad, name, allow_nan))
        # float32 columns read as float32: through float64 a frame cost 3 times its size
        wide = any(getattr(dtype, "numpy_dtype", dtype) != np.float32 for dtype in X.dtypes)
        X = X.to_numpy(dtype=np.float64 if wide else np.float32, na_value=np.nan)
    try:
        array = np.asarray(X)
    except ValueError as err:  # ragged nested lists
        raise ValueError(ragged_message(X, name, err)) from None
    if array.dtype.kind in "mM":  # numpy's sums of dates failed deep inside with UFuncTypeError
        raise ValueError(
            f"{name} holds dates or durations (dtype {array.dtype}), not numbers; turn them into "
            "numbers first (seconds since a start: (X - X.min()) / np.timedelta64(1, 's'); or "
            "the hour, weekday, ... of each date), or leave them out."
        )
    if array.dtype.kind in "OUSaV":
        try:
            array = array.astype(np.float64)
        except ValueError:
            raise ValueError(text_cell_message(array, name)) from None
        except TypeError as err:  # e.g. a dict inside an object array; a DataLoader
            raise TypeError(not_a_number_message(X, name, err)) from None
    reject_complex(array, name)
    if array.ndim not in ((2,) if tables_only else (2, 3, 4)):
        # np.asarray first: an open_dataset of an image folder (or a tensor) has no reshape
        # of X's own (it is read into an array before this check)
        flat = f"np.asarray({name}).reshape(len({name}), -1)"
        hint = {
            1: f" Reshape your data either using {name}.reshape(-1, 1) if it has a single "
            f"feature or {name}.reshape(1, -1) if it is a single sample.",
            3: f" To read each sample's values as one row: {flat}.",
            4: f" To read each sample's values as one row: {flat}.",
        }.get(array.ndim, "")
        axes = "2 axes (n_samples, n_features)"
        if not tables_only:
            axes += ", 3 (n, channels, length) or 4 (n, C, H, W)"
        raise ValueError(f"{name} must have {axes}; got shape {array.shape}.{hint}")
    if array.shape[0] == 0:
        raise ValueError(
            f"{name} is empty: 0 sample(s) (shape={array.shape}) while a minimum of {min_rows} "
            "is required."
        )
    if array.size == 0:
        raise ValueError(
            f"{name} is empty: 0 feature(s) (shape={array.shape}) while a minimum of 1 is required."
        )
    if allow_nan:
        refuse_infinite(array, name=name, columns=columns, missing_fix=missing_fix)
    else:
        check_finite(array, name, columns, fitting)
    check_float32_range(array, name, columns)
    wide = wider_than_float32(array.dtype)
    rounded = None if precision == "float64" else float32_rounding(array)
    if wide and (precision == "float64" or (precision == "as_needed" and rounded.columns.size)):
        return np.ascontiguousarray(array, dtype=np.float64)
    warn_float32_rounding(rounded, name, columns)
    return np.ascontiguousarray(array, dtype=np.float32)


class MissingLabelsError(ValueError):
    """Labels ``y`` are required here and none were given: a conditional model's ``fit``, or
    decoding under labels. A ``ValueError``; its own type lets a caller (the CLI) name the
    option that supplies the labels."""


# The label value that marks a row without a label, as in scikit-learn's semi-supervised
# estimators (a missing value, as pandas reads an empty cell, marks one too).
UNLABELLED_LABEL = -1


def missing_labels(labels: np.ndarray) -> np.ndarray:
    """Which of a 1-D array's labels are missing values: None, NaN, or pandas' NA and NaT (an
    empty cell as pandas reads it, in an object, float, "string" or nullable-integer column)."""
    return np.asarray(pd.isna(labels), dtype=bool).reshape(len(labels))


def blank_labels(labels: np.ndarray) -> np.ndarray:
    """Which of a 1-D array's labels are blank: a missing value (:func:`missing_labels`) or
    text that is empty or only spaces (an empty cell of a CSV read as text, a Parquet "")."""
    blank = missing_labels(labels)
    if labels.dtype.kind == "U":
        return blank | (np.char.strip(labels) == "")
    if labels.dtype.kind == "S" or labels.dtype == object:
        blank |= np.array([_is_text(v) and not _text(v).strip() for v in labels], dtype=bool)
    return blank


def unlabelled_rows(labels: np.ndarray) -> np.ndarray:
    """Which rows a 1-D array of labels marks unlabelled: ``-1`` (a number, also inside an
    object array, or the text "-1", as a CSV's label column of names holds it) or a blank label
    (:func:`blank_labels`: a missing value, empty text). The one reading of the convention, for
    a conditional model's ``fit``, the command line's label columns and scoring (e.g. the
    accuracy of a semi-supervised model on its labelled rows: ``~unlabelled_rows(y)``)."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D (one per row), not of shape {labels.shape}.")
    missing = missing_labels(labels)
    if labels.dtype.kind in "iuf":
        return missing | (labels == UNLABELLED_LABEL)
    if labels.dtype.kind == "U":  # text alone: vectorized (a CSV's column of names)
        text = np.char.strip(labels)
        return missing | (text == "") | (text == str(UNLABELLED_LABEL))
    if labels.dtype.kind not in "SO":  # booleans, dates: no value marks a row
        return missing
    marked = [
        gone
        or (_is_text(v) and _text(v).strip() in ("", str(UNLABELLED_LABEL)))
        or (isinstance(v, numbers.Number) and not isinstance(v, bool) and v == UNLABELLED_LABEL)
        for v, gone in zip(labels, missing)
    ]
    return np.array(marked, dtype=bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, bytes))


def _text(value: str | bytes) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def as_labels(
    y: Any,
    n_samples: int,
    name: str = "y",
    one: bool = False,
    missing: bool = False,
    rows: str | None = None,
) -> np.ndarray:
    """Return ``y`` as a 1-D array with one label per row.

    ``one``: a single label is given to every row. ``missing``: a label may be missing
    (:func:`missing_labels`, an unlabelled row); otherwise a missing label is an error.
    ``rows``: what sets ``n_samples``, for the message of a wrong count (default: X's rows).
    A pandas column of an extension dtype ("string", nullable "Int64") keeps its values (ints
    stay ints), with None for its missing ones."""
    if y is None:
        raise MissingLabelsError(f"{name} is required: this model is conditioned on labels.")
    y = from_tensor(y, name)
    if isinstance(getattr(y, "dtype", None), pd.api.extensions.ExtensionDtype):
        y = pd.Series(y).astype(object).where(lambda s: s.notna(), None).to_numpy()
    y = np.asarray(y)
    if one and y.ndim == 0:
        y = np.full(n_samples, y.item(), dtype=y.dtype)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        what = "one label, or one per row" if one else "one label per row"
        raise ValueError(f"{name} must be 1-D ({what}); got shape {y.shape}.")
    if len(y) != n_samples:
        rows = rows or f"X has {n_samples} rows"
        count = "1 label" if len(y) == 1 else f"{len(y)} labels"
        # [7] for every row: the one label is given bare (y=7), as a list it counts rows
        single = (
            f" (one label for every row: {name}={y.tolist()[0]!r})" if one and len(y) == 1 else ""
        )
        raise ValueError(f"{name} has {count} but {rows}{single}.")
    gone = missing_labels(y)
    if gone.any() and not missing:
        raise ValueError(
            f"{name} has {int(gone.sum())} missing labels (None, NaN or NA), first at row "
            f"{int(np.argmax(gone))}; every row needs a label here."
        )
    if y.dtype.kind == "f" and np.isinf(y).any():
        raise ValueError(f"{name} contains {int(np.isinf(y).sum())} infinite labels.")
    return y


def encode_labels(y: np.ndarray, classes: np.ndarray, name: str = "y") -> np.ndarray:
    """Indices of ``y`` in the sorted ``classes`` (a label written as another type matched by
    :func:`known_labels`); unseen labels are an error that names them. A bool is no number
    label, nor the reverse (True == 1 to Python: ``sample(5, y=True)`` drew the class 1)."""
    if (y.dtype.kind == "b") != (classes.dtype.kind == "b") and len(y):
        held = "bools" if y.dtype.kind == "b" else "no bools"
        raise ValueError(
            f"{name} holds {held}, but the labels seen in fit are {classes.tolist()[:20]}; "
            "pass one of them."
        )
    index, unseen = _indices(y, classes)
    if unseen.any():
        y = known_labels(y, classes)
        index, unseen = _indices(y, classes)
    if unseen.any():
        known = set(classes.tolist())
        unknown = sorted({v for v in y.tolist() if v not in known}, key=str)
        raise ValueError(
            f"{name} contains labels not seen in fit: {unknown[:10]}; known labels are "
            f"{classes.tolist()[:20]}."
        )
    return index.astype(np.int64)


def unseen_labels(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Which labels of ``y`` are none of ``classes``, each written as another type matched as
    :func:`encode_labels` matches it (7 is the class '7')."""
    known = set(classes.tolist())
    return np.array([v not in known for v in known_labels(y, classes).tolist()], dtype=bool)


def _indices(y: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each label's index in the sorted ``classes``, and whether it is not there."""
    try:
        index = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
        return index, np.asarray(classes[index] != y, dtype=bool).reshape(len(y))
    except TypeError:  # labels numpy cannot order beside the classes (None, mixed objects)
        return np.zeros(len(y), dtype=np.intp), np.ones(len(y), dtype=bool)


def known_labels(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """``y`` with each label that is not one of ``classes`` but is written as exactly one of
    them replaced by it: ``7`` is the class ``'7'`` of a model whose labels came from folder
    names (text), and ``'7'`` the class ``7`` of one fitted on integers, as ``aekit generate
    --label 7`` reads it. Any other label is left as it is, to be refused as unseen."""
    if len(classes) == 0:  # nothing to match
        return y
    by_text: dict[str, list] = {}
    for c in classes.tolist():
        by_text.setdefault(str(c), []).append(c)
    known = set(classes.tolist())
    matched = [
        v if v in known or len(by_text.get(str(v), ())) != 1 else by_text[str(v)][0]
        for v in y.tolist()
    ]
    if all(v in known for v in matched):
        return np.asarray(matched, dtype=classes.dtype)
    return np.asarray(matched, dtype=object)  # some unseen: each kept as given, for the message


def fit_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted classes of ``y`` and each row's index among them (int64)."""
    if y.dtype == object:  # e.g. strings from pandas: give them a plain dtype
        y = np.asarray(y.tolist())
    classes, index = np.unique(y, return_inverse=True)
    return classes, index.astype(np.int64)


# Checks of single parameter values, for rules a scikit-learn constraint table cannot state (a
# width inside a tuple, a method's argument): bool is an int to Python, never a count here.
def is_int(value: Any, minimum: int) -> bool:
    """Whether ``value`` is an int (Python or numpy, not bool) of at least ``minimum``."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= minimum


def check_count(value: Any, name: str, minimum: int = 1, what: str = "") -> int:
    """``value`` as an int, or a ``ValueError`` naming ``name``: a count (of samples, draws,
    steps) is an int of at least ``minimum``, never a float such as 2.5 that ``int()`` would
    silently cut short, nor a bool. ``what`` is said after the rule, e.g. "(the endpoints)"."""
    rule = f"an int of at least {minimum}{' ' + what if what else ''}"
    if not is_int(value, -(2**63)):
        raise ValueError(f"{name}={value!r} is a {type(value).__name__}; give {rule}.")
    if value < minimum:
        raise ValueError(f"{name}={value!r} must be {rule}.")
    return int(value)


def is_number(value: Any) -> bool:
    """Whether ``value`` is a real number (Python or numpy int or float, not bool)."""
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
