"""Pickles of fitted estimators that load on any machine, GPU or not.

A network fitted on CUDA pickles its tensors as CUDA storages, and plain unpickling on a machine
without that GPU fails inside torch ("Attempting to deserialize object on a CUDA device ...
use torch.load with map_location"), advice that ``pickle.load``, ``joblib.load`` and MLflow give
no way to follow. So the estimators that hold torch objects pickle them through ``torch.save``
and restore them with a ``map_location`` that keeps each tensor where it was where that device
exists and puts it on the CPU where it does not, with a warning, as skorch does. aekit's own
model files (``save``) never held this problem: they are written from the CPU.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Any

import torch
from torch import nn

from aekit.warning_lines import caller_level

# The state key that holds the torch objects, saved by torch.save.
_TORCH_STATE = "_aekit_torch_state"
_CUDA_INDEX = re.compile(r"cuda(?::(\d+))?")


def _device_exists(location: str) -> bool:
    """Whether a storage saved at ``location`` ("cpu", "cuda", "cuda:1", ...) can go back there."""
    found = _CUDA_INDEX.fullmatch(location)
    if found is None:
        return True  # the CPU, or a device torch's own default restores (or names, failing)
    if not torch.cuda.is_available():
        return False
    return int(found.group(1) or 0) < torch.cuda.device_count()


class PicklesAnywhere:
    """Mixin (before ``BaseEstimator``) for an estimator whose fitted attributes hold networks
    or tensors: its pickle loads on the CPU when the GPU it was fitted on is missing."""

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        held = {k: v for k, v in state.items() if isinstance(v, (nn.Module, torch.Tensor))}
        if not held:  # unfitted: a plain pickle
            return state
        buffer = io.BytesIO()
        torch.save(held, buffer)
        # a new dict: object.__getstate__ returns the instance's own __dict__
        return {
            **{k: v for k, v in state.items() if k not in held},
            _TORCH_STATE: buffer.getvalue(),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        blob = state.get(_TORCH_STATE)
        if blob is not None:
            missing: set[str] = set()

            def restore(storage: Any, location: str) -> Any:
                if _device_exists(location):
                    return None  # torch's default: back where it was saved
                missing.add(location)
                return storage  # already on the CPU

            held = torch.load(io.BytesIO(blob), map_location=restore, weights_only=False)
            state = {**{k: v for k, v in state.items() if k != _TORCH_STATE}, **held}
            if missing:
                # device="cuda" would refuse a refit here; "auto" picks the CPU by itself
                device = state.get("device")
                refit = (
                    " To refit it here, set_params(device='cpu')."
                    if isinstance(device, (str, torch.device)) and str(device).startswith("cuda")
                    else ""
                )
                warnings.warn(
                    f"This {type(self).__name__} was fitted on {', '.join(sorted(missing))}, "
                    f"which PyTorch does not see here, so its network is loaded on the CPU."
                    f"{refit}",
                    UserWarning,
                    stacklevel=caller_level(),
                )
        super().__setstate__(state)
