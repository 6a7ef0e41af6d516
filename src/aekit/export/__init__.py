"""Layer 7: fitted models as ONNX files that onnxruntime runs without aekit or torch.

:func:`export_onnx` writes a folder: for an autoencoder ``encoder.onnx``, ``decoder.onnx`` and
``score.onnx`` (each :meth:`aekit.estimators.BaseAutoencoder.to_onnx`'s graph); for an
:class:`aekit.AnomalyDetector` ``detector.onnx``, its whole score in one graph
(:mod:`aekit.export.detector`); and ``manifest.json``, which says what each file takes and
gives: input names and shapes, the labels of a ConditionalVAE (its ``label`` input is an index
into them), the feature names, the detector's input layout and threshold.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from aekit._version import __version__
from aekit.io.atomic import staged_folder

MANIFEST = "manifest.json"


def _autoencoder_manifest(estimator: Any, directory: Path) -> dict[str, Any]:
    from aekit.estimators.modules import ONNX_PARTS
    from aekit.estimators.persistence import to_json

    files = {}
    for part in ONNX_PARTS:
        files[part] = estimator.to_onnx(directory / f"{part}.onnx", part=part).name
    classes = getattr(estimator, "classes_", None)
    names = getattr(estimator, "feature_names_in_", None)
    row, code = ["batch", *estimator.input_shape()], ["batch", int(estimator.latent_dim)]
    label = {"label": ["batch"]} if classes is not None else {}
    return {
        "files": files,
        "inputs": {
            "encoder": {"x": row, **label},
            "decoder": {"z": code, **label},
            "score": {"x": row, **label},
        },
        "outputs": {part: output for part, (_, _, output) in ONNX_PARTS.items()},
        "classes": None if classes is None else to_json(classes),
        "feature_names": None if names is None else [str(n) for n in names],
        "latent_dim": int(estimator.latent_dim),
    }


def export_onnx(model: Any, directory: str | os.PathLike) -> Path:
    """Write a fitted autoencoder or anomaly detector as ONNX files and a manifest.

    Parameters
    ----------
    model : aekit autoencoder or AnomalyDetector
        Fitted. Composites that hold other networks (hasher, compressor, imputer) are not
        exported: export their inner autoencoder.
    directory : str or path
        Created if needed; files of the same names are replaced. The files are written in a
        hidden folder beside it and moved in at the end, so a failed export changes nothing.

    Returns
    -------
    manifest : Path
        ``directory / "manifest.json"``.

    Raises
    ------
    TypeError
        For a model that is neither.
    ImportError
        Without the optional dependencies (``pip install 'aekit[export]'``).
    """
    from aekit.anomaly import AnomalyDetector
    from aekit.estimators import BaseAutoencoder

    if not isinstance(model, AnomalyDetector | BaseAutoencoder):
        raise TypeError(
            f"{type(model).__name__} cannot be exported to ONNX; export an autoencoder or an "
            "AnomalyDetector (a composite's inner autoencoder for the others)."
        )
    directory = Path(directory)
    # Written beside the folder and moved in at the end: a failed export leaves no graph
    # without its manifest, and no folder it created.
    with staged_folder(directory, last=MANIFEST) as staging:
        if isinstance(model, AnomalyDetector):
            from aekit.export.detector import export_detector

            entries = export_detector(model, staging)
        else:
            entries = _autoencoder_manifest(model, staging)
        manifest = {"aekit_version": __version__, "class": type(model).__name__, **entries}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return directory / MANIFEST


__all__ = ["MANIFEST", "export_onnx"]
