"""Anomaly detection on aekit autoencoders: :class:`AnomalyDetector`, its threshold rules,
scores and per-feature explanations."""

from aekit.anomaly.detector import AnomalyDetector

__all__ = ["AnomalyDetector"]
