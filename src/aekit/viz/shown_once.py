"""The figure class of :func:`aekit.viz.notebook_figures.pyplot_figure`, in a module of its own
because it imports matplotlib: imported only where a notebook draws."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


class ShownOnceFigure(Figure):
    """A figure of pyplot's that pyplot lets go of when IPython displays it: the inline
    backend shows the figures pyplot holds at the end of a cell, so one left as the cell's
    value (or given to ``display()``) was shown twice."""

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        plt.close(self)  # shown now; the figure itself stays whole (it can be drawn again)
        return {}  # nothing of its own: IPython's formatters draw it as any Figure

    def __repr__(self) -> str:
        # matplotlib's own text, which names the class: a user sees a Figure, as they made one
        # (it read <ShownOnceFigure size 640x480 with 1 Axes>)
        return super().__repr__().replace(type(self).__name__, Figure.__name__, 1)
