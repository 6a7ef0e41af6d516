"""The README's self-contained Python examples run as written (each block marked with the
comment below, in a fresh namespace, in an empty folder): a renamed argument, a moved function
or a changed return shape breaks the README's first lines the way it breaks a user's script.

Training is cut to two epochs a network (the examples' own defaults take a minute and a half on
two cores): what is checked is that every call in them exists and accepts what the README gives
it, not how well the networks learn, which the other tests and ``benchmarks/`` measure.
"""

import re
from pathlib import Path

import pytest

import aekit.core.train
import aekit.estimators._base

README = Path(__file__).resolve().parents[1] / "README.md"
MARK = "<!-- tests/test_readme.py runs this block -->"
BLOCK = re.compile(re.escape(MARK) + r"\n```python\n(.*?)```", re.S)


def marked_blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in BLOCK.finditer(text)]


def test_the_readme_marks_its_runnable_blocks():
    # every mark is followed by a Python block (a mark before prose would silently test nothing)
    text = README.read_text(encoding="utf-8")
    assert text.count(MARK) == len(marked_blocks()) >= 3


@pytest.mark.parametrize(
    ("line", "code"), marked_blocks(), ids=[f"line {line}" for line, _ in marked_blocks()]
)
def test_a_readme_example_runs(line, code, tmp_path, monkeypatch):
    trainer = aekit.core.train.train

    def two_epochs(module, X, y=None, *, config, **kwargs):
        config.max_iter = min(config.max_iter, 2)
        return trainer(module, X, y, config=config, **kwargs)

    monkeypatch.setattr(aekit.estimators._base, "train", two_epochs)
    monkeypatch.chdir(tmp_path)
    if "onnxruntime" in code:
        pytest.importorskip("onnxruntime")
    if "aekit.viz" in code:
        pytest.importorskip("matplotlib").use("Agg")
    exec(compile(code, f"README.md, block at line {line}", "exec"), {"__name__": "__readme__"})
