"""Reading ``.npy`` and ``.npz`` files: numbers only (never a pickle), and a damaged file is a
``ValueError`` that names it, whatever part of NumPy's reader trips over the damage."""

from __future__ import annotations

import tokenize
import zipfile
from pathlib import Path

import numpy as np


def _numpy_error(path: Path, exc: ValueError) -> ValueError:
    # np.load with allow_pickle=False refuses in two ways; translate both into what to do.
    message = str(exc)
    if "Object arrays" in message:
        return ValueError(
            f"{path} holds an object array (Python objects, not numbers); aekit loads numeric "
            "arrays only and never unpickles, because unpickling can run arbitrary code. "
            "Save the data as a numeric array, e.g. X.astype(np.float32)."
        )
    if "pickle" in message:
        return ValueError(
            f"{path} is not a NumPy {path.suffix} file: NumPy would read it as a pickle, and "
            "aekit never unpickles, because unpickling can run arbitrary code."
        )
    return ValueError(f"cannot read {path}: {message}")


# What np.load raises for a truncated or damaged header besides ValueError.
_DAMAGED = (EOFError, SyntaxError, tokenize.TokenError, OverflowError, MemoryError, TypeError)


def load_npy(path: Path) -> np.ndarray:
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise _numpy_error(path, exc) from None
    except _DAMAGED as exc:
        raise ValueError(
            f"{path} is not a readable .npy file (truncated or damaged?): {exc}"
        ) from None
    refuse_structured(array, path)
    return array


def refuse_structured(array: np.ndarray, path: Path | str) -> None:
    """A structured array (a record a row) was said to have "1 axis", as if its fields were
    not there: name them and how to make them columns."""
    if array.dtype.names:
        names = array.dtype.names
        fields = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
        raise ValueError(
            f"{path} holds a structured array (a record a row, fields {fields}), not a table of "
            "numbers; save its fields as columns: np.column_stack([a[f] for f in "
            "a.dtype.names]), or pd.DataFrame(a) written as a .csv or .parquet."
        )


def npz_member(spec: str) -> tuple[str, str | None]:
    """``"d.npz:X_train"`` as ``("d.npz", "X_train")``: the command line's way to pick one
    array of a ``.npz`` holding several; any other DATA as ``(spec, None)``. A file whose
    own name has the colon is read as that file (the caller checks that it exists first)."""
    head, colon, name = spec.rpartition(":")
    if colon and name and head.lower().endswith(".npz") and "/" not in name:
        return head, name
    return spec, None


def labels_key(name: str, keys: list[str]) -> str | None:
    """The labels of the array ``name`` in an archive of ``keys``: ``y`` beside ``X`` or
    ``x``, ``y_train`` beside ``X_train`` (scikit-learn's naming), ``y_NAME`` beside
    ``NAME``; None where there are none (another split's ``y`` is not this array's)."""
    if name in ("X", "x"):
        candidates = ["y"]
    else:
        candidates = [f"y_{name}"]
        if name[:2] in ("X_", "x_"):
            candidates.insert(0, f"y_{name[2:]}")
    return next((key for key in candidates if key in keys), None)


def load_npz(path: Path, key: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """The data and labels of a ``.npz``: the array ``key`` (default: ``X``, ``x``, or the one
    array beside ``y``) and its labels (:func:`labels_key`), or None."""
    try:
        loaded = np.load(path, allow_pickle=False)
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path} is not a valid .npz (zip) archive: {exc}") from None
    except ValueError as exc:
        raise _numpy_error(path, exc) from None
    except _DAMAGED as exc:
        raise ValueError(
            f"{path} is not a readable .npz file (truncated or damaged?): {exc}"
        ) from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ValueError(f"{path} holds a single .npy array, not an .npz archive; name it .npy.")
    # The NpzFile keeps the zip open; the with-block closes it once the arrays are read.
    with loaded as archive:
        keys = list(archive.files)
        x_key = _pick_x_key(path, keys) if key is None else _named_key(path, keys, key)
        y_key = "y" if key is None else labels_key(key, keys)
        try:
            # Members are only decoded on access, so object arrays are refused here.
            X = archive[x_key]
            y = archive[y_key] if y_key in keys else None
        except ValueError as exc:
            raise _numpy_error(path, exc) from None
        except (zipfile.BadZipFile, *_DAMAGED) as exc:
            raise ValueError(f"{path} is a damaged .npz (zip) archive: {exc}") from None
    if y is not None and X.ndim >= 1 and (y.ndim == 0 or len(y) != len(X)):
        _refuse_labels_not_a_row_each(path, X, y, x_key, y_key)
    return X, y


def _refuse_labels_not_a_row_each(
    path: Path, X: np.ndarray, y: np.ndarray, x_key: str, y_key: str
) -> None:
    """The ``ValueError`` of labels ``y`` that are not one a row of ``X`` (else a row's label
    was another row's, or an IndexError far from the file): their shape when not 1-D, as the
    check of a 1-D y that comes later says it (a 0-d y beside one row "held 1 value(s) for the
    1 rows"; one of shape (1, 40) "held 1 value(s)" for 40). A column of one label a row,
    (n, 1), is not refused here: labels are read from it as from a 1-D y."""
    if y.ndim != 1:
        raise ValueError(
            f"{path}: its labels {y_key!r} must be 1-D, one label a row of the {len(X)} rows "
            f"of {x_key!r}; got shape {y.shape}."
        )
    raise ValueError(
        f"{path}: its labels {y_key!r} hold {len(y)} value(s) for the {len(X)} rows of "
        f"{x_key!r}; save one label a row."
    )


def _pick_x_key(path: Path, keys: list[str]) -> str:
    for key in ("X", "x"):
        if key in keys:
            return key
    # Without an explicit X, a lone array (besides the labels) is unambiguous.
    others = [key for key in keys if key != "y"]
    if len(others) == 1:
        return others[0]
    if not others:  # an IndexError, as a traceback, named neither the file nor the fix
        held = "only labels, 'y'" if keys else "no arrays"
        raise ValueError(
            f"{path} holds {held}: no data to read. Save the data in it under 'X' "
            "(np.savez(path, X=X, y=y))."
        )
    example = next((key for key in others if not key.startswith("y")), others[0])
    raise ValueError(
        f"{path} holds {len(others)} arrays and none named 'X' or 'x', so which is the data "
        f"is unclear; its arrays are {keys}. Name the one to read: DATA {path}:NAME on the "
        f"command line (e.g. {path}:{example}), load_array(path, key={example!r}) in Python; "
        "or save the data under 'X' (and labels under 'y')."
    )


def _named_key(path: Path, keys: list[str], key: str) -> str:
    if key not in keys:
        raise ValueError(f"{path} has no array named {key!r}; its arrays are {keys}.")
    return key
