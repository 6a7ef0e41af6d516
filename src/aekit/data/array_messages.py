"""What is wrong with an array that is not one of numbers, said where the user can find it: the
row whose length differs (numpy said "inhomogeneous shape after 1 dimensions"), the first cell
that is not a number (numpy's dtype, "<U21", named nothing to look for). Used by
:func:`aekit.data.validation.as_numeric_array`, so the scoring server's JSON bodies are told the
same."""

from __future__ import annotations

from typing import Any

import numpy as np


def ragged_message(X: Any, name: str, numpy_error: Exception) -> str:
    """Which row of the nested lists ``X`` has another length than the first; numpy's own
    words when the rows are of one length (the nesting below them differs)."""
    if isinstance(X, (list, tuple)) and X and all(hasattr(r, "__len__") for r in X):
        lengths = [len(r) for r in X]
        other = next((i for i, n in enumerate(lengths) if n != lengths[0]), None)
        if other is not None:
            return (
                f"{name} is not a rectangular array: row 0 has {lengths[0]} values, row {other} "
                f"has {lengths[other]}; every row needs the same number."
            )
    return f"{name} is not a rectangular array: {numpy_error}"


def not_a_number_message(X: Any, name: str, numpy_error: Exception) -> str:
    """What ``X``, read as one object (numpy's 0-d array of it), is, when it is no array of
    numbers: a torch DataLoader (which yields batches, not rows) is named with what to pass."""
    if hasattr(X, "dataset") and hasattr(X, "batch_size"):
        return (
            f"{name} is a {type(X).__name__}, which aekit does not read: aekit batches the rows "
            "itself (batch_size=...). Pass the rows: its dataset's tensor (e.g. "
            "loader.dataset.tensors[0]), an array, a memory-mapped .npy or "
            "aekit.open_dataset(path)."
        )
    return f"{name} contains a value that is not a number: {numpy_error}."


def text_cell_message(array: np.ndarray, name: str) -> str:
    """The first cell of ``array`` (text or objects) that is not a number, and where it is; an
    object array of rows (``np.array([...], dtype=object)`` of rows of several lengths) is said
    to be ragged, as nested lists are, not dumped whole as its first cell."""
    if (
        array.ndim == 1
        and array.size
        and all(isinstance(r, (np.ndarray, list, tuple)) for r in array)
    ):
        lengths = {len(r) for r in array}
        if len(lengths) > 1:
            return ragged_message(list(array), name, ValueError("rows of several lengths"))
        return (
            f"{name} is a 1-D array (dtype object) of {len(array)} rows of {lengths.pop()} "
            f"values each; pass np.stack({name}), a 2-D array of them."
        )
    for position in _cells_of_first_bad_block(array):
        value = array[position]
        value = value.item() if isinstance(value, np.generic) else value  # 'x', not np.str_('x')
        if value is None:  # numpy reads it as NaN: not what it refused
            continue
        try:
            float(value)
        except (TypeError, ValueError):
            where = (
                f"row {position[0]}, column {position[1]}"
                if len(position) == 2
                else f"position {position}"
            )
            return (
                f"{name} holds {value!r} at {where} (0-based), not a number; pass numbers only "
                f"(dtype {array.dtype})."
            )
    return f"{name} contains non-numeric values (dtype {array.dtype}); pass numbers only."


def _cells_of_first_bad_block(array: np.ndarray, block: int = 4096):
    """The positions of the first ``block`` cells (in row-major order) that numpy cannot read as
    numbers all together: blocks convert at numpy's speed, so only one is read cell by cell (a
    million good cells before the bad one took a second in Python). The caller's array did not
    convert, so one block will not."""
    flat = array.reshape(-1)
    for start in range(0, flat.size, block):
        try:
            flat[start : start + block].astype(np.float64)
        except (TypeError, ValueError):
            for index in range(start, min(start + block, flat.size)):
                yield tuple(int(i) for i in np.unravel_index(index, array.shape))
            return
