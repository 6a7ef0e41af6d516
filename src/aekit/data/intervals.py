"""scikit-learn's ``Interval`` parameter constraint with a bool refused: ``True`` is an
``Integral`` (and a ``Real``) to Python, so ``latent_dim=True`` passed the check and crashed
torch ("empty(): argument 'size' ... found element of type bool") in one estimator while
another fitted it as ``latent_dim=1``, and ``n_bits=True``, ``max_iter=True`` or ``beta=True``
were read as 1. Refused, the parameter is named in scikit-learn's own words ("must be an int in
the range [1, inf). Got True instead."). A parameter that takes a bool says so with its own
``"boolean"`` constraint."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval as _SklearnInterval


class Interval(_SklearnInterval):
    def is_satisfied_by(self, val: Any) -> bool:
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


# What scikit-learn's message adds, for the random_state parameter, to "an int in the range ...":
# what to pass in place of the two values refused that a user may well hold.
SEED_WORDS = (
    "(a seed such as random_state=0, not a bool; for a np.random.Generator rng, pass "
    "int(rng.integers(2**32)))"
)


class _Seed(Interval):
    """An int seed, bool refused: ``random_state=True`` was taken as the seed 1 (scikit-learn's
    ``"random_state"`` constraint takes it, an ``Integral`` to Python) where its writer meant
    something else; numpy's ``Generator`` stays refused, as scikit-learn refuses it for every
    estimator's parameter (a clone could not repeat it), now with the int to pass instead."""

    def __str__(self) -> str:  # scikit-learn's message: "must be <this>, ... or None"
        return f"{super().__str__()} {SEED_WORDS}"


# scikit-learn's "random_state" constraint, a bool refused: a table's entry for the parameter.
RANDOM_STATES: list = [_Seed(Integral, 0, 2**32 - 1, closed="both"), np.random.RandomState, None]
