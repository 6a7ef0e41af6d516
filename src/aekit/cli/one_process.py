"""Commands that fit a model work under torchrun (every process fits, rank 0 alone writes);
the others (``aekit demo`` too, which has no rank-0 guard) would run once per process, each
writing the same outputs and printing the same lines, so they are refused there before any
work."""

from __future__ import annotations

import os

# the commands whose fit trains with DDP (or alike on every process) and whose rank 0 alone writes
FITTING_COMMANDS = frozenset(
    {
        "train",
        "detect",
        "detect-series",
        "impute",
        "finetune",
        "train-hasher",
        "train-compressor",
    }
)


def refuse_several_processes(command: str) -> None:
    """A ``ValueError`` when ``command`` is not one that several processes run together and
    torchrun started several (``WORLD_SIZE > 1``)."""
    try:
        processes = int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        return  # torch's own check says what is wrong with it, where it matters
    if processes > 1 and command not in FITTING_COMMANDS:
        raise ValueError(
            f"aekit {command} runs in one process: under torchrun each of the {processes} "
            "processes would run it in full, each writing its outputs; run it without torchrun "
            f"(WORLD_SIZE={processes} is set: unset it if torchrun did not start this command). "
            "torchrun is for " + ", ".join(sorted(FITTING_COMMANDS)) + "."
        )
