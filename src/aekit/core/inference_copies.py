"""The float64 copy of a fitted network that inference computes with, kept between calls.

Every estimator computes its outputs with a float64 copy of its network, so that a row's code
or score does not depend on the rows that share its call (float32 matrix products differ in
the last bits with the batch's shape). Copying the network for each call made a one-row
``transform`` 25 times its torch module's time; the copy is kept while the network is the
same: value for value (float32 to float64 is exact; the optimizer's in-place steps of a
warm_start fit leave a tensor's ``_version`` and storage as they were, so neither can tell),
with the same modules and forward hooks. The values are compared with a kept clone of the
network's own tensors (same dtype: half the time of comparing float32 with the float64 copy,
7 against 15 ms for 7.4M parameters on a CPU, for a second copy of the network's size). The
copies live here, not in the estimators'
``__dict__``, which a call must leave as it was (scikit-learn's checks), and each goes with its
network.
"""

from __future__ import annotations

import copy
import weakref

import torch
from torch import nn

# network -> (its structure when copied, its float64 copy, its tensors' values then)
_COPIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def float64_copy(network: nn.Module) -> nn.Module:
    """``network`` in float64 and eval mode, on its device: the kept copy while it is the same
    network, else a new one (kept in its place). NaN never equals itself: a network holding one
    is copied at every call."""
    kept = _COPIES.get(network)
    structure, tensors = _parts(network)
    if kept is None or not _same_network(kept, structure, tensors):
        values = [t.detach().clone() for t in tensors]
        kept = structure, copy.deepcopy(network).to(torch.float64).eval(), values
        _COPIES[network] = kept
    return kept[1]


def forget(network: nn.Module) -> None:
    """Drop ``network``'s kept copy (a fit's own check made one nobody may ask for again)."""
    _COPIES.pop(network, None)


def _parts(network: nn.Module) -> tuple[tuple, list[torch.Tensor]]:
    """What a network is beside its tensors' values, its modules and their forward hooks (a
    layer swapped or a hook added is a change the copy must follow), and its parameters and
    buffers, each once (a tied weight is one tensor): read in one walk of its modules, where
    ``modules()``, ``parameters()`` and ``buffers()`` walked them three times (a third of a
    one-row transform's time went to walking them)."""
    structure, tensors, seen = [], [], set()
    for module in network.modules():
        structure.append((id(module), len(module._forward_hooks), len(module._forward_pre_hooks)))
        for tensor in (*module._parameters.values(), *module._buffers.values()):
            if tensor is not None and id(tensor) not in seen:
                seen.add(id(tensor))
                tensors.append(tensor)
    return tuple(structure), tensors


def _same_network(kept: tuple, structure: tuple, now: list[torch.Tensor]) -> bool:
    then_structure, _, then = kept
    if structure != then_structure:
        return False
    return len(now) == len(then) and all(
        a.shape == b.shape and a.device == b.device and torch.equal(a.detach(), b)
        for a, b in zip(now, then)
    )
