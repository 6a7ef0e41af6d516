"""Pieces shared by the benchmark scripts: the results table, machine facts, the results file.

The scripts run as ``python benchmarks/<name>.py``, so this folder is ``sys.path[0]`` and they
import this module as ``_common`` from any working directory.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import torch

import aekit


def require_bench_extra(parser: argparse.ArgumentParser, modules: dict[str, str]) -> None:
    """Exit with one line, before any work, when a module the run needs is not installed:
    ``modules`` maps each module to what needs it. These come with the benchmarks' extra, which
    ``make setup`` does not install (the library and its tests do without them)."""
    missing = [
        f"{module} ({why})"
        for module, why in modules.items()
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        parser.error(
            f"not installed: {', '.join(missing)}; install the benchmarks' extra: "
            ".venv/bin/pip install -c constraints.txt -e '.[bench]'"
        )


def print_table(title: str, headers: list[str], cells: list[list[str]]) -> None:
    """A right-aligned table: rich's when rich is installed, plain text otherwise."""
    try:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title)
        for h in headers:
            table.add_column(h, justify="right")
        for row in cells:
            table.add_row(*row)
        console = Console()
        if not console.is_terminal:  # a log file: don't squeeze the table into 80 columns
            console = Console(width=160)
        console.print(table)
    except ImportError:
        print(title)
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
        print("  ".join(h.rjust(w) for h, w in zip(headers, widths)))
        for row in cells:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths)))


def require_images(parser: argparse.ArgumentParser, *folders: str | Path) -> None:
    """Exit with one line, before any work, when a folder of MNIST-style images the run reads
    (``train-images-idx3-ubyte`` or ``t10k-images-idx3-ubyte``, plain or ``.gz``) holds none:
    ``folders`` as the script builds them from ``--data-dir`` (a run from another folder than
    the README's, or a mistyped ``--data-dir``, otherwise ends in load_mnist's traceback)."""
    missing = [str(f) for f in map(Path, folders) if not any(f.glob("*-images-idx3-ubyte*"))]
    if missing:
        parser.error(
            f"no MNIST-style images in {', '.join(missing)}; pass --data-dir, the folder that "
            "holds mnist/ and fashion-mnist/ (default ../shared/data, relative to where you run)"
        )


def mnist_dir(data_dir: str | Path) -> Path:
    """The folder holding the MNIST files: ``data_dir/mnist`` when there is one, else data_dir."""
    data_dir = Path(data_dir)
    return data_dir / "mnist" if (data_dir / "mnist").is_dir() else data_dir


def cpu_name() -> str:
    """The processor's model name (Linux), else what platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    """Core count, library versions and the source's commit, for the results file."""
    return {
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "aekit": aekit.__version__,
        "source": source_commit(),
    }


def source_commit() -> str | None:
    """The git commit of the aekit source measured, with "+changes" where its tracked files
    differ from that commit; None outside a git checkout. A results file then says which code
    gave its figures (README figures went stale, unsaid, after a change of defaults)."""
    import subprocess

    root = Path(aekit.__file__).resolve().parents[2]  # src/aekit/__init__.py -> the checkout

    def git(*words: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *words], capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short=12", "HEAD")
    if not commit:
        return None
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "src", "benchmarks")
    return commit + ("+changes" if changed else "")


def command_line(argv: list[str] | None) -> str:
    """How the script was called, as recorded in the results file."""
    return "python " + " ".join([sys.argv[0], *(argv or sys.argv[1:])])


def write_run(name: str, argv: list[str] | None, args: Any, started: float, **figures) -> dict:
    """The results file of a benchmark ``name``: its command, settings (``args``), the
    ``figures`` it measured, its wall time since ``started`` (``time.perf_counter()``) and the
    machine, written to ``args.out``; returns the record."""
    result = {
        "benchmark": name,
        "command": command_line(argv),
        "settings": vars(args),
        **figures,
        "wall_seconds": time.perf_counter() - started,
        "machine": machine_info(),
    }
    write_result(args.out, result)
    return result


def write_result(path: str | Path, result: dict) -> None:
    """Write ``result`` as indented JSON to ``path`` (creating its folder) and say so."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
