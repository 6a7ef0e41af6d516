"""``warm_start``: a ``fit`` that goes on training the fitted network, scikit-learn's rule for
``MLPRegressor(warm_start=True)``.

The network keeps its weights and the estimator what the first ``fit`` learned about the data
(the features and their names, the scale of each, the likelihood, a conditional model's
classes): new rows are read as the first ones were, so the code the network learned keeps its
meaning (refitting the scale would move every input under the trained weights). What a warm
``fit`` starts afresh is what ``MLPRegressor`` starts afresh: Adam's state, and a budget of
``max_iter`` epochs; ``n_iter_`` and the history go on counting.
"""

from __future__ import annotations

from typing import Any

from aekit.core.train import TrainResult
from aekit.estimators.persistence import changed_since_fit, describe_changes

# Parameters a warm fit may change: how the network is trained or applied. random_state
# seeds only the shuffles and noise of a warm fit (the weights are not drawn again).
_MAY_CHANGE = frozenset({"random_state"})


class WarmStart:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`: whether a ``fit`` continues the
    fitted network, and the history a continued fit leaves."""

    def _continues_training(self) -> bool:
        """True when ``warm_start`` is set and there is a fitted network to go on training;
        ``ValueError`` when there is one but it cannot continue as the parameters now say."""
        if not (self.warm_start and hasattr(self, "model_")):
            return False
        if self.checkpoint_dir is not None:
            raise ValueError(
                "warm_start=True goes on training the fitted network, and checkpoint_dir "
                "resumes a run from its checkpoint; use one of them (checkpoint_dir=None to "
                "continue this network)."
            )
        changed = {k: v for k, v in changed_since_fit(self).items() if k not in _MAY_CHANGE}
        if changed:
            raise ValueError(
                f"warm_start=True goes on training the fitted network, but set_params changed "
                f"{describe_changes(changed)} since it was fitted, which makes another network. "
                "Set them back, or set warm_start=False to fit a new network."
            )
        return True

    def _continued_history(self, result: TrainResult) -> tuple[int, dict[str, list[float]]]:
        """``(n_iter_, history_)`` after a continued fit: its epochs counted after the earlier
        ones, its losses appended to theirs (``loss_curve_`` runs over every fit)."""
        earlier: dict[str, Any] = self.history_
        history = {key: [*earlier.get(key, []), *new] for key, new in result.history.items()}
        return self.n_iter_ + result.n_iter, history
