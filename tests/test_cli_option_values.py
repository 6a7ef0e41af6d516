"""A wrong value of an option is said as that option, in one line, before any work: a pass over
every command's --help found a traceback (manifold -n 100000 asked for 74.5 GiB), a --seed
that took -1, and errors that named Python parameters (step=0.0, method='cubic', max_iter)."""

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.cli.errors import for_the_command_line

QUICK = ["--epochs", "1", "--quiet", "--no-figures", "--param", "hidden_layer_sizes=[8]"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("option_values")
    for model in ("ae", "dae"):
        ok(invoke("train", "digits", "--model", model, *QUICK, "--out", folder / model))
    return folder


def test_manifold_sizes_and_models_without_a_latent_distribution(runs):
    said = refused(invoke("manifold", runs / "ae", "-n", "100000", "-o", runs / "m.png"), "-n")
    assert said == "-n 100000: the grid takes 2 to 100 images per side.", said
    refused(invoke("manifold", runs / "ae", "-n", "1", "-o", runs / "m.png"), "2 to 100")
    refused(invoke("interpolate", runs / "ae", "digits", "-o", runs / "w.png"),
            "train a run with --model vae or cvae")  # fmt: skip
    assert not (runs / "m.png").exists() and not (runs / "w.png").exists()


def test_denoise_seed_is_a_seed_and_said_unused_without_noise(runs):
    out = runs / "clean.npy"
    result = invoke("denoise", runs / "dae", "digits", "--add-noise", "gaussian:0.3",
                    "--seed", "-1", "-o", out)  # fmt: skip
    assert result.exit_code == 2 and "--seed" in result.output and not out.exists()
    with pytest.warns(UserWarning, match="--seed has no effect without --add-noise"):
        ok(invoke("denoise", runs / "dae", "digits", "--seed", "3", "-o", out))


def test_serve_names_the_limit_that_is_not_positive(runs):
    for option in ("--max-rows", "--threads", "--timeout", "--max-body-mb"):
        said = refused(invoke("serve", runs / "ae", option, "0"), option)
        assert said == f"{option} 0: it must be positive.", said


def test_report_of_a_folder_that_is_not_there(tmp_path):
    refused(invoke("report", tmp_path / "nope"), f"RUN {tmp_path / 'nope'}: no such folder.")


def test_python_parameters_are_said_as_the_options_that_set_them(tmp_path):
    assert for_the_command_line("step=0.0 must be a positive number (smaller = more bits).",
                                {"step"}).startswith("--step 0.0 must be")  # fmt: skip
    method = "method='cubic' is not supported; use 'linear' or 'slerp'."
    assert for_the_command_line(method, {"method"}) == "--method cubic: use linear or slerp."
    series = tmp_path / "series.csv"
    pd.DataFrame({"v": np.sin(np.arange(200) / 5)}).to_csv(series, index=False)
    result = invoke("detect-series", series, "--epochs", "0", "--window", "16",
                    "--out", tmp_path / "S")  # fmt: skip
    said = for_the_command_line(refused(result), {"epochs", "param"})  # as the line prints it
    assert said == "--epochs (max_iter) must be at least 1; got 0.", said


def test_a_bad_epochs_or_param_is_refused_before_data_is_read(tmp_path):
    # a table with a date column was refused for its date first; fixed, then for --epochs
    (tmp_path / "t.csv").write_text("a,when\n1,2020-01-01\n2,2020-01-02\n")
    for typed, said in (
        (["--epochs", "0"], "--epochs (max_iter) must be at least 1; got 0."),
        (["--param", "latent_dim=abc"], "--param latent_dim must be an int in the range"),
    ):
        result = invoke("train", tmp_path / "t.csv", *typed, "--out", tmp_path / "R")
        told = for_the_command_line(refused(result), {"epochs", "param"})
        assert told.startswith(said), told
    assert not (tmp_path / "R").exists()


def test_a_config_that_is_not_there(tmp_path):
    said = refused(invoke("train", "digits", "--config", tmp_path / "nowhere.toml"))
    assert said == f"cannot read --config {tmp_path / 'nowhere.toml'}: no such file.", said


def _help_at_80_columns(command: str, monkeypatch, capsys) -> str:
    """``aekit COMMAND --help`` as a process with COLUMNS=80 prints it (``aekit.cli.run`` draws
    the same text, its ``Usage:`` line naming ``aekit``), without a process's imports."""
    from aekit.cli import run

    monkeypatch.setenv("COLUMNS", "80")
    assert run([command, "--help"]) == 0
    return capsys.readouterr().out


def test_help_paragraphs_flow_at_80_columns(monkeypatch, capsys):
    # typer kept each docstring line break after the first paragraph: at 80 columns the help
    # read as alternating long and short lines ("the mean of" / "score_samples ...")
    from aekit.cli.help import flowing

    assert flowing("First.\n\nOne paragraph\non two lines.") == (
        "First.\n\nOne paragraph on two lines."
    )
    kept = "Examples:\n  aekit train digits\n  aekit info RUN"
    assert flowing(f"First.\n\n{kept}") == f"First.\n\n{kept}"
    shown = _help_at_80_columns("evaluate", monkeypatch, capsys)
    assert "mean_score is the mean of score_samples" in " ".join(shown.split())
    lines = [line.strip() for line in shown.splitlines() if line.strip()]
    assert not any(line.endswith("the mean of") for line in lines), shown


def test_the_label_columns_default_is_the_recorded_one_where_a_run_is_read():
    # the help gave none, while evaluate RUN DATA reads the column detect recorded
    def said(command: str) -> str:
        return " ".join(ok(invoke(command, "--help")).output.replace("│", " ").split())

    assert "holds the labels (default: as RUN recorded, else none)" in said("evaluate")
    assert "holds the labels (default: none)" in said("detect")


def test_a_missing_data_suggests_digits_where_the_command_can_use_them(tmp_path):
    # 'aekit impute' was told "(or use 'digits')", which it then refused: no gaps to fill
    missing = f"DATA {str(tmp_path / 'nope.csv')!r}: no such file or folder"
    assert refused(invoke("impute", tmp_path / "nope.csv", "-o", tmp_path / "f.csv")) == (
        missing + "."
    )
    assert refused(invoke("train", tmp_path / "nope.csv")).endswith("(or use 'digits').")


def test_a_conditional_run_on_data_without_labels_says_it_predicts_them(tmp_path):
    # its codes under predicted labels differ from those under the rows' own, without a word
    rows = np.random.default_rng(0).normal(size=(60, 5)).astype(np.float32)
    np.save(tmp_path / "X.npy", rows)
    np.save(tmp_path / "y.npy", np.arange(60) % 3)
    run = tmp_path / "cvae"
    ok(invoke("train", tmp_path / "X.npy", "--labels", tmp_path / "y.npy", "--model", "cvae",
              *QUICK, "--out", run))  # fmt: skip
    np.save(tmp_path / "new.npy", rows[:10])
    with pytest.warns(UserWarning, match="encode conditions each row on the label the Cond"):
        ok(invoke("encode", run, tmp_path / "new.npy", "-o", tmp_path / "z.csv"))
    import warnings

    with warnings.catch_warnings():  # the run's own DATA: its recorded labels, nothing said
        warnings.simplefilter("error", UserWarning)
        ok(invoke("encode", run, tmp_path / "X.npy", "-o", tmp_path / "own.csv"))
    # a table run's label column, which new rows lack: named, not advised again as an option
    table = pd.DataFrame(rows, columns=list("abcde")).assign(kind=np.arange(60) % 3)
    table.to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("train", tmp_path / "t.csv", "--label-column", "kind", "--model", "cvae", *QUICK,
              "--out", tmp_path / "tab"))  # fmt: skip
    table.drop(columns="kind").to_csv(tmp_path / "new.csv", index=False)
    with pytest.warns(UserWarning, match="DATA lacks the label column 'kind' the run was") as said:
        ok(invoke("encode", tmp_path / "tab", tmp_path / "new.csv", "-o", tmp_path / "zt.csv"))
    assert "--label-column" not in str(said[0].message)
    # the same run given an array, which has no columns: --labels FILE is the way
    with pytest.warns(UserWarning, match="or --labels FILE") as said:
        ok(invoke("encode", tmp_path / "tab", tmp_path / "new.npy", "-o", tmp_path / "za.csv"))
    assert "lacks the label column" not in str(said[0].message)


def test_the_labels_files_recorded_default_is_named_where_a_record_is_read():
    def said(command: str) -> str:
        return " ".join(ok(invoke(command, "--help")).output.replace("│", " ").split())

    assert "Default, for a RUN's own training DATA: the labels file" in said("encode")
    assert "Default, for --config's own DATA: the labels file it recorded" in said("train")
    assert "Default, for" not in said("detect")  # it fits afresh: no RUN to read


def test_detect_help_keeps_its_panels_at_80_columns(monkeypatch, capsys):
    # '--handle-missing / --no-handle-missing' was too wide: detect alone fell back to plain text
    shown = _help_at_80_columns("detect", monkeypatch, capsys)
    assert "╭─ Options" in shown and "--handle-missing" in shown, shown
