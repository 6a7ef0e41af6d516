"""The table layout of an exported graph's rows, shared by every graph that reads a table.

A model fitted through a :class:`aekit.data.tabular.TabularEncoder` (an
:class:`aekit.AnomalyDetector`, or an autoencoder that ``aekit train`` fitted on a table with text
columns) reads standardized numbers and one-hot groups. Its exported graph instead takes ``x`` as
the table's own values, laid out as the encoder lays them out before standardizing: each numeric
column's raw value, and each categorical column as the one-hot of its category (in the order of
its ``categories``); the graph standardizes. ``manifest.json``'s ``columns``
(:func:`input_layout`) say where each column goes, and :func:`encode_rows` builds ``x`` from the
manifest alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from aekit.data.name_lists import some_names


def standardization(encoder: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(shift, scale)`` per encoded column: a numeric column's mean and scale, 0 and 1 on the
    one-hot columns (which the encoder does not scale)."""
    shift = np.zeros(encoder.n_features_out_, dtype=np.float32)
    scale = np.ones(encoder.n_features_out_, dtype=np.float32)
    for group in encoder.feature_groups_:
        if group.kind == "numeric":
            shift[group.start] = encoder.mean_[group.name]
            scale[group.start] = encoder.scale_[group.name]
    return shift, scale


def input_layout(encoder: Any) -> list[dict[str, Any]]:
    """The manifest's ``columns``: each original column's name, kind, position in ``x`` and, for
    a categorical one, its categories in the order of its one-hot columns."""
    layout = []
    for group in encoder.feature_groups_:
        column: dict[str, Any] = {"name": group.name, "kind": group.kind, "start": group.start}
        if group.kind == "categorical":
            column["categories"] = list(encoder.categories_[group.name])
        layout.append(column)
    return layout


def _width(columns: list[dict[str, Any]]) -> int:
    """The width of ``x``: one entry per numeric column, one per category."""
    return max((c["start"] + len(c.get("categories", [None])) for c in columns), default=0)


def encode_rows(manifest: dict[str, Any] | str | os.PathLike, table: Any) -> np.ndarray:
    """A graph's input ``x`` for a table, from the manifest alone: numbers as they are,
    categories one-hot. A reference for other languages.

    Parameters
    ----------
    manifest : dict or path
        The ``manifest.json`` of an exported model that has ``columns`` (a detector, or an
        autoencoder exported with the table encoder it was fitted through), read or its path.
    table : DataFrame, dict, list of records, or array-like of shape (n_samples, n_columns)
        A DataFrame's columns are taken by name, in any order, and others (an id, a label)
        left out, as are a dict's keys and the keys of records (a JSON request's rows); an
        array's are the model's columns in their order.

    Returns
    -------
    x : ndarray of shape (n_samples, n_encoded), float32

    Raises
    ------
    ValueError
        For a category the model has not seen; for a missing value (NaN, None) unless the
        model was fitted with ``handle_missing=True`` (the manifest's ``handle_missing``: then
        a missing number stays NaN, which the graph encodes as the detector does, and a missing
        category is no category), and for an infinite number, as the Python API refuses them:
        a graph cannot raise, and NaN is above no threshold, so such a row came back normal;
        for a manifest without ``columns``; for a DataFrame without some of them, or with one
        of them twice, or an array of another width; for text in a numeric column.
    """
    document: dict[str, Any] = (
        json.loads(Path(manifest).read_text(encoding="utf-8"))
        if isinstance(manifest, (str, os.PathLike))
        else manifest
    )
    if not document.get("columns"):
        raise ValueError(
            "the manifest has no 'columns': its model reads numbers only; give it the rows "
            "as they are."
        )
    import pandas as pd

    columns = document["columns"]
    masks_missing = bool(document.get("handle_missing"))
    frame = _model_columns(table, [str(c["name"]) for c in columns])
    x = np.zeros((len(frame), _width(columns)), dtype=np.float32)
    for position, column in enumerate(columns):
        values = frame.iloc[:, position]
        if not masks_missing and values.isna().any():
            _refuse_missing(column["name"], int(np.argmax(values.isna().to_numpy())))
        if column["kind"] == "numeric":
            numbers = _numbers(values, column["name"])
            x[:, column["start"]] = numbers
            if np.isinf(numbers).any():
                row = int(np.argmax(np.isinf(numbers)))
                raise ValueError(
                    f"column {column['name']!r} holds {numbers[row]} (row {row}, 0-based), not a "
                    "finite number; replace it, as the model's other inputs were finite."
                )
            continue
        categories = {json.dumps(c): i for i, c in enumerate(column["categories"])}
        for row, value in enumerate(values.tolist()):
            if masks_missing and pd.isna(value):
                continue  # no category: a one-hot group of zeros, as the detector encodes it
            key = json.dumps(value.item() if isinstance(value, np.generic) else value)
            if key not in categories:
                raise ValueError(
                    f"column {column['name']!r} has the unknown category {value!r} (row {row}, "
                    f"0-based; the model knows {column['categories'][:20]}). The Python API and "
                    "'aekit score' score such a row as the most anomalous (inf), which a graph "
                    "cannot: flag those rows yourself, or refit on rows with that category."
                )
            x[row, column["start"] + categories[key]] = 1.0
    return x


def _numbers(values: Any, name: str) -> np.ndarray:
    """A numeric column's values as float32, or an error naming the first text that is no number
    (numpy's said "could not convert string to float: 'abc'", naming no column or row)."""
    import pandas as pd

    try:
        return values.to_numpy(dtype=np.float32)
    except (TypeError, ValueError):
        parsed = pd.to_numeric(values, errors="coerce")
        row = int(np.argmax(parsed.isna().to_numpy() & values.notna().to_numpy()))
        raise ValueError(
            f"column {name!r} holds {values.iloc[row]!r} (row {row}, 0-based), not a number; "
            "the model reads numbers there: fix the cell, or read the file with the options "
            "that parse it (na_values, decimal, thousands)."
        ) from None


def _refuse_missing(name: str, row: int) -> None:
    raise ValueError(
        f"column {name!r} has a missing value (row {row}, 0-based), and the model was fitted "
        "without handle_missing: the graph would compute NaN for the row (a detector's score, "
        "above no threshold: flagged normal). Impute it first (aekit.AutoencoderImputer, "
        "'aekit impute'), or refit a detector with handle_missing=True."
    )


def _model_columns(table: Any, names: list[str]) -> Any:
    """``table`` as a DataFrame of the model's columns ``names``, in their order: a DataFrame's
    by name (a RUN's table keeps its id and label columns beside them, and a table read back may
    hold them in another order: positions would misread both), an array's by position."""
    import pandas as pd

    if isinstance(table, Mapping) or (
        isinstance(table, list) and table and isinstance(table[0], Mapping)
    ):
        if isinstance(table, Mapping) and not any(np.ndim(v) for v in table.values()):
            table = [table]  # one row, as one JSON object
        table = pd.DataFrame(table)  # columns by name, or records (objects keyed by column)
    if not isinstance(table, pd.DataFrame):
        frame = pd.DataFrame(np.asarray(table))
        if frame.shape[1] != len(names):
            raise ValueError(
                f"table has {frame.shape[1]} columns; the model reads {len(names)}: {names[:8]}."
            )
        return frame
    frame = table.set_axis([str(c) for c in table.columns], axis=1)
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise ValueError(
            f"table lacks the model's columns {some_names(missing)} (it has "
            f"{some_names(list(frame.columns), missing)}); pass a DataFrame with them, or an "
            "array of the model's columns in their order."
        )
    twice = sorted({n for n in names if list(frame.columns).count(n) > 1})
    if twice:  # frame[names] would take both, shifting every column after
        raise ValueError(
            f"table has the column(s) {some_names(twice)} more than once; keep one of each."
        )
    return frame[names]
