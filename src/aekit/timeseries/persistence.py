"""The fitted state of a :class:`SeriesAnomalyDetector` in its model file (the detector's
``_get_fitted_state`` / ``_set_fitted_state``): the window detector as its own document and
tensors, the standardization, threshold and likelihood prior as JSON."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.estimators.persistence import export_estimator, import_estimator
from aekit.timeseries.step_names import from_saved


def export_series_detector(detector) -> tuple[dict[str, Any], dict[str, Any]]:
    document, tree = export_estimator(detector.detector_)
    names = getattr(detector, "feature_names_in_", None)
    fitted = {
        "detector": document,
        "mean_": detector.mean_.tolist(),
        "scale_": detector.scale_.tolist(),
        "threshold_": detector.threshold_,
        "peak_error_gate_": detector.peak_error_gate_,
        "flatline_floor_": (
            None if detector.flatline_floor_ is None else detector.flatline_floor_.tolist()
        ),
        "flatline_unit_": detector.flatline_unit_,
        "likelihood_prior_": (
            detector.likelihood_prior_.tolist() if hasattr(detector, "likelihood_prior_") else None
        ),
        "n_features_in_": detector.n_features_in_,
        "time_step_": detector.time_step_,
        "feature_names_in_": None if names is None else list(names),
    }
    return fitted, {"detector": tree}


def import_series_detector(
    detector, fitted: dict[str, Any], tree: dict[str, Any], device: str
) -> None:
    detector.detector_ = import_estimator(fitted["detector"], tree["detector"], device)
    detector.mean_ = np.asarray(fitted["mean_"], dtype=np.float64)
    detector.scale_ = np.asarray(fitted["scale_"], dtype=np.float64)
    detector.n_features_in_ = int(fitted["n_features_in_"])
    # Absent from files written before it; in pandas codes ("h") in those written before the
    # steps were named in words ("1 hour"), which a series scored now is compared with.
    detector.time_step_ = from_saved(fitted.get("time_step_"))
    if fitted["feature_names_in_"] is not None:
        detector.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
    detector.threshold_ = float(fitted["threshold_"])
    # Absent from files written before the peaks (2026-12): they score without them, as then.
    gate = fitted.get("peak_error_gate_")
    detector.peak_error_gate_ = None if gate is None else float(gate)
    if "peak_error_gate_" not in fitted:
        detector.peak_errors = False
    # Absent from files written before the flatlines (2026-12): they score without them.
    floor, unit = fitted.get("flatline_floor_"), fitted.get("flatline_unit_")
    detector.flatline_floor_ = None if floor is None else np.asarray(floor, dtype=np.float64)
    detector.flatline_unit_ = None if unit is None else float(unit)
    if "flatline_floor_" not in fitted:
        detector.flatlines = False
    detector.offset_ = -detector.threshold_
    prior = fitted.get("likelihood_prior_")  # absent from files written before it
    if prior is not None:
        detector.likelihood_prior_ = np.asarray(prior, dtype=np.float64)
    if (
        detector.mean_.shape != (detector.n_features_in_,)
        or detector.scale_.shape != detector.mean_.shape
        or (floor is not None and detector.flatline_floor_.shape != detector.mean_.shape)
    ):
        raise ValueError("the series detector's standardization does not match its channels")
