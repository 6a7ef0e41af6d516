"""How the detector's ensemble members are trained: together (stacked) or one after another.

A file of its own so that :mod:`aekit.anomaly.detector` only asks for fitted members. Stacked
training (:func:`aekit.estimators.stacked.fit_stacked`) gives the members sequential training
gives, up to float rounding, as ordinary fitted estimators; it runs the members' small networks
as one batched network, so a GPU is kept busy and the CPU does fewer, larger operations
(``benchmarks/detector_training.py`` measures both).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone

from aekit.estimators.stacked import fit_stacked, stack_refusal

MEMBER_TRAINING = ("auto", "stacked", "sequential")


def fit_members(base: Any, datasets: Sequence[np.ndarray], seeds: Sequence[int], how: str) -> list:
    """``clone(base)`` seeded with ``seeds[m]`` and fitted on ``datasets[m]``, for each m.

    ``how="sequential"`` fits them one after another; ``"stacked"`` fits those with the same
    number of rows together (a ``ValueError`` when ``base`` cannot be stacked, naming why);
    ``"auto"`` stacks when ``base`` can be stacked and there are several members, else
    fits them one after another.
    """
    members = [clone(base).set_params(random_state=seed, verbose=False) for seed in seeds]
    why = stack_refusal(base)
    if how == "stacked" and why:
        raise ValueError(
            f"member_training='stacked': {why}. Use member_training='auto' (stacks what can "
            "be stacked) or 'sequential'."
        )
    if how == "sequential" or (how == "auto" and (why or len(members) < 2)):
        return [member.fit(rows) for member, rows in zip(members, datasets, strict=True)]
    # Stacked training needs one shape: members refitted on different numbers of kept rows
    # (trim_fraction with ties) train in one stack per row count.
    by_rows: dict[int, list[int]] = {}
    for m, rows in enumerate(datasets):
        by_rows.setdefault(len(rows), []).append(m)
    for group in by_rows.values():
        fit_stacked([members[m] for m in group], [datasets[m] for m in group])
    return members
