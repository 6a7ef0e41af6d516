"""The default window detector of :class:`aekit.SeriesAnomalyDetector` (``estimator=None``),
chosen on NAB, and its code narrowed for short windows."""

from __future__ import annotations

from sklearn.base import clone

from aekit.anomaly import AnomalyDetector


def narrower_code(detector: AnomalyDetector, width: int) -> AnomalyDetector:
    """The default member's code (8 units) narrowed to half a window of ``width`` values where
    it is not narrower than the window: a code as wide as its input lets the autoencoder copy
    it (the estimators warn so), and the default should not draw that warning on itself."""
    member = detector.estimator
    latent_dim = getattr(member, "latent_dim", None)
    if isinstance(latent_dim, int) and latent_dim >= width:
        detector.set_params(estimator=clone(member).set_params(latent_dim=max(1, width // 2)))
    return detector


def default_window_detector() -> AnomalyDetector:
    """The window detector of ``estimator=None``, chosen on NAB (``benchmarks/timeseries.py
    --cv``; see the README): one small dense autoencoder (40 epochs: NAB's training parts are a
    few hundred to three thousand windows) whose scaled error is added to the distance of the
    window to its 5th nearest training window (input space, standardized values). The two
    parts are added with equal weight, each over its interquartile range, every training window
    kept: the combination measured on NAB, pinned here so the tabular detector's own defaults
    (chosen on tables, not series) do not change it."""
    from aekit.estimators import Autoencoder

    member = Autoencoder(
        hidden_layer_sizes=(64, 32),
        latent_dim=8,
        likelihood="gaussian",
        max_iter=40,
        batch_size=64,
    )
    return AnomalyDetector(
        estimator=member,
        n_estimators=1,
        n_neighbors=5,
        neighbor_space="input",
        input_neighbors=None,  # the one k above
        input_distance="kth",
        preprocessing=None,
        part_scale="iqr",
        reconstruction_weight=1.0,
        density_trim=0.0,
        max_samples=None,
    )
