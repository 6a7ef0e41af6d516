"""Warnings of DATA's columns that a training command would read as what they are not: a
column named like the labels, read as a feature (the answer leaks into every score), and a
column of codes read as numbers, a measurement (75001 lies "near" 75002): one named like a code,
or one whose CSV text writes leading zeros ('0037')."""

from __future__ import annotations

import re
import warnings
from typing import Any

from aekit.cli.shell_words import shell_word
from aekit.warning_lines import caller_level


def warn_of_misread_columns(
    X: Any,
    label_column: str | None,
    leave_out: str = "--ignore-column {name}",
    data: str | None = None,
) -> None:
    """Both warnings, said once before a training command fits on DATA (``data``, its path)."""
    warn_of_label_like_columns(X, label_column, leave_out)
    warn_of_code_like_columns(X, data)


# Names that usually mark the answer column ('y' not among them: it is a coordinate as often).
# Read as a feature, the answer leaks into every score; the command line has no other way to
# know that DATA's labels are in it.
LABEL_LIKE_NAMES = frozenset(
    {"label", "labels", "target", "class", "anomaly", "is_anomaly", "outlier", "is_outlier"}
)


def warn_of_label_like_columns(
    X: Any, label_column: str | None, leave_out: str = "--ignore-column {name}"
) -> None:
    """Said once before a training command fits on DATA without --label-column: the columns
    whose name says they hold the labels, which the model would otherwise learn from.
    ``leave_out``: the command's option that leaves a column out, ``{name}`` the column."""
    if label_column is not None:
        return
    named = [str(c) for c in getattr(X, "columns", []) if str(c).lower() in LABEL_LIKE_NAMES]
    if named:
        warnings.warn(
            f"DATA's column {named[0]!r} is named like a label but is read as a feature, so the "
            f"model learns from it; name it with --label-column {shell_word(named[0])} if it "
            "holds labels "
            f"(or {leave_out.format(name=shell_word(named[0]))} to leave it out).",
            UserWarning,
            stacklevel=caller_level(),
        )


# A name's words (split at anything but letters and digits, and at a lower-case letter followed
# by a capital) that mark a code: postal codes, and "code" itself (product_code, ProductCode)
_CODE_WORDS = frozenset({"zip", "zipcode", "postcode", "postal", "plz", "code"})
_MIN_DISTINCT = 3  # a 0/1 column named "code" is a flag as often
_SAMPLED = 2000  # rows of a table on disk read to judge its columns


def warn_of_code_like_columns(X: Any, data: str | None = None) -> None:
    """Warn of the columns of numbers whose name says they hold codes (``zip``,
    ``product_code``), and of those whose text in DATA (``data``, a CSV's path) writes leading
    zeros ('0037', :mod:`aekit.cli.zero_led_codes`): read as measurements, they are
    standardized and modelled as quantities; ``--category-column`` reads them as categories."""
    import pandas as pd

    warned = _warn_of_zero_led_codes(X, data) if data is not None else set()
    if hasattr(X, "iter_batches") and hasattr(X, "columns") and not isinstance(X, pd.DataFrame):
        X = _first_rows(X)  # a table on disk: its first rows judge its columns
    if not isinstance(X, pd.DataFrame):
        return
    for column in X.columns:
        # the name first: taking each of 20,000 columns from X (X[column]) took 2 s
        if str(column) in warned or not _is_code_name(str(column)):
            continue
        series = X[column]
        if not _holds_whole_numbers(series):
            continue
        if series.nunique() < _MIN_DISTINCT:
            continue
        name = shell_word(str(column))
        warnings.warn(
            f"DATA's column {str(column)!r} is named like a code but holds numbers, read as a "
            f"measurement (standardized, {_example(series)}); if its values are codes, read "
            f"them as categories with --category-column {name}.",
            UserWarning,
            stacklevel=caller_level(),
        )
        return  # one is enough to show the option


def _warn_of_zero_led_codes(X: Any, data: str) -> set[str]:
    """Warn of each column of whole numbers whose cells DATA writes with leading zeros; the
    names of those warned of. A table on disk is judged by DATA's text alone (its columns of
    text, the category columns, left out), not read: its batches refuse a gap."""
    import pandas as pd

    from aekit.cli import category_columns
    from aekit.cli.zero_led_codes import zero_led_cells

    if isinstance(X, pd.DataFrame):
        numbers = _whole_number_columns(X)
    else:
        text = category_columns.current.names
        numbers = [str(c) for c in getattr(X, "columns", []) if str(c) not in text]
    found = zero_led_cells(data, numbers)
    for column, (row, cell, values) in found.items():
        name = shell_word(column)
        warnings.warn(
            f"DATA's column {column!r} holds codes written with leading zeros ({cell!r}, row "
            f"{row}) but is read as numbers, a measurement (standardized, "
            f"{_example(values)}); if its values are codes, read them as categories with "
            f"--category-column {name}, or leave an identifier out of the features with "
            f"--id-column {name}.",
            UserWarning,
            stacklevel=caller_level(),
        )
    return set(found)


def _first_rows(dataset: Any) -> Any:
    """The columns named like codes of a table on disk (a lazy Dataset), in its first
    :data:`_SAMPLED` rows, read a chunk at a time as every pass over it is; None (nothing
    read) when no column is named so."""
    import pandas as pd

    from aekit.estimators.streaming import BATCH_ROWS

    named = [c for c in dataset.columns if _is_code_name(str(c))]
    if not named:
        return None
    parts, n = [], 0
    for batch, _ in dataset.iter_batches(rows=min(BATCH_ROWS, _SAMPLED)):
        parts.append(batch[named])
        n += len(batch)
        if n >= _SAMPLED:
            break
    return pd.concat(parts, ignore_index=True).iloc[:_SAMPLED]


def _is_code_name(name: str) -> bool:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()
    words = set(re.split(r"[^a-z0-9]+", spaced))
    return bool(words & _CODE_WORDS)


def _holds_whole_numbers(series: Any) -> bool:
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return False
    values = series.dropna().to_numpy(dtype=np.float64)
    return len(values) > 0 and bool(np.all(values == np.round(values)))


def _whole_number_columns(frame: Any) -> list[str]:
    """The names of ``frame``'s columns that :func:`_holds_whole_numbers`, in order: the same
    arithmetic for numpy's integers and floats in one pass over a block of them (a pandas pass
    a column took 4 s on 20,000 columns), the rule a column for other dtypes."""
    import numpy as np

    from aekit.data import number_blocks

    plain = number_blocks.plain_columns(frame, "iuf")  # bools are no numbers here
    whole = {int(p) for p in number_blocks.other_columns(frame, plain)}
    whole = {p for p in whole if _holds_whole_numbers(frame.iloc[:, p])}
    for positions, values in number_blocks.blocks(frame, plain):
        missing = np.isnan(values)
        held = (missing | (values == np.round(values))).all(axis=0) & ~missing.all(axis=0)
        whole.update(int(p) for p in positions[held])
    names = [str(c) for c in frame.columns]  # not frame.columns[p] each: 0.3 s for 20,000
    return [names[p] for p in sorted(whole)]


def _example(series: Any) -> str:
    """Two of the column's values in order, the first said to lie "near" the second."""
    import numpy as np

    values = np.unique(series.dropna().to_numpy()).astype(np.int64)  # whole: 1234567, not 1.23e+06
    return f"{values[0]} is read as near {values[1]}"
