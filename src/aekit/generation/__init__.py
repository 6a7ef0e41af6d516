"""Judging generated samples: Fréchet distance on a classifier's features, conditional accuracy,
diversity."""
