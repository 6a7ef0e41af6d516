"""Layer 7: fitted models as ONNX files that onnxruntime runs without aekit or torch.

:func:`export_onnx` writes a folder: for an autoencoder ``encoder.onnx``, ``decoder.onnx`` and
``score.onnx`` (each :meth:`aekit.estimators.BaseAutoencoder.to_onnx`'s graph); for an
:class:`aekit.AnomalyDetector` ``detector.onnx``, its whole score in one graph
(:mod:`aekit.export.detector`); and ``manifest.json``, which says what each file takes and
gives: input names and shapes, the labels of a ConditionalVAE (its ``label`` input is an index
into them), the feature names, the detector's threshold, and the table layout of ``x``
(``columns``, :mod:`aekit.export.table`) for a detector or an autoencoder exported with its
table encoder.
An autoencoder's graphs are written by :mod:`aekit.export.autoencoder`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from aekit._version import __version__
from aekit.io.atomic import staged_folder
from aekit.io.paths import is_run_folder, user_path
from aekit.io.text import write_utf8

MANIFEST = "manifest.json"


def export_onnx(model: Any, directory: str | os.PathLike, table_encoder: Any = None) -> Path:
    """Write a fitted autoencoder or anomaly detector as ONNX files and a manifest.

    Parameters
    ----------
    model : aekit autoencoder or AnomalyDetector
        Fitted. Composites that hold other networks (hasher, compressor, imputer) are not
        exported: export their inner autoencoder.
    directory : str or path
        Created if needed. An earlier export there is replaced: its graphs that this one does
        not write (those its manifest lists) are removed, so the folder never holds a graph of
        another model; other files are left alone. The files are written in a hidden folder
        beside it and moved in at the end, so a failed export changes nothing.
    table_encoder : TabularEncoder, default=None
        For an autoencoder fitted through one (``aekit train`` on a table with text columns
        keeps it as ``RUN/encoder.json``): its graphs then take and give the table's rows as
        a detector's graph takes them, numeric columns raw and categorical ones one-hot, and
        the manifest's ``columns`` say where each column goes
        (:func:`aekit.export.table.encode_rows`). A detector holds its own.

    Returns
    -------
    manifest : Path
        ``directory / "manifest.json"``.

    Raises
    ------
    TypeError
        For a model that is neither, or a ``table_encoder`` that is not a TabularEncoder.
    sklearn.exceptions.NotFittedError
        For a ``table_encoder`` that is a TabularEncoder not fitted yet.
    ValueError
        For a ``table_encoder`` whose width is not the autoencoder's, or one given with a
        detector; for a ``directory`` that is a file, or a RUN folder of the command line.
    ImportError
        Without the optional dependencies (``pip install 'aekit[export]'``).
    """
    from aekit.anomaly import AnomalyDetector

    check_exportable(model)
    _check_table_encoder(model, table_encoder)
    directory = user_path(directory)
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{directory} is a file; give a folder for the ONNX files.")
    if is_run_folder(directory):  # its graphs would lie among the run's record, as with --out
        raise ValueError(
            f"{directory} is a RUN folder of the command line; give the export a folder of "
            f"its own, e.g. {directory.resolve().name}-onnx."
        )
    earlier = exported_files(directory)
    # Written beside the folder and moved in at the end: a failed export leaves no graph
    # without its manifest, and no folder it created.
    with staged_folder(directory, last=MANIFEST) as staging:
        if isinstance(model, AnomalyDetector):
            from aekit.export.detector import export_detector

            entries = export_detector(model, staging)
        else:
            from aekit.export.autoencoder import export_autoencoder

            entries = export_autoencoder(model, staging, table_encoder)
        manifest = {"aekit_version": __version__, "class": type(model).__name__, **entries}
        write_utf8(staging / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    for name in set(earlier) - set(entries["files"].values()):
        (directory / name).unlink(missing_ok=True)  # another model's graph
    return directory / MANIFEST


def check_exportable(model: Any) -> None:
    """``TypeError`` for a model that is neither an autoencoder nor an AnomalyDetector, naming
    what to export instead."""
    from aekit.anomaly import AnomalyDetector
    from aekit.estimators import BaseAutoencoder

    if not isinstance(model, AnomalyDetector | BaseAutoencoder):
        inner = getattr(model, "autoencoder_", None)
        how = (  # a fine-tuned model: its autoencoder_ is the one before fine-tuning
            " Predict with 'aekit predict RUN DATA' or its predict in Python; its network_ is "
            "a torch module (network_.outputs(x): the logits, or the standardized predictions, "
            "of raw float32 rows). Its autoencoder_ is the one before fine-tuning."
            if hasattr(model, "network_")
            else " Its network can, from Python: aekit.export_onnx(model.autoencoder_, "
            "directory) (or aekit.load(FILE).autoencoder_), whose encoder gives the codes before "
            "they are binarized or quantized."
            if isinstance(inner, BaseAutoencoder)
            else " Its gaps are filled by averaging the reconstructions of its denoising "
            "autoencoders (model.autoencoders_) over the rows as its encoder_ encodes them, "
            "refined n_refinements times, which no graph does: fill them with 'aekit impute' or "
            "model.transform. Each network exports alone, from Python: "
            "aekit.export_onnx(model.autoencoders_[0], directory)."
            if hasattr(model, "autoencoders_")
            else " A series detector's points are scored by windows around them, a series at a "
            "time: score new points with 'aekit score RUN DATA' or its score_samples in Python."
            if hasattr(model, "window")
            else ""
        )
        raise TypeError(
            f"{type(model).__name__} cannot be exported to ONNX; export an autoencoder or an "
            f"AnomalyDetector.{how}"
        )


def export_file_names(model: Any) -> list[str]:
    """The files an export of ``model`` writes into its folder: its graphs, then the manifest
    (``TypeError`` for a model that does not export, as :func:`export_onnx`)."""
    from aekit.anomaly import AnomalyDetector

    check_exportable(model)
    if isinstance(model, AnomalyDetector):
        from aekit.export.detector import DETECTOR_GRAPH

        return [DETECTOR_GRAPH, MANIFEST]
    from aekit.estimators.modules import ONNX_PARTS
    from aekit.export.autoencoder import graph_name

    return [*map(graph_name, ONNX_PARTS), MANIFEST]


def exported_files(directory: str | os.PathLike) -> list[str]:
    """The graphs the manifest in ``directory`` lists (file names), or [] where there is no
    readable manifest."""
    try:
        files = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8")).get(
            "files", {}
        )
    except (OSError, ValueError, AttributeError):
        return []
    names = files.values() if isinstance(files, dict) else ()
    # a manifest is data: only plain file names inside the folder are taken from it
    return [n for n in names if isinstance(n, str) and n == Path(n).name and n.endswith(".onnx")]


def _check_table_encoder(model: Any, table_encoder: Any) -> None:
    from sklearn.utils.validation import check_is_fitted

    from aekit.anomaly import AnomalyDetector
    from aekit.data.tabular import TabularEncoder

    if table_encoder is None:
        return
    if not isinstance(table_encoder, TabularEncoder):
        raise TypeError(
            f"table_encoder is a {type(table_encoder).__name__}; give the fitted "
            "aekit.TabularEncoder the autoencoder was fitted through, or None."
        )
    check_is_fitted(table_encoder)
    if isinstance(model, AnomalyDetector):
        raise ValueError(
            "an AnomalyDetector exports with its own table encoding; leave table_encoder None."
        )


__all__ = ["MANIFEST", "export_onnx", "exported_files"]
