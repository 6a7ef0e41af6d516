"""``--no-figures`` on every command that draws RUN/figures/*.png besides ``aekit train``
(whose own test is in test_cli_runs.py): detect, detect-series, finetune, and impute,
train-hasher and train-compressor given --out RUN drew them, seconds a run, with no way to
skip them."""

from __future__ import annotations

import html
import shlex

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.viz.report import no_figures_note

# each command's tiny fit ({data}: a table of 40 rows, a, b and c; {labelled}: the same with
# a label column y; {gaps}: with missing cells; {run}: an autoencoder run of a and b)
COMMANDS = {
    "detect": "detect {data} --seed 0 --param n_estimators=1 --param member_params={{max_iter=1}}",
    "detect-series": "detect-series {data} --window 4 --epochs 1",
    "finetune": "finetune {run} {labelled} --label-column y --epochs 1",
    "impute": "impute {gaps} -o {folder}/filled.csv --epochs 1",
    "train-hasher": "train-hasher {data} --bits 4 --epochs 1",
    "train-compressor": "train-compressor {data} --latent-dim 2 --epochs 1",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("no-figures")
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 3)), columns=list("abc"))
    frame.to_csv(folder / "t.csv", index=False)
    frame.assign(y=np.arange(40) % 2).to_csv(folder / "l.csv", index=False)
    frame.mask(np.arange(40)[:, None] % 5 == np.arange(3)).to_csv(folder / "g.csv", index=False)
    ok(invoke("train", folder / "t.csv", "--ignore-column", "c", "--model", "ae", "--epochs",
              1, "--quiet", "--no-figures", "--out", folder / "ae"))  # fmt: skip
    return {
        "data": folder / "t.csv",
        "labelled": folder / "l.csv",
        "gaps": folder / "g.csv",
        "run": folder / "ae",
    }


@pytest.mark.parametrize("command", COMMANDS)
def test_no_figures_leaves_a_run_without_them_that_reports_the_command_drawing_them(
    command, files, tmp_path
):
    words = shlex.split(COMMANDS[command].format(folder=tmp_path, **files))
    run = tmp_path / "N"
    ok(invoke(*words, "--quiet", "--no-figures", "--out", run))
    assert (run / "model.safetensors").is_file() and (run / "metrics.csv").is_file()
    assert not (run / "figures").exists() and not list(run.rglob("*.png"))
    # command.txt makes the same folder again, figures left out
    recorded = shlex.split((run / "command.txt").read_text())
    assert recorded[:2] == ["aekit", command] and "--no-figures" in recorded
    reported = ok(invoke("report", run))
    again = recorded[:]
    again.remove("--no-figures")
    again[again.index("--out") + 1] = f"{run}-figures"
    said = (
        f"the run was made with --no-figures; this makes it again, with them: {shlex.join(again)}"
    )
    assert f"no figures: {said}" in reported.output
    page = html.unescape((run / "report.html").read_text())
    assert f"No figures: {said}." in page and "Not in this run folder" not in page
    # as it says: the same command without the option draws them (the default)
    ok(invoke(*again[1:]))
    assert list((tmp_path / "N-figures" / "figures").glob("*.png"))


@pytest.mark.parametrize("command", ["impute", "train-hasher", "train-compressor"])
def test_no_figures_without_a_run_folder_is_refused(command, files, tmp_path):
    # impute without --out, a hasher or compressor written as a model file: no figures to skip
    words = shlex.split(COMMANDS[command].format(folder=tmp_path, **files))
    model = [] if command == "impute" else ["-o", tmp_path / "m.safetensors"]
    result = invoke(*words, *model, "--no-figures")
    refused(result, "--no-figures", "no --out RUN")
    assert not list(tmp_path.glob("*.safetensors")) and not (tmp_path / "filled.csv").exists()


def test_the_note_of_an_edited_command_without_out_names_no_command(tmp_path):
    (tmp_path / "command.txt").write_text("aekit detect t.csv --no-figures\n")
    said = no_figures_note(tmp_path)
    assert said == "the run was made with --no-figures; its command.txt without it makes it again"
    (tmp_path / "command.txt").write_text("aekit detect t.csv --out R\n")
    assert no_figures_note(tmp_path) is None
