"""Judging generated samples: Fréchet distance on a classifier's features, conditional accuracy,
diversity."""

from aekit.generation import metrics  # aekit.generation.metrics, as the README writes it

__all__ = ["metrics"]
