"""Every ``python benchmarks/X.py --option ...`` that README.md quotes uses options the script's
``--help`` lists: a reader who copies a command gets the run it describes, not argparse's
"unrecognized arguments" (or an option the script reads behind argparse's back)."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
FENCE = re.compile(r"```.*?```", re.S)
# a script named in a command: "python benchmarks/X.py", "benchmarks/X.py --..." or, run from
# benchmarks/, "python X.py"; what follows it in the same code span are its arguments
SCRIPT = re.compile(r"(?:python\s+(?:benchmarks/)?|^benchmarks/)(\w+)\.py\b(.*)", re.S)
OPTION = re.compile(r"(?<![\w-])--[a-z][\w-]*")


def readme_commands() -> list[tuple[str, str]]:
    """``(script, command)`` for each benchmark command README.md quotes (an inline code span,
    which may wrap over lines, or a line of a fenced block)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pieces = [line for block in FENCE.findall(text) for line in block.splitlines()]
    pieces += FENCE.sub("", text).split("`")[1::2]  # the inline code spans
    found = []
    for piece in pieces:
        span = " ".join(piece.split())
        match = SCRIPT.search(span)
        if match and (BENCHMARKS / f"{match[1]}.py").is_file():
            found.append((match[1], span))
    return found


COMMANDS = readme_commands()


def test_the_readme_quotes_benchmark_commands():
    scripts = {script for script, _ in COMMANDS}
    assert len(COMMANDS) > 30 and {"pretrain", "scale", "ddp"} <= scripts


_helps: dict[str, str] = {}


def help_of(script: str) -> str:
    """``python benchmarks/SCRIPT.py --help`` as its argparse parser prints it, its ``main``
    called in this process (each script parses its arguments first: nothing runs)."""
    if script not in _helps:
        before = set(sys.modules)
        sys.path.insert(0, str(BENCHMARKS))  # the scripts import _common from there
        try:
            module = importlib.import_module(script)
            out = io.StringIO()
            with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
                module.main(["--help"])
        finally:
            sys.path.remove(str(BENCHMARKS))
            for name in set(sys.modules) - before:  # no "impute" module left for other tests
                if str(getattr(sys.modules[name], "__file__", "")).startswith(str(BENCHMARKS)):
                    del sys.modules[name]
        _helps[script] = out.getvalue()
    return _helps[script]


@pytest.mark.parametrize(
    ("script", "command"), [c for c in COMMANDS if OPTION.search(c[1])], ids=lambda v: v[:60]
)
def test_every_option_of_a_readme_command_is_in_the_scripts_help(script, command):
    listed = set(OPTION.findall(help_of(script)))
    used = set(OPTION.findall(SCRIPT.search(command)[2]))
    assert used <= listed, f"{command}: {sorted(used - listed)} not in {script}.py --help"


def test_a_results_file_names_the_commit_it_measured(tmp_path):
    import subprocess

    sys.path.insert(0, str(BENCHMARKS))
    try:
        from _common import machine_info, source_commit
    finally:
        sys.path.remove(str(BENCHMARKS))
    commit = source_commit()
    assert machine_info()["source"] == commit  # what every results file records
    root = Path(__file__).resolve().parents[1]
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                          capture_output=True, text=True)  # fmt: skip
    if head.returncode != 0:  # not a git checkout (an sdist): nothing to name
        assert commit is None
        return
    assert commit.removesuffix("+changes") == head.stdout.strip()
