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
        return np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise _numpy_error(path, exc) from None
    except _DAMAGED as exc:
        raise ValueError(
            f"{path} is not a readable .npy file (truncated or damaged?): {exc}"
        ) from None


def load_npz(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
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
        x_key = _pick_x_key(path, keys)
        try:
            # Members are only decoded on access, so object arrays are refused here.
            X = archive[x_key]
            y = archive["y"] if "y" in keys else None
        except ValueError as exc:
            raise _numpy_error(path, exc) from None
        except (zipfile.BadZipFile, *_DAMAGED) as exc:
            raise ValueError(f"{path} is a damaged .npz (zip) archive: {exc}") from None
    return X, y


def _pick_x_key(path: Path, keys: list[str]) -> str:
    for key in ("X", "x"):
        if key in keys:
            return key
    # Without an explicit X, a lone array (besides the labels) is unambiguous.
    others = [key for key in keys if key != "y"]
    if len(others) == 1:
        return others[0]
    raise ValueError(
        f"{path} has no array named 'X' or 'x' and {len(others)} other candidates; "
        f"its arrays are {keys}. Save the data under 'X' (and labels under 'y')."
    )
