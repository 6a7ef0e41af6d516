"""The fitted state of an :class:`AnomalyDetector` in its model file (the detector's
``_get_fitted_state`` / ``_set_fitted_state``): the members as their own documents and tensors,
everything else as JSON or numeric arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.estimators.persistence import export_estimator, import_estimator


def export_detector(detector) -> tuple[dict[str, Any], dict[str, Any]]:
    members = [export_estimator(member) for member in detector.estimators_]
    names = getattr(detector, "feature_names_in_", None)
    fitted = {
        "members": [document for document, _ in members],
        "encoder": detector.encoder_.get_state(),
        "categorical_groups_": [list(g) for g in detector.categorical_groups_],
        "feature_names_in_": None if names is None else list(names),
        "threshold_": detector.threshold_,
        "n_neighbors_": detector.n_neighbors_,
        "input_neighbors_": detector.input_neighbors_,
        "input_distance_": detector.input_distance_,
        "contamination_": detector.contamination_,
        "score_spread_": detector.score_spread_,
        "error_scales_": list(detector.error_scales_),
        "distance_scales_": list(detector.distance_scales_),
        "input_distance_scale_": detector.input_distance_scale_,
    }
    tree = {
        "members": [member_tree for _, member_tree in members],
        "codes": [np.asarray(c, dtype=np.float32) for c in detector.codes_],
    }
    if detector.inputs_ is not None:  # the training rows of the input-space distance
        tree["inputs"] = np.asarray(detector.inputs_, dtype=np.float32)
    return fitted, tree


def import_detector(detector, fitted: dict[str, Any], tree: dict[str, Any], device: str) -> None:
    documents, trees = fitted["members"], tree["members"]
    if len(documents) != len(trees) or not documents:
        raise ValueError("the detector's members do not match their weights")
    detector.estimators_ = [import_estimator(d, t, device) for d, t in zip(documents, trees)]
    detector.encoder_ = detector._encoder().set_state(fitted["encoder"])
    detector.n_features_in_ = detector.encoder_.n_features_in_
    detector.categorical_groups_ = tuple((int(a), int(b)) for a, b in fitted["categorical_groups_"])
    if fitted["feature_names_in_"] is not None:
        detector.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
    detector.threshold_ = float(fitted["threshold_"])
    detector.n_neighbors_ = int(fitted["n_neighbors_"])
    if "input_neighbors_" in fitted:
        detector.input_neighbors_ = int(fitted["input_neighbors_"])
        detector.input_distance_ = str(fitted["input_distance_"])
    else:  # a file from before these options: one k-th distance, as the model was fitted with
        detector.input_neighbors_, detector.input_distance_ = detector.n_neighbors_, "kth"
        detector.input_neighbors, detector.input_distance = None, "kth"
    detector.offset_ = -detector.threshold_
    detector.contamination_ = float(fitted["contamination_"])
    detector.score_spread_ = float(fitted["score_spread_"])
    detector.error_scales_ = [float(v) for v in fitted["error_scales_"]]
    detector.distance_scales_ = [float(v) for v in fitted["distance_scales_"]]
    detector.codes_ = [np.asarray(c, dtype=np.float32) for c in tree["codes"]]
    inputs = tree.get("inputs")
    detector.inputs_ = None if inputs is None else np.asarray(inputs, dtype=np.float32)
    detector.input_distance_scale_ = float(fitted["input_distance_scale_"])
    if len(detector.error_scales_) != len(detector.estimators_):
        raise ValueError("the detector's scales do not match its members")
