"""Figures shown in a Jupyter notebook, as pandas' and seaborn's are.

Outside pyplot a figure is shown by nothing in a notebook: a cell ending in
``latent_scatter(Z, y)`` showed ``<Axes: ...>`` alone, and even ``display(ax.figure)`` showed
``<Figure size ...>`` until pyplot had been imported. So where a notebook draws with its inline
backend, aekit's new figures are pyplot's: the backend shows each at the end of its cell and
closes it. A figure that is displayed in the cell already (the cell's value, ``display()``) is
let go of by pyplot first, so that it is not shown a second time at the end of the cell, as a
pyplot figure left as a cell's value otherwise is.

Everywhere else (scripts, servers, the command line, a ``!aekit`` of a notebook, whose process
inherits the kernel's MPLBACKEND but is no kernel) figures stay outside pyplot, and
:func:`drawn_for_files` keeps them so where they are drawn only to be written (the run's
figures).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

# matplotlib's names of the inline backend (ipykernel sets MPLBACKEND to the first; matplotlib
# 3.9+ may report it by the second)
INLINE_BACKENDS = ("module://matplotlib_inline.backend_inline", "inline")

_FOR_FILES: ContextVar[bool] = ContextVar("aekit_figures_for_files", default=False)


def in_inline_notebook() -> bool:
    """Whether new figures are drawn in a Jupyter kernel that shows them with the inline
    backend (and not for files alone, :func:`drawn_for_files`)."""
    return not _FOR_FILES.get() and _in_kernel() and _backend() in INLINE_BACKENDS


def _in_kernel() -> bool:
    """Whether this process is a running Jupyter kernel (ipykernel imported, its shell
    running), not a process it started."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    return get_ipython() is not None


def _backend() -> str | None:
    """The backend's name, without choosing one when none is chosen yet
    (``matplotlib.get_backend()`` would, importing pyplot)."""
    import os

    import matplotlib

    # private, in matplotlib 3.8+; elsewhere the backend ipykernel names in the environment
    chosen = getattr(matplotlib.rcParams, "_get_backend_or_none", None)
    return chosen() if chosen is not None else os.environ.get("MPLBACKEND")


@contextlib.contextmanager
def drawn_for_files() -> Iterator[None]:
    """Within it, new figures stay outside pyplot even in a notebook: they are drawn to be
    written to files, not shown in the cell."""
    token = _FOR_FILES.set(True)
    try:
        yield
    finally:
        _FOR_FILES.reset(token)


def pyplot_figure(figsize: tuple[float, float]) -> Any:
    """A new figure of pyplot's (see the module's docstring), let go of by pyplot when it is
    displayed."""
    import matplotlib.pyplot as plt

    from aekit.viz.shown_once import ShownOnceFigure

    return plt.figure(figsize=figsize, FigureClass=ShownOnceFigure)
