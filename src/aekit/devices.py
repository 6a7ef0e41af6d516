"""Where tensors live: the one place a device name becomes a ``torch.device``."""

from __future__ import annotations

import torch

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str | torch.device) -> torch.device:
    """``"auto"`` is CUDA when PyTorch sees a GPU, else the CPU; ``"cuda"`` without a GPU and any
    other name are a ``ValueError`` that says what to pass instead."""
    if isinstance(device, torch.device):
        device = device.type
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' but PyTorch sees no GPU here; use 'cpu' or 'auto'.")
    if device not in DEVICES:
        raise ValueError(f"device={device!r} is not supported; use 'auto', 'cpu' or 'cuda'.")
    return torch.device(device)
