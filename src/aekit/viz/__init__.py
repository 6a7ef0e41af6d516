"""Figures (drawn on matplotlib ``Figure`` objects, never switching the user's backend) and the
HTML run report.

Every figure function is reachable from here, e.g. ``aekit.viz.latent_scatter(Z, y)``; each
takes ``ax=None`` and returns the Axes it drew on, except the multi-panel ``roc_pr_curves``,
``feature_reconstructions``, ``sequence_reconstructions``, ``denoising_lines`` (rows or
sequences: noisy, denoised and clean as lines, the counterpart of ``denoising_grid``'s images),
``series_figure`` and ``top_anomalies`` (a detector's highest-scored images, each under its
score), which take ``axes=None`` (``series_figure`` returns its Figure), and
:func:`save_figure` writes any of them to a file. The names load their module on first use,
so ``import aekit.viz`` imports
neither matplotlib nor the report's jinja2.
"""

from importlib import import_module
from typing import Any

# Public name -> the module of aekit.viz that defines it.
_HOMES = {
    "as_images": "inputs",
    "denoising_grid": "denoising",
    "denoising_lines": "denoising_panels",
    "feature_reconstructions": "plots",
    "image_grid": "plots",
    "interpolation_strip": "plots",
    "latent_manifold": "generative",
    "latent_scatter": "latent",
    "latent_traversal": "generative",
    "loss_curves": "plots",
    "real_vs_generated": "plots",
    "reconstruction_grid": "plots",
    "roc_pr_curves": "anomaly",
    "save_figure": "figures",
    "score_histogram": "anomaly",
    "sequence_reconstructions": "sequences",
    "series_figure": "series",
    "top_anomalies": "anomaly_images",
    "write_figures": "report",
    "write_report": "report",
}

_MODULES = {
    *_HOMES.values(),
    *("report_figures", "report_generative", "report_style", "score_inputs"),
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"aekit.viz.{_HOMES[name]}"), name)
    if name in _MODULES:  # e.g. aekit.viz.plots without importing it first
        return import_module(f"aekit.viz.{name}")
    raise AttributeError(f"module 'aekit.viz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*__all__, *_MODULES})
