"""Where aekit's figures come from and how they reach a file.

Every figure aekit draws is a ``matplotlib.figure.Figure`` of its own, not one of pyplot's:
pyplot needs a backend (choosing one switches a notebook user's) and keeps each figure alive in
its global list until closed, while a bare Figure needs neither and is freed with its last
reference. The exception is a Jupyter notebook drawing with its inline backend, where a bare
Figure is shown by nothing: there the new figures are pyplot's, which the backend shows at the
end of the cell and closes (:mod:`aekit.viz.notebook_figures`). Every function takes ``ax=``
(or ``axes=`` when it draws several) to draw on the caller's own Axes instead.
:func:`save_figure` is the one way a figure becomes a file.

matplotlib loads on the first call, not on import, so importing the drawing modules stays cheap.
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from aekit.io.atomic import atomic_write
from aekit.io.paths import user_path
from aekit.viz.notebook_figures import in_inline_notebook, pyplot_figure
from aekit.warning_lines import caller_level

__all__ = ["new_axes", "new_figure", "save_figure"]


def new_figure(figsize: tuple[float, float]) -> Any:
    """A new ``matplotlib.figure.Figure`` of ``figsize`` inches, outside pyplot but in a
    notebook's inline backend (:func:`aekit.viz.notebook_figures.in_inline_notebook`).

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    if in_inline_notebook():
        return pyplot_figure(figsize)
    return Figure(figsize=figsize)


def new_axes(ax: Any = None, figsize: tuple[float, float] = (6.4, 4.8)) -> Any:
    """``ax`` itself, or when None the one Axes of a new Figure (:func:`new_figure`).

    Parameters
    ----------
    ax : matplotlib Axes or None, default=None
        Where the caller asked to draw.
    figsize : (float, float), default=(6.4, 4.8)
        Size in inches of the new Figure.

    Returns
    -------
    ax : matplotlib Axes
    """
    return new_figure(figsize).subplots() if ax is None else ax


def save_figure(figure: Any, path: str | os.PathLike, dpi: int = 120) -> Path:
    """Write a figure to ``path`` atomically (no half-written file), cropped to what it shows.

    Parameters
    ----------
    figure : matplotlib Figure, Axes or array of Axes
        The figure, or what was drawn on it.
    path : path
        The file; its suffix names the format (``.png``, ``.svg``, ``.pdf``, ...; PNG when it
        has none). Missing folders are created.
    dpi : int, default=120
        Resolution of raster formats.

    Returns
    -------
    path : Path
    """
    given = type(figure).__name__
    if isinstance(figure, np.ndarray) and figure.size:  # the axes of a multi-panel figure
        figure = figure.flat[0]
        given += f" of {type(figure).__name__}"
    figure = getattr(figure, "figure", figure)  # an Axes' figure; a Figure's own is itself
    if not hasattr(figure, "savefig"):
        raise TypeError(
            "figure must be a matplotlib Figure, Axes or array of Axes (what aekit.viz's "
            f"functions return), not {given}."
        )
    path = user_path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    # The format is named because the temporary file's suffix (.tmp) does not name one.
    with glyphs_said_once(path.name):
        atomic_write(
            path, lambda tmp: figure.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight")
        )
    return path


@contextlib.contextmanager
def glyphs_said_once(name: str) -> Iterator[None]:
    """Within it, the warnings of drawing the figure ``name`` are warned again on leaving it,
    matplotlib's missing glyphs as one warning with the fix (it warned once a character: a CJK
    column name drew a line per glyph, and no fix)."""
    said: list = []
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            yield
    finally:  # outside the recording, which would swallow them again
        _say_again(said, name)


_GLYPH = re.compile(r"Glyph \d+ \((.*)\) missing from font\(s\) (.*)\.")


def _say_again(said: list, name: str) -> None:
    """``said``, the warnings of drawing the figure ``name``, warned again (outside the
    recording), matplotlib's missing glyphs as one."""
    missing, fonts = [], set()
    for warning in said:
        match = _GLYPH.match(str(warning.message))
        if match is None:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
            continue
        char = match[1]  # '\N{CJK UNIFIED IDEOGRAPH-6E29}' or '\ue000', as matplotlib writes it
        if char.startswith("\\"):
            char = char.encode("ascii", "backslashreplace").decode("unicode_escape")
        missing.append(char)
        fonts.add(match[2])
    if missing:
        shown = "".join(dict.fromkeys(missing))
        warnings.warn(
            f"{name}: its font ({', '.join(sorted(fonts))}) has no glyph for {shown!r}, "
            "drawn as boxes; give matplotlib a font that has them "
            "(matplotlib.rcParams['font.family'] = [...]).",
            UserWarning,
            stacklevel=caller_level(),
        )
