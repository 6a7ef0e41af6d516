"""A pickle of an aekit estimator records the aekit that wrote it, and loading it under another
aekit warns, naming both versions.

scikit-learn does this for its own estimators (``InconsistentVersionWarning``), but its
``BaseEstimator`` records scikit-learn's version, and only for classes of scikit-learn's own
modules: a pickle of an aekit estimator carried no version at all, and loaded silently under
any aekit, though its fitted attributes and networks are aekit's internals, free to change
between versions. aekit's model files (``save``) record their version and are read by later
versions; a pickle can only be trusted by the aekit that wrote it.
"""

from __future__ import annotations

import warnings
from typing import Any

from aekit._version import __version__
from aekit.warning_lines import caller_level

# The state key of the version; popped on loading, so no estimator attribute holds it.
VERSION_KEY = "_aekit_version"


class InconsistentAekitVersionWarning(UserWarning):
    """A pickled aekit estimator loaded by another aekit than the one that pickled it.

    Parameters
    ----------
    estimator_name : str
        The estimator's class name.
    current_aekit_version : str
        The aekit loading the pickle.
    original_aekit_version : str or None
        The aekit that pickled it; None for a pickle of an aekit that recorded no version.
    """

    def __init__(
        self,
        *,
        estimator_name: str,
        current_aekit_version: str,
        original_aekit_version: str | None,
    ) -> None:
        self.estimator_name = estimator_name
        self.current_aekit_version = current_aekit_version
        self.original_aekit_version = original_aekit_version
        super().__init__(str(self))

    def __str__(self) -> str:
        written = (
            f"aekit {self.original_aekit_version}"
            if self.original_aekit_version is not None
            else "an earlier aekit, which recorded no version"
        )
        return (
            f"This {self.estimator_name} was pickled by {written} and is loaded by aekit "
            f"{self.current_aekit_version}: a pickle holds the estimator's internals, which may "
            "differ between versions, so it may fail or give other results. Refit it, or pickle "
            f"it again under aekit {self.current_aekit_version}; to move a model between "
            "versions, save(path) it and read it with aekit.load(path)."
        )


class RecordsAekitVersion:
    """Mixin (before ``BaseEstimator``): an estimator's pickle records aekit's version, and
    loading it under another version warns (:class:`InconsistentAekitVersionWarning`)."""

    def __getstate__(self) -> dict[str, Any]:
        # a new dict: object.__getstate__ returns the instance's own __dict__
        return {**super().__getstate__(), VERSION_KEY: __version__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        recorded = state.get(VERSION_KEY)
        if recorded != __version__:
            warnings.warn(
                InconsistentAekitVersionWarning(
                    estimator_name=type(self).__name__,
                    current_aekit_version=__version__,
                    original_aekit_version=recorded,
                ),
                stacklevel=caller_level(),
            )
        super().__setstate__({k: v for k, v in state.items() if k != VERSION_KEY})
