"""The ``random_state`` a method takes at call time (``sample``, ``elbo``): what
scikit-learn's ``check_random_state`` takes, and numpy's ``Generator`` besides, each refused in
words that name the argument (numpy's own, "'42' cannot be used to seed a
numpy.random.RandomState instance", named none, and refused the Generator numpy now advises)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import check_random_state

_TAKES = "an int in [0, 2**32 - 1], a np.random.RandomState, a np.random.Generator or None"


def random_state_of(random_state: Any, name: str = "random_state") -> np.random.RandomState:
    """A RandomState for ``random_state``; a Generator seeds one with a draw of its own (so the
    same Generator state gives the same rows, and the Generator moves on)."""
    if isinstance(random_state, np.random.Generator):
        return np.random.RandomState(int(random_state.integers(0, 2**32)))
    if isinstance(random_state, (bool, np.bool_)):  # True would be the seed 1
        raise ValueError(f"{name}={random_state!r} is a bool; give {_TAKES}.")
    try:
        return check_random_state(random_state)
    except ValueError:
        kind = type(random_state).__name__
        said = "out of range" if isinstance(random_state, (int, np.integer)) else f"a {kind}"
        raise ValueError(f"{name}={random_state!r} is {said}; give {_TAKES}.") from None
