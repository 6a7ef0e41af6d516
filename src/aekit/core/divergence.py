"""What the trainer says when an epoch's means are not finite: the loss diverged (a learning
rate too large, unscaled data), or the rows it trained on hold NaN or infinite values, which no
learning rate mends."""

from __future__ import annotations

import torch

from aekit.core.config import TrainConfig


class TrainingDivergedError(FloatingPointError, ValueError):
    """The loss became NaN or infinite. A ``ValueError`` too, as scikit-learn raises for this."""


def finite_or_raise(
    means: dict[str, float], epoch: int, config: TrainConfig, X: object = None
) -> None:
    bad = [name for name, value in means.items() if not torch.isfinite(torch.tensor(value))]
    if not bad:
        return
    became = f"training diverged in epoch {epoch}: {', '.join(bad)} became {means[bad[0]]}"
    non_finite = ~X.isfinite() if isinstance(X, torch.Tensor) and X.is_floating_point() else None
    if non_finite is not None and non_finite.any():
        # the estimators refuse such rows first; a module trained here directly did not say
        where = tuple(int(i) for i in non_finite.nonzero()[0])
        raise ValueError(
            f"{became}, as X holds {int(non_finite.sum())} NaN or infinite values (the "
            f"first at index {where}); remove or fill them first."
        )
    raise TrainingDivergedError(
        f"{became}. Try a smaller learning_rate_init (now {config.learning_rate:g}), "
        "scaling the data (e.g. StandardScaler), or a smaller regularizer weight."
    )
