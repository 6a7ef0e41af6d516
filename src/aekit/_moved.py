"""Module paths from before the layered layout, kept importable.

aekit's modules once sat side by side in ``aekit/``; they now live in sub-packages that show the
layers (``core``, ``data``, ``viz``, ...). ``import aekit.datasets`` and the like keep working:
this finder answers an old name with the module that now holds it, the same module object, so
nothing is loaded twice.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

MOVED = {
    "aekit.datasets": "aekit.data.datasets",
    "aekit.tabular": "aekit.data.tabular",
    "aekit.metrics": "aekit.generation.metrics",
    "aekit.plotting": "aekit.viz.plots",
    "aekit.plotting_generative": "aekit.viz.generative",
    "aekit.report": "aekit.viz.report",
    "aekit.nets": "aekit.core.nets",
    "aekit.latent": "aekit.core.latent",
    "aekit.model": "aekit.core.model",
    "aekit.train": "aekit.core.train",
    "aekit.objectives": "aekit.core.objectives",
}


class MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import an old module name as the module that now holds it."""

    def find_spec(self, name: str, path=None, target=None) -> importlib.machinery.ModuleSpec | None:
        if name not in MOVED:
            return None
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module: ModuleType) -> None:
        """The module ran when it was imported under its own name."""


def install() -> None:
    if not any(isinstance(finder, MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(MovedModules())
