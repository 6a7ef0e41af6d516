"""An :class:`aekit.AnomalyDetector`'s whole score as one ONNX graph.

The graph computes what ``detector.anomaly_score`` computes, from the members' networks to the
threshold: the standardization of the numeric columns, each member's per-feature errors
(:meth:`aekit.core.model.AutoencoderModel.entry_errors`, VAEs with the same fixed draws, plus the
KL for ``score_type="elbo"``) divided by its training spread, the distance of each member's
code to its k-th nearest training code and of the row to its ``input_neighbors_``-th nearest
training row (or its mean distance to that many, ``input_distance="mean"``; the neighbour tables
are constants of the graph, the distances computed in float64), then the flag and the
probability of ``predict_proba``.

Its input ``x`` is the row in the table layout of :mod:`aekit.export.table` (the detector's
:class:`aekit.data.tabular.TabularEncoder`'s, before standardization: each numeric column's raw
value, each categorical column as the one-hot of its category). A table of numbers only goes in
as it is. Outputs: ``anomaly_score`` (higher = more anomalous, ``-score_samples``),
``is_anomaly`` (``anomaly_score > threshold``, ``predict == -1``) and ``probability`` (of being
an anomaly, ``predict_proba[:, 1]``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from aekit._version import __version__
from aekit.anomaly.scoring import METRICS
from aekit.core.model import fixed_draws
from aekit.core.onnx import export_onnx
from aekit.data.float32 import warn_float32_statistics
from aekit.estimators.modules import Scaling
from aekit.export.table import encode_rows, input_layout, standardization

OUTPUTS = ("anomaly_score", "is_anomaly", "probability")
# encode_rows (aekit.export.table) is named here too: where the README first pointed
__all__ = ["OUTPUTS", "DetectorScore", "encode_rows", "export_detector"]


def _kth_distance(
    rows: torch.Tensor, table: torch.Tensor, k: int, mean: bool = False
) -> torch.Tensor:
    """Euclidean distance of each row to its k-th nearest row of ``table`` (float64), or with
    ``mean`` the mean distance to its k nearest, as scikit-learn's
    ``NearestNeighbors(k).kneighbors`` gives them: ``|a|^2 + |b|^2 - 2 a.b``, which needs no
    (n, N, d) tensor."""
    rows = rows.to(torch.float64)
    squared = (rows * rows).sum(1, keepdim=True) + (table * table).sum(1) - 2 * rows @ table.T
    nearest = torch.topk(squared.clamp(min=0), k, dim=1, largest=False, sorted=True).values
    return nearest.sqrt().mean(1) if mean else nearest[:, -1].sqrt()


class _Member(nn.Module):
    """One ensemble member: its score (divided by its spread) plus its latent distance term."""

    eps: torch.Tensor | None  # buffers, registered in __init__ (codes only with has_codes)
    codes: torch.Tensor

    def __init__(self, detector: Any, index: int) -> None:
        super().__init__()
        member = detector.estimators_[index]
        score = member.score_module()  # a float32 copy of the network and its input scaling
        self.scaling, self.model = score.scaling, score.model
        self.kind = "reconstruction" if detector.score_type == "auto" else detector.score_type
        draws = fixed_draws(int(detector.n_draws), member.latent_dim_)  # those of its scores
        self.register_buffer("eps", draws if self.model.latent.stochastic else None)
        self.error_scale = float(detector.error_scales_[index])
        self.has_codes = bool(detector.codes_)
        if self.has_codes:
            codes = torch.as_tensor(np.asarray(detector.codes_[index], dtype=np.float64))
            self.register_buffer("codes", codes)
            self.distance_scale = float(detector.distance_scales_[index])
            self.k = min(int(detector.n_neighbors_), len(codes))

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        x = self.scaling(rows)
        total = self.model.entry_errors(x, None, METRICS[self.kind], self.eps).sum(1)
        if self.kind == "elbo":  # the part of the negative ELBO that belongs to no feature
            total = total + self.model.latent.kl(self.model.encode(x))
        total = total.to(torch.float64)
        total = total / self.error_scale
        if self.has_codes:
            code = self.model.encode_code(x)  # the member's transform
            total = total + _kth_distance(code, self.codes, self.k) / self.distance_scale
        return total


class DetectorScore(nn.Module):
    """``x -> (anomaly_score, is_anomaly, probability)`` for a fitted AnomalyDetector (see the
    module's docstring for the layout of ``x``)."""

    inputs: torch.Tensor  # a buffer, registered in __init__ with has_inputs

    def __init__(self, detector: Any) -> None:
        super().__init__()
        shift, scale = standardization(detector.encoder_)
        warn_float32_statistics(shift, scale, "The detector's ONNX graph")
        self.standardize = Scaling(torch.as_tensor(shift), torch.as_tensor(scale), (len(shift),))
        self.fill_missing = bool(detector.handle_missing)  # the "mask" policy: NaN encodes as 0
        self.members = nn.ModuleList(_Member(detector, i) for i in range(len(detector.estimators_)))
        self.has_inputs = detector.inputs_ is not None
        if self.has_inputs:
            inputs = np.asarray(detector.inputs_, dtype=np.float64)
            self.register_buffer("inputs", torch.as_tensor(inputs))
            self.input_scale = float(detector.input_distance_scale_)
            self.k = min(int(detector.input_neighbors_), len(inputs))
            self.mean = detector.input_distance_ == "mean"
        self.threshold = float(detector.threshold_)
        self.spread = float(detector.score_spread_)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rows = self.standardize(x)
        if self.fill_missing:
            rows = torch.where(torch.isnan(rows), torch.zeros_like(rows), rows)
        score = torch.stack([member(rows) for member in self.members]).mean(0)
        if self.has_inputs:
            distance = _kth_distance(rows, self.inputs, self.k, self.mean)
            score = score + distance / self.input_scale
        z = ((score - self.threshold) / self.spread).clamp(-500, 500)
        return score, score > self.threshold, torch.sigmoid(z)


DETECTOR_GRAPH = "detector.onnx"  # a detector's one graph: its whole score


def export_detector(detector: Any, directory: str | os.PathLike) -> dict[str, Any]:
    """Write ``detector.onnx`` into ``directory``; return the manifest's entries for it.

    Parameters
    ----------
    detector : AnomalyDetector
        Fitted.
    directory : str or path
        Created if needed.

    Returns
    -------
    manifest : dict
        JSON: the file, its input layout and outputs, the threshold.
    """
    encoder = detector.encoder_
    module = DetectorScore(detector).eval()
    example = torch.zeros(2, encoder.n_features_out_)
    path = Path(directory) / DETECTOR_GRAPH
    metadata = {"aekit_version": __version__, "class": "AnomalyDetector", "part": "detector"}
    export_onnx(module, [example], path, ["x"], list(OUTPUTS), metadata)
    return {
        "files": {"detector": path.name},
        "inputs": {"x": ["batch", int(encoder.n_features_out_)]},
        "outputs": list(OUTPUTS),
        "columns": input_layout(encoder),
        "handle_missing": bool(detector.handle_missing),
        "threshold": float(detector.threshold_),
        "score_spread": float(detector.score_spread_),
    }
