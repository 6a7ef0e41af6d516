"""Layer 4: which rows early stopping holds out for validation. At random, or, for a
classifier, class by class: each class gives its share of the validation rows and keeps at
least one training row (a class seen once was held out whole one time in ten, and the
classifier never saw it: recall 0 on it)."""

from __future__ import annotations

import torch


def random_split(n: int, n_val: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
    """Training and validation row ids: ``n_val`` of the ``n`` rows drawn at random."""
    order = torch.randperm(n, generator=generator, device=generator.device)
    return order[n_val:], order[:n_val]


def stratified_split(
    labels: torch.Tensor, n_val: int, generator: torch.Generator
) -> tuple[torch.Tensor, ...]:
    """Training and validation row ids, ``n_val`` validation rows (fewer where the classes
    cannot give them and keep a training row each) shared among the classes of ``labels`` as
    their counts are (largest remainders first, ties in random order), each class's drawn at
    random, as scikit-learn's ``StratifiedShuffleSplit`` allots them."""
    device = generator.device
    labels = labels.to(device)
    classes, counts = torch.unique(labels, return_counts=True)
    room = (counts - 1).tolist()  # every class keeps one training row
    n_val = min(n_val, sum(room))
    quota = (counts.double() * n_val / len(labels)).tolist()
    take = [min(int(q), r) for q, r in zip(quota, room)]
    ties = torch.randperm(len(classes), generator=generator, device=device).tolist()
    by_remainder = sorted(ties, key=lambda c: quota[c] - int(quota[c]), reverse=True)
    left = n_val - sum(take)
    while left:  # ends: n_val is at most the room there is
        for c in by_remainder:
            if left and take[c] < room[c]:
                take[c], left = take[c] + 1, left - 1
    train, validation = [], []
    for c, n_c in enumerate(take):
        rows = torch.nonzero(labels == classes[c]).flatten()
        rows = rows[torch.randperm(len(rows), generator=generator, device=device)]
        validation.append(rows[:n_c])
        train.append(rows[n_c:])
    return torch.cat(train).sort().values, torch.cat(validation).sort().values
