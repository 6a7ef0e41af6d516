"""An empty value typed for a path option or --label-column is refused in one line naming the
option, before any work (aekit.cli.empty_values)."""

from __future__ import annotations

import pytest
from cli_helpers import invoke, ok, refused

SMALL = ["--model", "ae", "--epochs", "1", "--quiet", "--param", "hidden_layer_sizes=[8]"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("empty") / "RUN"
    ok(invoke("train", "digits", *SMALL, "--out", folder))
    return folder


@pytest.mark.parametrize(
    ("words", "said"),
    [
        # -o '' was '-o/--output . is a folder; give a file name inside it.'
        (
            ["score", "RUN", "digits", "-o", ""],
            "-o/--output is empty (''): name the file to write.",
        ),
        (["encode", "RUN", "digits", "--output="], "-o/--output is empty (''): name the file"),
        (["train", "digits", "--out", ""], "--out is empty (''): name the folder"),
        (["train", "digits", "--checkpoint", ""], "--checkpoint is empty (''): give a path"),
        # train ran unlabelled, unsaid; detect said "--label-column '' is not a column of ..."
        (["train", "t.csv", "--label-column", ""], "--label-column is empty (''): name the"),
        (
            ["detect", "t.csv", "--label-column", ""],
            "--label-column is empty (''): name the column",
        ),
        (["score", "RUN", "t.csv", "--label-column", "", "-o", "s.csv"], "--label-column is empty"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_an_empty_value_is_refused_naming_the_option(words, said, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("a,b,label\n1,2,x\n3,4,y\n5,6,x\n")
    message = refused(invoke(*[run if w == "RUN" else w for w in words]), said)
    assert "\n" not in message and sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
    if "--label-column" in words:
        assert "or leave the option out" in message


def test_an_empty_id_column_keeps_its_meaning(run, tmp_path):
    # --id-column '' undoes a recorded id column (README): not refused
    ok(invoke("score", run, "digits", "--id-column", "", "-o", tmp_path / "s.csv"))
