"""Inference on data of any size, a chunk at a time: :func:`iter_outputs` and
:func:`write_outputs`.

Any fitted estimator's per-row method (``transform``, ``reconstruct``, ``score_samples``,
``predict``, a detector's ``anomaly_score`` ...) runs on chunks of ``batch_rows`` rows read from
X (a :class:`aekit.data.lazy.Dataset`, a memmap, an array or a DataFrame); the outputs are
yielded, or written chunk by chunk to a ``.parquet``, ``.npy`` or ``.csv`` file
(:func:`aekit.data.writers.write_batches`, atomic). Memory holds a chunk, whatever the data's
size. Inference is float64 and row by row, so chunking changes outputs by float64 rounding at
most (~1e-14 of a score).

>>> from aekit import open_dataset                                          # doctest: +SKIP
>>> write_outputs(vae, open_dataset("big.parquet"), "scores.parquet")      # doctest: +SKIP

The inference methods take the same route through an ``out=`` keyword (:func:`writes_to_file`):
``vae.score_samples(open_dataset("big.parquet"), out="scores.parquet")`` is the call above.
"""

from __future__ import annotations

import functools
import inspect
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from aekit.data.chunk_offset import marked
from aekit.data.lazy import Dataset, lazy_reader
from aekit.data.row_stats import chunk_rows
from aekit.data.validation import check_count
from aekit.data.writers import write_batches
from aekit.io.inputs import refuse_input_as_output
from aekit.io.paths import user_path

BATCH_ROWS = 65536  # rows per chunk at most; fewer for wide rows (CHUNK_BYTES of float32)
CHUNK_BYTES = 32 * 2**20


def default_batch_rows(X: Any) -> int:
    """Rows per chunk: ``BATCH_ROWS``, or fewer so that a chunk holds ``CHUNK_BYTES``."""
    shape = X.shape if hasattr(X, "shape") else np.shape(X)
    width = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    return min(BATCH_ROWS, chunk_rows(width, CHUNK_BYTES))


def chunks_of(
    X: Any, y: Any = None, batch_rows: int | None = None, *, estimator: Any = None
) -> Iterator[tuple[Any, Any]]:
    """``(X, y)`` chunks of ``batch_rows`` rows (default :func:`default_batch_rows`), in order:
    a dataset's read from disk (with its own labels when y is None), an array's or DataFrame's
    sliced. A large memory-mapped array is read as a dataset (:func:`aekit.data.lazy.lazy_reader`,
    ``pread``): its slices would be views of the mapping, and every page a method touches
    through them stays in this process's resident memory, so memory would grow with the file
    (1.2M x 60 float32, 288 MB: +309 MiB of peak memory before, +66 after;
    ``benchmarks/out_memory.py``). For an ``estimator`` that takes NaN (scikit-learn's
    ``allow_nan`` tag: an imputer, a detector with ``handle_missing``) a dataset's NaN is read
    as a missing value, not damage."""
    batch_rows = default_batch_rows(X) if batch_rows is None else batch_rows
    found = None if isinstance(X, Dataset) else lazy_reader(X)
    if found is not None:
        X = Dataset(found[0])
    if isinstance(X, Dataset):
        takes_nan = estimator is not None and _takes_nan(estimator)
        labels = X.labels if y is None else np.asarray(y)
        for start in range(0, len(X), batch_rows):
            # the reader's setting changes within the read alone: a paused or abandoned
            # generator leaves the user's dataset as it was given
            with X.reader.nan_read_through(takes_nan):
                rows = X.reader.read(start, start + batch_rows)
            part = _chunk(X.frame(rows), start, len(X) > batch_rows)
            yield part, None if labels is None else labels[start : start + batch_rows]
        return
    labels = None if y is None else np.asarray(y)
    for start in range(0, len(X), batch_rows):
        part = (X.iloc if hasattr(X, "iloc") else X)[start : start + batch_rows]
        part = _chunk(part, start, len(X) > batch_rows)
        yield part, None if labels is None else labels[start : start + batch_rows]


def _chunk(part: Any, start: int, chunked: bool) -> Any:
    """A chunk of rows from ``start``; where X is read in several, a frame is marked with where
    it starts, so that a refusal names the row of X, not of the chunk (row 66000, not 464)."""
    return marked(part, start) if chunked else part


def _takes_nan(estimator: Any) -> bool:
    """scikit-learn's ``allow_nan`` tag (an imputer; a detector with ``handle_missing``)."""
    from sklearn.utils import get_tags

    try:
        return bool(get_tags(estimator).input_tags.allow_nan)
    except (AttributeError, TypeError):  # not a scikit-learn estimator
        return False


def iter_outputs(
    estimator: Any, X: Any, method: str = "score_samples", y: Any = None,
    batch_rows: int | None = None,
) -> Iterator[np.ndarray]:  # fmt: skip
    """``getattr(estimator, method)`` over chunks of X, one output array per chunk.

    Parameters
    ----------
    estimator : fitted estimator
        Any fitted aekit estimator (or another with a per-row ``method``).
    X : Dataset, array-like or DataFrame
        The rows, read a chunk at a time (a dataset or a memmap from disk).
    method : str, default="score_samples"
        A method taking ``(X)`` or ``(X, y)`` and returning one output row per input row.
    y : array-like, default=None
        Labels, one per row (default: the dataset's own, if it has a label column). Passed to
        the method only when there are some and the method takes ``y``.
    batch_rows : int, optional
        Rows per chunk, at least 1; default 65,536, or fewer so that a chunk of float32 rows
        is 32 MiB.

    Yields
    ------
    ndarray
        The method's output for each chunk, in order.

    Raises
    ------
    ValueError
        If ``batch_rows`` is not an int of at least 1 or None, or the estimator has no method
        ``method``: at the call, before anything is read.
    """
    check_batch_rows(batch_rows)
    fn = getattr(estimator, method, None)
    if fn is None:
        raise ValueError(f"{type(estimator).__name__} has no method {method!r}.")
    # the checks above run at the call; the chunks are read as the caller iterates
    return _outputs(fn, X, y, batch_rows, estimator)


def check_batch_rows(batch_rows: Any) -> None:
    """A ValueError for a ``batch_rows`` that is not None nor an int of at least 1: 0 or a
    negative count would give no chunk at all (no output, no error), and 2.5 fails in ``range``."""
    if batch_rows is not None:
        check_count(batch_rows, "batch_rows", 1, "(or None: chunks of up to 32 MiB)")


def _outputs(
    fn: Callable, X: Any, y: Any, batch_rows: int | None, estimator: Any
) -> Iterator[np.ndarray]:
    """``fn`` over the chunks of X (:func:`iter_outputs`), with y where ``fn`` takes it."""
    takes_y = "y" in inspect.signature(fn).parameters  # a detector's methods take X alone
    given = y if y is not None else dataset_labels(X)
    for part, labels in chunks_of(X, given, batch_rows, estimator=estimator):
        out = fn(part, labels) if given is not None and takes_y else fn(part)
        yield np.asarray(out)


def dataset_labels(X: Any) -> np.ndarray | None:
    """The labels a dataset carries where every row has one, else None. A label column that
    marks some rows unlabelled (-1 or blank: a semi-supervised model's own data) gives none,
    so that a conditional model predicts each row's label, as for rows given without."""
    from aekit.data.validation import unlabelled_rows

    labels = X.labels if isinstance(X, Dataset) else None  # an array on disk has none
    if labels is None or unlabelled_rows(np.asarray(labels)).any():
        return None
    return labels


def output_columns(estimator: Any, method: str, first: np.ndarray) -> list[str]:
    """Column names for a method's output: ``z0..`` for codes, the features for
    reconstructions, the method's name for one value per row."""
    if first.ndim == 1:
        return ["score" if method == "score_samples" else method]
    width = int(np.prod(first.shape[1:]))
    if method == "transform" and hasattr(estimator, "get_feature_names_out"):
        return [str(c) for c in estimator.get_feature_names_out()]
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None and len(names) == width:
        return [str(c) for c in names]
    if method == "explain":  # a detector's shares: its input columns, then the latent part
        names = (
            [str(c) for c in names] if names is not None else [f"x{i}" for i in range(width - 1)]
        )
        return [*names, "_latent" if "latent" in names else "latent"]
    return [f"x{i}" for i in range(width)]


def source_of(X: Any) -> Path | None:
    """The file or folder X is read from: a dataset's path, a memmap's file (also under a view
    of it, as ``X[100:]``); None for data in memory."""
    if isinstance(X, Dataset):
        return None if X.path is None else Path(X.path)
    base = X
    while base is not None:
        if isinstance(base, np.memmap) and getattr(base, "filename", None):
            return Path(base.filename)
        base = getattr(base, "base", None)
    return None


def write_outputs(
    estimator: Any, X: Any, out: str | Path, method: str = "score_samples", y: Any = None,
    batch_rows: int | None = None,
) -> Path:  # fmt: skip
    """Write ``getattr(estimator, method)`` of every row of X to ``out``, a chunk at a time
    (:func:`iter_outputs`). Nothing is left under ``out`` if anything fails midway.

    Parameters
    ----------
    estimator : fitted estimator
        Any fitted aekit estimator (or another with a per-row ``method``).
    X : Dataset, array-like or DataFrame
        The rows, read a chunk at a time (a dataset or a memmap from disk).
    out : str or path-like
        A ``.parquet``, ``.npy`` or ``.csv`` file, written atomically. It may not be the file
        X is read from (a dataset's file, a memmap's), nor lie inside the folder of a dataset.
    method : str, default="score_samples"
        A method taking ``(X)`` or ``(X, y)`` and returning one output row per input row.
    y : array-like, default=None
        Labels, one per row (default: the dataset's own, if it has a label column).
    batch_rows : int, optional
        Rows per chunk, at least 1; default 65,536, or fewer so that a chunk of float32 rows
        is 32 MiB.

    Returns
    -------
    out : Path
        The file written.

    Raises
    ------
    ValueError
        For an ``out`` that is X's own file or lies in its dataset's folder, a bad
        ``batch_rows``, a ``method`` the estimator lacks, or an X of no rows: before anything
        is computed or written.
    """
    named = f"out={str(out)!r}"  # as the caller wrote it
    out = user_path(out)
    source = source_of(X)
    if source is not None:
        refuse_input_as_output(out, source, named, "X")
    outputs = iter_outputs(estimator, X, method, y, batch_rows)
    first = next(outputs, None)
    if first is None:
        raise ValueError("X has no rows.")
    columns = output_columns(estimator, method, first)
    # Chunks go as the method gives them, so a .npy holds the shape the method returns (one
    # score per row stays (n,), images stay (n, C, H, W)); tables flatten each row into columns.
    write_batches(out, itertools.chain([first], outputs), len(X), columns)
    return out


def writes_to_file(method: Callable) -> Callable:
    """Give a per-row inference method ``method(self, X[, y])`` an ``out=`` keyword: with a
    path, every row's output is written there a chunk at a time (:func:`write_outputs`, flat
    memory, atomic) and the path is returned instead of the array. The chunks call the method
    itself (without ``out``), so a subclass that overrides it is streamed too."""
    name, signature = method.__name__, inspect.signature(method)
    rows = next(iter(list(signature.parameters)[1:]))  # X, or Z for inverse_transform

    @functools.wraps(method)
    def method_or_file(self, *args, out: str | Path | None = None, **kwargs):
        if out is None:
            args, kwargs = _with_dataset_labels(self, signature, rows, args, kwargs)
            return method(*args, **kwargs)
        given = signature.bind(self, *args, **kwargs).arguments
        if set(given) - {"self", rows, "y"}:
            raise ValueError(f"{name}(..., out=...) takes only {rows} and y.")
        return write_outputs(self, given[rows], out, method=name, y=given.get("y"))

    keyword = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
    method_or_file.__signature__ = signature.replace(
        parameters=[*signature.parameters.values(), keyword]
    )
    method_or_file.__doc__ = _with_out_documented(method.__doc__)
    return method_or_file


# The entry every method ``writes_to_file`` decorates has, written once here
_OUT_ENTRY = """\
        out : str or path-like, optional
            Write the result for every row to this ``.parquet``, ``.npy`` or ``.csv`` file a
            chunk at a time instead (:func:`aekit.write_outputs`: flat memory for data on disk)
            and return the path."""


def _with_out_documented(doc: str | None) -> str | None:
    """A method's numpydoc docstring (indented as a method's) with ``out``'s entry last among
    its Parameters, before its Returns section."""
    returns = "\n\n        Returns\n"
    if not doc or returns not in doc or "\n        out : " in doc:
        return doc
    at = doc.index(returns)
    return doc[:at] + "\n" + _OUT_ENTRY + doc[at:]


def _with_dataset_labels(self, signature, rows: str, args: tuple, kwargs: dict):
    """``(self, *args)`` and ``kwargs`` of a call, with a dataset's own labels as ``y``
    (:func:`dataset_labels`) when a conditional model (one with ``classes_``) is called without
    y, as ``out=`` and :func:`iter_outputs` read them: a ConditionalVAE's ``transform(dataset)``
    predicted the labels the dataset carries."""
    if "y" not in signature.parameters or not hasattr(self, "classes_"):
        return (self, *args), kwargs
    bound = signature.bind(self, *args, **kwargs)
    if bound.arguments.get("y") is not None or rows not in bound.arguments:
        return (self, *args), kwargs
    labels = dataset_labels(bound.arguments[rows])
    if labels is None:
        return (self, *args), kwargs
    bound.arguments["y"] = labels
    return bound.args, bound.kwargs
