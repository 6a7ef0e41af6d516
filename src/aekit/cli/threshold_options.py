"""A threshold rule reads some settings and ignores the others (``AnomalyDetector._threshold``,
``SeriesAnomalyDetector._threshold``): ``aekit detect`` and ``detect-series`` refuse a setting
that the chosen rule would ignore, before any work, as they refuse a ``--param`` beside its own
option, rather than fit a model that silently does something else than asked."""

from __future__ import annotations

from typing import Any

# What each rule sets the threshold from, as the message says it.
RULES = {
    "contamination": "the 1 - contamination quantile of the training scores",
    "mean_std": "mean + n_std * std of the training scores",
    "pot": "a tail fitted to the training scores at risk",
    "validation": "the percentile of the scores of --normal-rows",
}


def _uses(threshold: str, contamination: Any) -> dict[str, tuple[bool, str]]:
    """Per setting: whether ``threshold`` reads it, and the rule to choose for it."""
    auto = contamination == "auto"
    return {
        "contamination": (threshold == "contamination", "--threshold contamination"),
        "n_std": (threshold == "mean_std", "--threshold mean_std"),
        "risk": (threshold == "pot" or (threshold == "contamination" and auto),
                 "--threshold pot, or contamination with --contamination auto"),
        "percentile": (threshold == "validation", "--threshold validation"),
        "normal_rows": (threshold == "validation", "--threshold validation"),
        "threshold_holdout": (threshold != "validation", "another --threshold than validation"),
    }  # fmt: skip


def refuse_unused(threshold: str, contamination: Any, given: dict[str, str]) -> None:
    """``ValueError`` naming the first of the ``given`` settings (name -> its flag as typed,
    e.g. ``{"n_std": "--param n_std=2"}``) that the rule ``threshold`` does not read, with what
    the rule does read; an unknown rule is left to the detector's own check."""
    if threshold not in RULES:
        return
    uses = _uses(threshold, contamination)
    for name, flag in given.items():
        used, rule = uses.get(name, (True, ""))
        if not used:
            raise ValueError(
                f"{flag} has no effect with --threshold {threshold}, which sets the threshold "
                f"at {_rule_text(threshold, contamination)}; drop it, or use {rule}."
            )


def _rule_text(threshold: str, contamination: Any) -> str:
    if threshold == "contamination" and contamination == "auto":
        return "a tail fitted to the training scores at risk (--contamination auto)"
    return RULES[threshold]


def given_settings(contamination: str, params: dict[str, Any], **options: Any) -> dict[str, str]:
    """The threshold settings a command was given, each as its flag: ``--contamination`` when
    not 'auto', each ``--param`` of a rule setting, and the ``options`` that are not None."""
    given = {} if contamination == "auto" else {"contamination": f"--contamination {contamination}"}
    for name in ("n_std", "risk", "percentile", "threshold_holdout"):
        if name in params:
            given[name] = f"--param {name}={params[name]}"
    for name, value in options.items():
        if value is not None:
            given[name] = f"--{name.replace('_', '-')} {value}"
    return given
