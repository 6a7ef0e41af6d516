"""``save(path)`` for every aekit estimator, autoencoders and the estimators built on them."""

from __future__ import annotations

import os


class SavesToFile:
    """Mixin: ``estimator.save(path)`` = :func:`aekit.io.model_file.save` (JSON + safetensors;
    loading it back with :func:`aekit.load` never unpickles)."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted estimator to ``path`` (JSON header + safetensors weights, one file)."""
        from aekit.io.model_file import save  # io is a layer above the estimators; imported on use

        save(self, path)
