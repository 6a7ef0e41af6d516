"""``aekit info --json``: one JSON object of the table's facts; and the table printed where the
output's encoding cannot write a name (PYTHONIOENCODING=ascii)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib

import pytest
import tomli_w
from cli_helpers import invoke, ok

from aekit.cli.info_output import json_key

SMALL = ["--model", "ae", "--epochs", "2", "--quiet", "--param", "hidden_layer_sizes=[8]"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("info") / "RUN"
    # no test reads the RUN's figures: not drawn (1-2 s)
    ok(invoke("train", "digits", *SMALL, "--no-figures", "--out", folder,
              "--checkpoint", folder.parent / "CK"))  # fmt: skip
    return folder


def _table_rows(output: str) -> set[str]:
    """The row names of info's table (each row's first cell; rich's box drawn in ASCII or not)."""
    rows = set()
    for line in output.splitlines():
        cells = [c.strip() for c in line.replace("│", "|").split("|")]
        if len(cells) == 4 and cells[1]:
            rows.add(cells[1])
    return rows


def test_info_json_of_a_run_and_of_its_model_file_holds_the_tables_facts(run):
    facts = json.loads(ok(invoke("info", "--json", run)).output)
    assert facts["file"] == str(run / "model.safetensors") and facts["class"] == "Autoencoder"
    assert facts["rows"] == 1797 and facts["epochs"] == 2 and facts["features"] == 64
    assert facts["parameters"]["latent_dim"] == 8 and set(facts["final_metrics"]) >= {"loss"}
    table = ok(invoke("info", run)).output
    assert {json_key(name) for name in _table_rows(table)} <= set(facts)
    alone = json.loads(ok(invoke("info", run / "model.safetensors", "--json")).output)
    assert alone["class"] == "Autoencoder" and "rows" not in alone  # a bare file: no RUN record
    assert alone["parameters"] == facts["parameters"]


def test_info_json_of_a_checkpoint(run):
    facts = json.loads(ok(invoke("info", "--json", run.parent / "CK")).output)
    assert facts["epochs_done"] == 2 and facts["kind"].startswith("training checkpoint")


def test_info_prints_a_name_its_output_encoding_cannot_write(run, tmp_path):
    # PYTHONIOENCODING=ascii: "'ascii' codec can't encode character '\xe8'", exit 2
    folder = tmp_path / "modèles"
    folder.mkdir()
    shutil.copy(run / "model.safetensors", folder / "m.safetensors")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "120"}
    for words in ([], ["--json"]):
        command = [sys.executable, "-m", "aekit", "info", *words, str(folder / "m.safetensors")]
        done = subprocess.run(command, env=env, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        said = done.stdout.decode("ascii")
        assert "Autoencoder" in said
        if words:  # JSON: the name exactly, as \u00e8
            assert json.loads(said)["file"] == str(folder / "m.safetensors")
        else:  # the table: what ASCII cannot write as '?'
            assert "mod?les" in said


DIGEST = hashlib.sha256(b"rows").hexdigest()
SAID = ["Autoencoder: after 2 epochs ... it has not learned", "latent_dim=8 is not smaller"]


@pytest.fixture
def recorded(run, tmp_path):
    """A copy of ``run`` whose config.toml records a data digest and two warnings."""
    copy = tmp_path / "RUN"
    shutil.copytree(run, copy)
    document = tomllib.loads((copy / "config.toml").read_text())
    document["data"]["sha256"] = DIGEST
    document["run"]["warnings"] = SAID
    (copy / "config.toml").write_text(tomli_w.dumps(document))
    return copy


def test_info_json_gives_the_warnings_as_a_list(recorded):
    facts = json.loads(ok(invoke("info", "--json", recorded)).output)
    assert facts["warnings"] == SAID  # it was one string, the warnings joined by newlines
    assert facts["data_sha256"] == DIGEST


@pytest.mark.parametrize("columns", [60, 120])
def test_info_prints_the_digest_whole_at_any_width(recorded, columns, monkeypatch):
    # at 60 columns the table folded the digest over two lines, between its borders
    monkeypatch.setenv("COLUMNS", str(columns))
    shown = ok(invoke("info", recorded)).output
    lines = [line for line in shown.splitlines() if DIGEST in line]
    assert len(lines) == 1 and "data sha256" in lines[0]
    # the table is drawn as wide as the terminal still (the digest's line alone may be wider)
    assert all(len(line) <= columns for line in shown.splitlines() if DIGEST not in line)
    for said in SAID:  # the table shows each warning, unfolded as it fits
        assert said.split()[0] in shown
