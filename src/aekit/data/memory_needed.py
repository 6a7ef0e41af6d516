"""A request whose result alone is larger than the machine's memory, refused before anything is
allocated: ``VAE.sample(10**12)`` failed in torch's allocator ("DefaultCPUAllocator: can't
allocate memory: you tried to allocate 8000000000000 bytes", a RuntimeError naming neither
the parameter nor a fix) and a ConditionalVAE's in numpy. Refused as numpy refuses an array
too large, with a ``MemoryError``, naming what was asked and what to do instead."""

from __future__ import annotations

import os

GIB = 2**30


def physical_memory() -> int | None:
    """The machine's memory in bytes; None where the system does not say (Windows has no
    ``sysconf``), and the allocator's own error then stands."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def refuse_beyond_memory(n_bytes: int, what: str, fix: str) -> None:
    """A ``MemoryError`` when ``n_bytes`` (what ``what`` takes at the least) is more than the
    machine's memory, saying both and ``fix``."""
    total = physical_memory()
    if total is not None and n_bytes > total:
        raise MemoryError(
            f"{what} would take {_size(n_bytes)} at the least, more than this machine's "
            f"{_size(total)} of memory; {fix}"
        )


def _size(n_bytes: int) -> str:
    return f"{n_bytes / GIB:,.0f} GiB" if n_bytes >= 10 * GIB else f"{n_bytes / 2**20:,.0f} MiB"
