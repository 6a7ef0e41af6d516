"""What a run's report says of its model beyond config.toml: the table columns it was trained
on, each with its kind (an encoder's record: ``encoder.json``, or a detector's own), and a
detector's threshold, its rule and its value. The page showed ``threshold = "contamination"``
alone, and no column at all, where ``aekit info`` had both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_COLUMNS = 60  # a table of pixels (784 columns) is no list to read: the rest are counted
MAX_CATEGORIES = 8
# the parameter each threshold rule reads (aekit.AnomalyDetector, aekit.SeriesAnomalyDetector)
RULE_PARAMETERS = {
    "contamination": "contamination",
    "mean_std": "n_std",
    "validation": "percentile",
    "pot": "risk",
    "likelihood": "risk",
}


def model_tables(run_dir: Path) -> list[dict[str, Any]]:
    """The sections the model gives the report (``title``, ``head``, ``rows``, ``note``):
    "Columns" (name, kind, dtype) and "Threshold" (a detector's rule, value and flagged
    share); none for a model file that cannot be read (the report notes that), or a model of
    images."""
    header = _header(run_dir / "model.safetensors")
    if header is None:
        return []
    sections = []
    columns = _columns(run_dir, header)
    if columns:
        shown, more = columns[:MAX_COLUMNS], len(columns) - MAX_COLUMNS
        note = f"The first {MAX_COLUMNS} of {len(columns)} columns." if more > 0 else None
        head = ("column", "kind", "dtype")
        sections.append({"title": "Columns", "head": head, "rows": shown, "note": note})
    threshold = _threshold(header)
    if threshold:
        sections.append({"title": "Threshold", "head": (), "rows": threshold, "note": None})
    return sections


def _header(model: Path) -> dict[str, Any] | None:
    from aekit.io.files import read_header
    from aekit.io.model_file import MODEL

    if not model.is_file():
        return None
    try:
        return read_header(model, MODEL)
    except (OSError, ValueError):  # said in the page's notes (aekit.viz.report.model_damage)
        return None


def _columns(run_dir: Path, header: dict[str, Any]) -> list[list[str]]:
    """Each training column with its kind: an encoder's record (``encoder.json``, a detector's
    ``encoder``) says numeric or categorical and the dtype; a model of numbers names its columns
    alone; a series detector's are its channels and its time column."""
    fitted = header.get("fitted", {})
    state = fitted.get("encoder") if isinstance(fitted.get("encoder"), dict) else None
    if (run_dir / "encoder.json").is_file():
        try:
            state = json.loads((run_dir / "encoder.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = None
    if state is not None and isinstance(state.get("groups"), list):
        return [_encoded_column(state, group) for group in state["groups"]]
    names = fitted.get("feature_names_in_")
    if not names:
        return []
    time = header.get("params", {}).get("time_column")
    kind = "channel (numeric)" if "time_column" in header.get("params", {}) else "numeric"
    rows = [[str(name), kind, ""] for name in names]
    return ([[str(time), "time", ""]] if time is not None else []) + rows


def _encoded_column(state: dict[str, Any], group: list) -> list[str]:
    name, start, stop, kind = group
    one_hot = any(a <= start < b for a, b in state.get("one_hot_groups", []))
    if kind == "categorical":
        known = [str(c) for c in (state.get("categories") or {}).get(name) or []]
        if known:
            listed = ", ".join(known[:MAX_CATEGORIES])
            more = f", ... ({len(known)} in all)" if len(known) > MAX_CATEGORIES else ""
            kind = f"categorical ({listed}{more})"
        elif one_hot:
            kind = f"categorical, one-hot as given ({stop - start} columns)"
    return [str(name), kind, str((state.get("dtypes") or {}).get(name, ""))]


def _threshold(header: dict[str, Any]) -> list[list[str]]:
    """A detector's threshold: its rule (with the parameter the rule reads), its value on the
    anomaly score, and the share of training rows above it."""
    fitted, params = header.get("fitted", {}), header.get("params", {})
    value = fitted.get("threshold_")
    if value is None:
        return []
    rule = str(params.get("threshold", ""))
    read = RULE_PARAMETERS.get(rule)
    said = f"{rule} ({read}={params[read]})" if read in params else rule
    if rule == "contamination" and params.get("contamination") == "auto" and "risk" in params:
        said = f"contamination (contamination=auto, risk={params['risk']})"
    shown = f"{float(value):.6g} on the anomaly score, higher is flagged"
    if rule == "likelihood":  # the flags follow the likelihood; this line is for reference
        risk = float(params.get("risk", 0))
        shown = (
            f"{float(value):.6g} (the raw score's 'auto' threshold, for reference: points are "
            f"flagged where their anomaly likelihood exceeds 1 - risk = {1 - risk:.6g})"
        )
    rows = [["rule", said], ["value", shown]]
    if fitted.get("contamination_") is not None:
        rows.append(["training rows flagged", f"{float(fitted['contamination_']):.2%}"])
    return rows
