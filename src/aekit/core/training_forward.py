"""The training forward pass of :mod:`aekit.core.train`: under bfloat16 autocast for
``precision="bf16"``, and through ``torch.compile`` for ``compile=True``, falling back to eager
with a warning where compilation fails."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable

import torch
from torch import nn

from aekit.warning_lines import caller_level

PRECISIONS = ("float32", "bf16")


def autocast(precision: str, device: torch.device) -> contextlib.AbstractContextManager[None]:
    """The context of a forward pass: bfloat16 autocast for ``"bf16"`` (matmuls and convolutions
    in bf16, reductions and losses in float32, as autocast decides per op), else nothing."""
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def compiled_forward(module: nn.Module, device: torch.device) -> Callable | None:
    """``torch.compile(module)``, or None with a warning where this PyTorch cannot compile. On
    CUDA ``mode="reduce-overhead"`` captures the step in CUDA graphs: a small network is bound
    by kernel launches there, and a replayed graph launches them all at once. Shapes are static
    but for the last, shorter batch of an epoch, which gets a graph of its own."""
    if not hasattr(torch, "compile"):
        _compile_failed("this PyTorch has no torch.compile")
        return None
    try:
        compiled = torch.compile(module, mode="reduce-overhead" if device.type == "cuda" else None)
    except Exception as error:  # e.g. a Python version torch.compile does not support yet
        _compile_failed(f"{type(error).__name__}: {error}")
        return None
    mark_step = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None)
    if device.type != "cuda" or mark_step is None:
        return compiled

    def step(*args: object, **kwargs: object) -> dict[str, torch.Tensor]:
        mark_step()  # a new training step: the graphs may reuse the last step's memory
        return compiled(*args, **kwargs)

    return step


def _compile_failed(why: str) -> None:
    warnings.warn(
        f"compile=True: compilation is unavailable here ({why}); training eagerly instead, with "
        "the same results. Pass compile=False to silence this.",
        RuntimeWarning,
        stacklevel=caller_level(),
    )


class TrainingForward:
    """The training forward pass, under ``cast`` (:func:`autocast`; the backward pass runs
    outside it, as PyTorch advises): the (DDP-wrapped) module, or with ``compile`` its
    :func:`compiled_forward` once a first step through it has worked. Compilation happens on
    the first call, where a machine without a working compiler (no C++ toolchain for the CPU
    backend) fails: that step is then run eagerly, after a warning, and so are the others."""

    def __init__(
        self,
        module: nn.Module,
        device: torch.device,
        compile: bool,
        cast: contextlib.AbstractContextManager[None],
    ):
        self.forward: Callable[..., dict[str, torch.Tensor]] = module  # eager, until compiled
        self.untried = compiled_forward(module, device) if compile else None
        self.cast = cast

    def __call__(
        self, x: torch.Tensor, y: torch.Tensor | None, generator: torch.Generator, epoch: int
    ) -> dict[str, torch.Tensor]:
        with self.cast:
            return self._forward(x, y, generator, epoch)

    def _forward(
        self, x: torch.Tensor, y: torch.Tensor | None, generator: torch.Generator, epoch: int
    ) -> dict[str, torch.Tensor]:
        if self.untried is None:
            return self.forward(x, y, generator, epoch=epoch)
        compiled, self.untried = self.untried, None
        state = generator.get_state()  # a failed attempt must not shift the random stream
        try:
            terms = compiled(x, y, generator, epoch=epoch)
        except Exception as error:
            generator.set_state(state)
            _compile_failed(f"{type(error).__name__}: {str(error).strip().splitlines()[0]}")
            return self.forward(x, y, generator, epoch=epoch)
        self.forward = compiled  # the forward of every later step
        return terms
