"""Layer 8: the ``aekit`` command line, a thin typer layer over the Python API.

Heavy imports (torch, the estimators) happen inside commands so ``aekit --help`` answers at once.
"""

from aekit.cli.app import app, main

__all__ = ["app", "main"]
