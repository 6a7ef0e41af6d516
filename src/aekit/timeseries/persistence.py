"""The fitted state of a :class:`SeriesAnomalyDetector` in its model file (the detector's
``_get_fitted_state`` / ``_set_fitted_state``): the window detector as its own document and
tensors, the standardization, threshold and likelihood prior as JSON."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.estimators.persistence import export_estimator, import_estimator
from aekit.io.fitted_values import said
from aekit.timeseries import loaded_values as loaded
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
    # each value checked to be one a fit gives (loaded_values): checksums can be renewed
    detector.mean_, detector.scale_, detector.n_features_in_ = loaded.channel_scaling(fitted)
    # Absent from files written before it; in pandas codes ("h") in those written before the
    # steps were named in words ("1 hour"), which a series scored now is compared with.
    detector.time_step_ = from_saved(fitted.get("time_step_"))
    names = fitted["feature_names_in_"]
    if names is not None:
        if not isinstance(names, list) or len(names) != detector.n_features_in_:
            raise ValueError(f"feature_names_in_ is {said(names)}; it names each channel")
        detector.feature_names_in_ = np.asarray(names, dtype=object)
    detector.threshold_ = loaded.threshold(fitted)
    # Absent from files written before the peaks (2026-12): they score without them, as then.
    if "peak_error_gate_" not in fitted:
        detector.peak_errors = False
    detector.peak_error_gate_ = loaded.peak_gate(fitted, detector.peak_errors)
    # Absent from files written before the flatlines (2026-12): they score without them.
    if "flatline_floor_" not in fitted:
        detector.flatlines = False
    detector.flatline_floor_, detector.flatline_unit_ = loaded.flatline_state(
        fitted, detector.flatlines, detector.n_features_in_
    )
    detector.offset_ = -detector.threshold_
    prior = loaded.likelihood_prior(fitted)  # absent from files written before it
    if prior is not None:
        detector.likelihood_prior_ = prior
    loaded.check_windows(detector)
