"""An autoencoder's three graphs (``encoder.onnx``, ``decoder.onnx``, ``score.onnx``) and their
manifest entries.

An autoencoder fitted on a matrix of numbers exports its modules as they are
(:meth:`aekit.estimators.BaseAutoencoder.to_onnx`). One fitted through a
:class:`aekit.data.tabular.TabularEncoder` (``aekit train`` on a table with text columns keeps it
as ``RUN/encoder.json``) is exported with it: its graphs take and give rows in the table layout
of :mod:`aekit.export.table`, the same ``x`` a detector's graph takes, described by the
manifest's ``columns``. ``encoder`` and ``score`` standardize the numeric columns on the way in
(so ``score`` is what ``aekit score RUN table.csv`` writes), and ``decoder`` undoes it on the way
out: ``x_hat`` holds each numeric column's value and each categorical column's category
probabilities, in the columns of ``x``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from aekit.data.encoder_file import check_encoder_width
from aekit.data.float32 import warn_float32_statistics
from aekit.estimators.modules import Scaling


class TableRows(nn.Module):
    """One of an autoencoder's modules with its rows in the table layout: ``x`` standardized
    before ``part`` reads it (``standardize``), its ``x_hat`` un-standardized after
    (``unstandardize``); the label, if any, passes through."""

    def __init__(
        self, part: nn.Module, standardize: Scaling | None, unstandardize: Scaling | None
    ) -> None:
        super().__init__()
        self.part, self.standardize, self.unstandardize = part, standardize, unstandardize
        self.n_classes = int(part.n_classes)

    def forward(self, data: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.standardize is not None:
            data = self.standardize(data)
        out = self.part(data, y)
        return out if self.unstandardize is None else self.unstandardize(out)


def _table_module(estimator: Any, part: str, table_encoder: Any) -> TableRows:
    from aekit.estimators.modules import ONNX_PARTS
    from aekit.export.table import standardization

    fix = "give the encoder it was fitted through"
    check_encoder_width(table_encoder, estimator, "the table encoder", fix)
    width = int(table_encoder.n_features_out_)
    shift, scale = standardization(table_encoder)
    warn_float32_statistics(shift, scale, "The ONNX graph of a table")
    offset, factor = torch.as_tensor(shift), torch.as_tensor(scale)
    module = getattr(estimator, ONNX_PARTS[part][0])()
    if part == "decoder":
        return TableRows(module, None, Scaling(offset, factor, (width,), inverse=True))
    return TableRows(module, Scaling(offset, factor, (width,)), None)


def graph_name(part: str) -> str:
    """The file of an autoencoder's graph ``part`` (encoder, decoder, score) in an export."""
    return f"{part}.onnx"


def export_autoencoder(
    estimator: Any, directory: Path, table_encoder: Any = None
) -> dict[str, Any]:
    """Write the three graphs into ``directory``; return the manifest's entries for them.

    Parameters
    ----------
    estimator : fitted aekit autoencoder
    directory : Path
        An existing folder.
    table_encoder : TabularEncoder, default=None
        The encoding ``estimator`` was fitted through: the graphs then take and give the table
        layout, and the manifest has its ``columns``.

    Returns
    -------
    manifest : dict
        JSON: the files, their inputs and outputs, labels, feature names, latent size and,
        with ``table_encoder``, the ``columns``.
    """
    from aekit.estimators.modules import ONNX_PARTS, write_part
    from aekit.estimators.persistence import to_json
    from aekit.export.table import input_layout

    files = {}
    for part in ONNX_PARTS:
        path = directory / graph_name(part)
        if table_encoder is None:
            files[part] = estimator.to_onnx(path, part=part).name
        else:
            module = _table_module(estimator, part, table_encoder).eval()
            files[part] = write_part(estimator, module, path, part).name
    classes = getattr(estimator, "classes_", None)
    names = getattr(estimator, "feature_names_in_", None)
    row, code = ["batch", *estimator.input_shape()], ["batch", estimator.latent_dim_]
    label = {"label": ["batch"]} if classes is not None else {}
    entries = {
        "files": files,
        "inputs": {
            "encoder": {"x": row, **label},
            "decoder": {"z": code, **label},
            "score": {"x": row, **label},
        },
        "outputs": {part: output for part, (_, _, output) in ONNX_PARTS.items()},
        "classes": None if classes is None else to_json(classes),
        "feature_names": None if names is None else [str(n) for n in names],
        "latent_dim": estimator.latent_dim_,
    }
    if table_encoder is not None:
        entries["columns"] = input_layout(table_encoder)
    return entries
