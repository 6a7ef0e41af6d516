"""The fitted state of an :class:`AnomalyDetector` in its model file (the detector's
``_get_fitted_state`` / ``_set_fitted_state``): the members as their own documents and tensors,
everything else as JSON or numeric arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.anomaly.ensemble import neighbor_count
from aekit.estimators.persistence import export_estimator, import_estimator
from aekit.io.fitted_values import finite_number, positive_scale, positive_scales

THRESHOLD = "a threshold is a finite score"
RATE = "it is the fraction of training rows flagged, in [0, 1]"


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
    detector.threshold_ = finite_number("threshold_", fitted["threshold_"], THRESHOLD)
    detector.n_neighbors_ = int(fitted["n_neighbors_"])
    if "input_neighbors_" in fitted:
        detector.input_neighbors_ = int(fitted["input_neighbors_"])
        detector.input_distance_ = str(fitted["input_distance_"])
    else:  # a file from before these options: one k-th distance, as the model was fitted with
        detector.input_neighbors_, detector.input_distance_ = detector.n_neighbors_, "kth"
        detector.input_neighbors, detector.input_distance = None, "kth"
    detector.offset_ = -detector.threshold_
    detector.contamination_ = finite_number("contamination_", fitted["contamination_"], RATE)
    # each part of a score is divided by its scale: 0 scored NaN
    detector.score_spread_ = positive_scale("score_spread_", fitted["score_spread_"])
    detector.error_scales_ = positive_scales("error_scales_", fitted["error_scales_"])
    detector.distance_scales_ = positive_scales("distance_scales_", fitted["distance_scales_"])
    detector.codes_ = [np.asarray(c, dtype=np.float32) for c in tree["codes"]]
    inputs = tree.get("inputs")
    detector.inputs_ = None if inputs is None else np.asarray(inputs, dtype=np.float32)
    detector.input_distance_scale_ = positive_scale(
        "input_distance_scale_", fitted["input_distance_scale_"]
    )
    if len(detector.error_scales_) != len(detector.estimators_):
        raise ValueError("the detector's scales do not match its members")
    check_consistent(detector)


def check_consistent(detector) -> None:
    """``ValueError`` saying what is wrong when a loaded detector's values cannot be those of a
    fit. Checksums can be renewed after an edit, so the values are checked: an edited file
    loaded, then predicted nothing (a NaN threshold, refused as it is read, as the scales are:
    :mod:`aekit.io.fitted_values`), scored NaN (a scale of 0) or blamed the user's rows for its
    own ("X has 64 features, but NearestNeighbors is expecting 10")."""
    if not 0 <= detector.contamination_ <= 1:
        raise ValueError(f"contamination_ is {detector.contamination_}; {RATE}")
    if detector.input_distance_ not in ("kth", "mean"):
        raise ValueError(f"input_distance_ is {detector.input_distance_!r}; 'kth' or 'mean'")
    _check_stored_rows(detector)


def _check_stored_rows(detector) -> None:
    """The training rows kept for the neighbour terms (each member's codes, the encoded input
    rows): one set per member, all of the same rows, as wide as what they are compared with,
    and each term's k between 1 and what the detector's parameters give for that many rows."""
    width = detector.encoder_.n_features_out_
    members = detector.estimators_
    for i, member in enumerate(members):
        if member.n_features_in_ != width:
            raise ValueError(
                f"member {i} reads {member.n_features_in_} columns; the detector's encoded rows "
                f"have {width}"
            )
    codes, inputs = detector.codes_, detector.inputs_
    if (codes and len(codes) != len(members)) or len(detector.distance_scales_) != len(codes):
        raise ValueError("the detector's codes or their scales do not match its members")
    stored = [(f"codes_[{i}]", c, m.latent_dim_) for i, (c, m) in enumerate(zip(codes, members))]
    if inputs is not None:
        stored.append(("inputs_", inputs, width))
    for name, rows, expected in stored:
        if rows.ndim != 2 or rows.shape[1] != expected:
            raise ValueError(
                f"{name} has shape {list(rows.shape)}; its rows must have {expected} columns, "
                "the width of the rows it is compared with"
            )
    counts = {len(rows) for _, rows, _ in stored}
    if len(counts) > 1:
        raise ValueError(f"the stored training rows differ in number: {sorted(counts)}")
    n_rows = counts.pop() if counts else 0
    given = detector.n_neighbors if detector.input_neighbors is None else detector.input_neighbors
    terms = [("n_neighbors_", detector.n_neighbors_, detector.n_neighbors, bool(codes))]
    terms.append(("input_neighbors_", detector.input_neighbors_, given, inputs is not None))
    for name, k, parameter, used in terms:
        # k may exceed the rows where the parameter asked for more (fit warns of it)
        most = max(n_rows, neighbor_count(parameter, n_rows))
        if used and not 1 <= k <= most:
            raise ValueError(
                f"{name} is {k}; it must be between 1 and {most} (the {n_rows} stored training "
                f"rows, or what the detector's parameters give)"
            )
