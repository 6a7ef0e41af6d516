"""scikit-learn's ``Interval`` parameter constraint with a bool refused: ``True`` is an
``Integral`` (and a ``Real``) to Python, so ``latent_dim=True`` passed the check and crashed
torch ("empty(): argument 'size' ... found element of type bool") in one estimator while
another fitted it as ``latent_dim=1``, and ``n_bits=True``, ``max_iter=True`` or ``beta=True``
were read as 1. Refused, the parameter is named in scikit-learn's own words ("must be an int in
the range [1, inf). Got True instead."). A parameter that takes a bool says so with its own
``"boolean"`` constraint."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval as _SklearnInterval


class Interval(_SklearnInterval):
    def is_satisfied_by(self, val: Any) -> bool:
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)
