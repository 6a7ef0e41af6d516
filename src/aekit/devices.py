"""Where tensors live: the one place a device name becomes a ``torch.device``.

A device is ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"`` (the N-th GPU, as torch writes
it), or a ``torch.device`` of one of those types.
"""

from __future__ import annotations

import re

import torch

DEVICES = ("auto", "cpu", "cuda")
DEVICE_NAMES = "'auto', 'cpu', 'cuda' or 'cuda:N' (N a GPU index)"  # for messages
_CUDA_INDEX = re.compile(r"cuda:(\d+)")


def is_device_name(value: object) -> bool:
    """Whether ``value`` is a device name aekit takes (whether that device exists is
    :func:`resolve_device`'s question, asked when it is used)."""
    return isinstance(value, str) and (value in DEVICES or _CUDA_INDEX.fullmatch(value) is not None)


def auto_device() -> torch.device:
    """What ``"auto"`` means: CUDA when PyTorch sees a GPU, else the CPU. A function of its own
    so that the test suite can pin ``"auto"`` to the device it runs on (``AEKIT_TEST_DEVICE``)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def resolve_device(device: str | torch.device) -> torch.device:
    """``"auto"`` is :func:`auto_device`; ``"cuda"`` or ``"cuda:N"`` without that GPU and any
    other name are a ``ValueError`` that says what to pass instead."""
    if isinstance(device, torch.device):
        # a GPU keeps its index (torch.device("cuda", 1) is "cuda:1"); the CPU has one
        device = str(device) if device.type == "cuda" else device.type
    if device == "auto":
        return auto_device()
    if not is_device_name(device):
        raise ValueError(f"device={device!r} is not supported; use {DEVICE_NAMES}.")
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} but PyTorch sees no GPU here; use 'cpu' or 'auto'."
            )
        found = _CUDA_INDEX.fullmatch(device)
        count = torch.cuda.device_count()
        if found is not None and int(found.group(1)) >= count:
            raise ValueError(
                f"device={device!r} but PyTorch sees {count} GPU(s) here, cuda:0 to "
                f"cuda:{count - 1}; pick one of them (or 'cuda', the current one)."
            )
    return torch.device(device)


def to_device(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """``tensor`` on ``device``. From the CPU to CUDA through pinned memory and a non-blocking
    copy: the transfer runs at full bus speed while the host goes on (building the network,
    the optimizer); work queued on the GPU afterwards waits for it in stream order."""
    if device.type != "cuda" or tensor.device.type != "cpu":
        return tensor.to(device)
    return tensor.pin_memory().to(device, non_blocking=True)
