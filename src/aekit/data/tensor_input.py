"""X or y given as a torch tensor, read as numpy: what every reader of them calls first
(:func:`from_tensor`)."""

from __future__ import annotations

from typing import Any


def is_torch_tensor(X: Any) -> bool:
    """Whether X is a torch tensor, told without importing torch."""
    return type(X).__module__.startswith("torch") and hasattr(X, "detach")


_NUMPY_FLOATS = ("torch.float16", "torch.float32", "torch.float64")


def from_tensor(values: Any, name: str) -> Any:
    """``values`` as given, or a torch tensor's as numpy: bfloat16 and float8 (no numpy dtype:
    "Got unsupported ScalarType BFloat16") as float32, which holds each of their values
    exactly; a tensor on the 'meta' device, which holds none, refused. What every reader of X
    or y given as a tensor calls first."""
    if not is_torch_tensor(values):
        return values
    tensor = values
    if tensor.device.type == "meta":  # torch: "Cannot copy out of meta tensor; no data!"
        raise ValueError(
            f"{name} is a tensor on the 'meta' device, which has a shape but no values; pass "
            "the tensor that holds the data."
        )
    tensor = tensor.detach()
    if tensor.is_floating_point() and str(tensor.dtype) not in _NUMPY_FLOATS:
        tensor = tensor.float()
    elif str(tensor.dtype) == "torch.complex32":  # refused as complex, in words, by the reader
        tensor = tensor.cfloat()
    return tensor.cpu().numpy()
