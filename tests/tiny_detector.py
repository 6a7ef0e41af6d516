"""A detector of tiny members, for the tests of what a command reads, says and writes, where
the detector's quality is no part of what is asserted."""

from __future__ import annotations


def tiny_members(patch) -> None:
    """From now on (``patch``: a MonkeyPatch) an AnomalyDetector's default member is an 8-unit
    network trained 5 epochs: a fit of a fraction of a second, where the default member trains
    at least 200 gradient steps of a 64-32 network."""
    import aekit
    from aekit.anomaly import detector as module

    def member(n_samples, n_features, groups=(), noise=0.0):
        return aekit.Autoencoder(
            hidden_layer_sizes=(8,), latent_dim=2, max_iter=5, categorical_groups=groups or None
        )

    patch.setattr(module, "default_member", member)
