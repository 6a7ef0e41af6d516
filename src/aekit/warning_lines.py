"""Which line a warning of aekit's names: the user's, not one inside aekit or a library that
wraps its calls (a Pipeline's steps, torch's decorators); and a noun with its article, as
messages name a kind of model or file. Below every part of aekit, so each of them can warn
with it."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

# Libraries whose frames lie between a user's call and aekit's: scikit-learn wraps
# ``transform`` and runs a Pipeline's steps, through joblib's Memory even without a cache, and
# torch's ``no_grad`` decorator wraps inference methods.
_WRAPPERS = ("sklearn", "joblib", "torch")
# Modules of the standard library whose frames lie between too, by their file alone
# (site-packages lies under the standard library's folder): a ``@contextmanager``'s
# ``__exit__``, and the pure-Python unpickler that joblib.load runs, which calls a loaded
# estimator's ``__setstate__`` (its version warning named pickle.py's line)
_STANDARD_WRAPPERS = ("contextlib", "pickle")


def caller_level() -> int:
    """The ``stacklevel`` of the first caller outside aekit, the libraries that wrap its calls
    (``_WRAPPERS``) and the standard library's modules that do (``_STANDARD_WRAPPERS``), for a
    warning raised by the function that calls this: it then names the user's line, whichever
    of aekit's methods (or a Pipeline's steps, or ``joblib.load``) led there."""
    loaded = [sys.modules.get(name) for name in _WRAPPERS]  # a library not imported has no frame
    folders = [Path(__file__).parent]
    folders += [Path(module.__file__).parent for module in loaded if module is not None]
    inside = tuple(f"{folder}{os.sep}" for folder in folders)  # torch's, not torchvision's
    files = {contextlib.__file__}
    files |= {getattr(sys.modules.get(name), "__file__", None) for name in _STANDARD_WRAPPERS}
    frame, level = sys._getframe(1), 1
    while frame is not None and _between(frame.f_code.co_filename, inside, files):
        frame, level = frame.f_back, level + 1
    return level


def _between(filename: str, inside: tuple[str, ...], files: set[str | None]) -> bool:
    """Whether a frame of ``filename`` lies between the user's call and the warning: aekit's or
    a wrapper's (a file under one of the folders ``inside``), or one of the standard library's
    ``files``."""
    return filename.startswith(inside) or filename in files


def with_article(noun: str) -> str:
    """``noun`` after "a" or "an": "an Autoencoder", "a VariationalAutoencoder", "an index"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
