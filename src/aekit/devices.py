"""Where tensors live: the one place a device name becomes a ``torch.device``."""

from __future__ import annotations

import torch

DEVICES = ("auto", "cpu", "cuda")


def auto_device() -> torch.device:
    """What ``"auto"`` means: CUDA when PyTorch sees a GPU, else the CPU. A function of its own
    so that the test suite can pin ``"auto"`` to the device it runs on (``AEKIT_TEST_DEVICE``)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def resolve_device(device: str | torch.device) -> torch.device:
    """``"auto"`` is :func:`auto_device`; ``"cuda"`` without a GPU and any other name are a
    ``ValueError`` that says what to pass instead."""
    if isinstance(device, torch.device):
        device = device.type
    if device == "auto":
        return auto_device()
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' but PyTorch sees no GPU here; use 'cpu' or 'auto'.")
    if device not in DEVICES:
        raise ValueError(f"device={device!r} is not supported; use 'auto', 'cpu' or 'cuda'.")
    return torch.device(device)


def to_device(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """``tensor`` on ``device``. From the CPU to CUDA through pinned memory and a non-blocking
    copy: the transfer runs at full bus speed while the host goes on (building the network,
    the optimizer); work queued on the GPU afterwards waits for it in stream order."""
    if device.type != "cuda" or tensor.device.type != "cpu":
        return tensor.to(device)
    return tensor.pin_memory().to(device, non_blocking=True)
