"""Layer 8: the ``aekit`` command line, a thin typer layer over the Python API.

Heavy imports (torch, the estimators) happen inside commands so ``aekit --help`` answers at once.
:func:`run` runs a command line from Python (a notebook, a script) and returns its exit status;
:func:`main` is the ``aekit`` process's entry point, which ends the process.
"""

from aekit.cli.app import app, main
from aekit.cli.in_process import run

__all__ = ["app", "main", "run"]
