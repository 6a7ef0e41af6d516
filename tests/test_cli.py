"""The command line as a user runs it: typer's runner for speed, ``aekit.cli.run`` (the
``aekit`` process's own error path, in this process) for exit codes and stderr, real
subprocesses for what only a process shows: start-up time, the executable's own exit status."""

import shlex
import subprocess
import sys
import tomllib

import numpy as np
import pandas as pd
import pytest
from conftest import DEVICE
from typer.testing import CliRunner

import aekit
from aekit.cli import app

runner = CliRunner()
QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[16]", "--quiet"]
FAST = [*QUICK, "--no-figures"]  # for the tests that look at no figure


def run(*args):
    command = [sys.executable, "-m", "aekit.cli", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def said(capsys):
    """``said(*args)``: ``aekit ARGS`` run by ``aekit.cli.run`` (the status, stdout and stderr
    the process gives, without the 2-3 s of a new process importing torch)."""

    def said(*args):
        status = aekit.cli.run([str(a) for a in args])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out, err)

    return said


@pytest.fixture(scope="module")
def cvae_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "cvae"
    result = invoke(
        "train", "digits", "--model", "cvae", "--param", "latent_dim=4", *QUICK, "--out", out
    )
    assert result.exit_code == 0, result.output
    return out


def test_train_leaves_model_config_metrics_command_and_figures(cvae_run):
    assert (cvae_run / "model.safetensors").exists()
    config = tomllib.loads((cvae_run / "config.toml").read_text())
    assert config["model"]["class"] == "ConditionalVAE"
    assert config["params"]["latent_dim"] == 4 and config["data"]["path"] == "digits"
    metrics = pd.read_csv(cvae_run / "metrics.csv")
    assert list(metrics["epoch"]) == [1, 2] and {"loss", "kl", "reconstruction"} <= set(metrics)
    assert "aekit train digits" in (cvae_run / "command.txt").read_text()
    figures = {p.name for p in (cvae_run / "figures").glob("*.png")}
    assert {"loss_curves.png", "latent.png", "samples.png"} <= figures


def test_train_says_why_training_stopped(tmp_path):
    """The epoch budget, or which loss stalled (the trainer's rule, with its numbers)."""
    budget = invoke("train", "digits", "--model", "ae", *FAST, "--out", tmp_path / "a")
    assert budget.exit_code == 0, budget.output
    assert "stopped: reached --epochs 2" in budget.output
    stalled = invoke(
        "train", "digits", "--model", "ae", "--quiet", "--no-figures", "--param",
        "hidden_layer_sizes=[16]", "--param", "max_iter=50", "--param", "tol=1e9", "--param",
        "n_iter_no_change=2", "--out", tmp_path / "b",
    )  # fmt: skip
    assert stalled.exit_code == 0, stalled.output
    assert (
        "stopped: the training loss did not improve by tol=1e+09 for n_iter_no_change=2 epochs"
        in stalled.output
    )


def test_config_toml_reruns_the_same_training(cvae_run, tmp_path):
    result = invoke("train", "--config", cvae_run / "config.toml", "--out", tmp_path / "again",
                    "--quiet", "--no-figures")  # fmt: skip
    assert result.exit_code == 0, result.output
    first = pd.read_csv(cvae_run / "metrics.csv")
    again = pd.read_csv(tmp_path / "again" / "metrics.csv")
    pd.testing.assert_frame_equal(first, again)  # same seed, same data, same numbers
    # A typed --model other than the config's was dropped silently (the run trained the
    # config's ConditionalVAE): it is refused; the config's own model is welcome.
    other = invoke("train", "--config", cvae_run / "config.toml", "--model", "ae", "--quiet",
                   "--out", tmp_path / "ae")  # fmt: skip
    assert other.exit_code != 0 and not (tmp_path / "ae").exists()
    assert "--model ae is not the ConditionalVAE of --config" in str(other.exception)
    same = invoke("train", "--config", cvae_run / "config.toml", "--model", "cvae", "--quiet",
                  "--no-figures", "--epochs", 1, "--out", tmp_path / "cvae")  # fmt: skip
    assert same.exit_code == 0, same.output


def test_encode_reconstruct_score_generate_and_info(cvae_run, tmp_path):
    assert invoke("encode", cvae_run, "digits", "-o", tmp_path / "z.csv").exit_code == 0
    codes = pd.read_csv(tmp_path / "z.csv")
    assert list(codes.columns) == ["z0", "z1", "z2", "z3"] and len(codes) == 1797
    assert invoke("reconstruct", cvae_run, "digits", "-o", tmp_path / "r.npy").exit_code == 0
    assert np.load(tmp_path / "r.npy").shape == (1797, 1, 8, 8)
    assert invoke("score", cvae_run, "digits", "-o", tmp_path / "s.parquet").exit_code == 0
    scores = pd.read_parquet(tmp_path / "s.parquet")
    assert list(scores.columns) == ["score", "reconstruction_error", "label"]
    result = invoke("generate", cvae_run, "-n", 6, "--label", 7, "-o", tmp_path / "g.npy")
    assert result.exit_code == 0, result.output
    assert np.load(tmp_path / "g.npy").shape == (6, 1, 8, 8)
    assert invoke("generate", cvae_run, "-n", 6, "-o", tmp_path / "g.png").exit_code == 0
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    result = invoke("info", cvae_run)
    assert result.exit_code == 0 and "ConditionalVAE" in result.output


def test_info_lists_the_layers_of_the_default_sizes(tmp_path):
    # the README's "aekit info RUN: class, rows, time, layers, ...": the layers were listed
    # only when --param hidden_layer_sizes was given, never for the default network
    fast = ["--param", "max_iter=1", "--param", "latent_dim=4", "--quiet", "--no-figures"]
    for model, extra, layers in (
        ("ae", [], "64 -> 256 -> 128 -> 4"),
        ("ae", ["--param", "hidden_layer_sizes=32"], "64 -> 32 -> 4"),
        ("vae", ["--param", "architecture=conv"], "conv 32 -> 64 -> 4"),
    ):
        out = tmp_path / f"{model}{len(extra)}"
        result = invoke("train", "digits", "--model", model, *fast, *extra, "--out", out)
        assert result.exit_code == 0, result.output
        shown = invoke("info", out).output
        assert "layers" in shown and layers in shown, shown


def test_info_lists_a_hashers_and_a_compressors_network(tmp_path):
    # their files name no features and no layers: the network is the inner autoencoder's
    for command, extra, layers in (
        ("train-hasher", ["--bits", 8], "64 -> 256 -> 128 -> 8"),
        ("train-compressor", ["--latent-dim", 6], "64 -> 256 -> 128 -> 6"),
    ):
        model = tmp_path / f"{command}.safetensors"
        result = invoke(command, "digits", *extra, "--epochs", 1, "--quiet", "-o", model)
        assert result.exit_code == 0, result.output
        shown = invoke("info", model).output
        assert layers in shown and "features" in shown, shown


def test_report_is_one_page_with_the_command(cvae_run):
    result = invoke("report", cvae_run)
    assert result.exit_code == 0, result.output
    html = (cvae_run / "report.html").read_text()
    assert "aekit train digits" in html and "data:image/png;base64," in html


def test_tabular_csv_with_labels_and_an_unknown_parameter(tmp_path, said):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 5)), columns=list("abcde"))
    frame["kind"] = rng.integers(0, 2, 120)
    frame.to_csv(tmp_path / "table.csv", index=False)
    result = invoke("train", tmp_path / "table.csv", "--label-column", "kind", "--model", "ae",
                    "--param", "latent_dim=2", *FAST, "--out", tmp_path / "run")  # fmt: skip
    assert result.exit_code == 0, result.output
    result = invoke("score", tmp_path / "run", tmp_path / "table.csv", "--label-column", "kind",
                    "-o", tmp_path / "scores.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "scores.csv")) == 120
    result = said(
        "train", tmp_path / "table.csv", "--param", "latnt_dim=2", "--out", tmp_path / "bad"
    )
    assert result.returncode == 2
    assert "no parameter latnt_dim (did you mean latent_dim?); valid:" in result.stderr
    assert not (tmp_path / "bad").exists()
    # the valid names listed contamination and random_state, which --param then refused for
    # the command's own --contamination and --seed (user review)
    from cli_helpers import refused

    said = refused(invoke("detect", tmp_path / "table.csv", "--param", "max_iter=5", "--out",
                          tmp_path / "bad"), "has no parameter max_iter; valid: ")  # fmt: skip
    listed, _, own = said.partition(" (and, with this command's own options: ")
    assert "contamination" not in listed and "random_state" not in listed, said
    assert "contamination with --contamination" in own and "random_state with --seed" in own


@pytest.mark.parametrize(
    "content, problem",
    [
        (
            "a,b\n1,2\n3,4\n5,text\n",
            "column 'b' holds numbers but also text ('text' in data row 2, 0-based)",
        ),
        ("a,b\n1,2\n3,4,5\n", "line 3 has 3 fields where the lines before it have 2; fix"),
        ("", "empty"),
        # rows one field longer than the header: read shifted by a column, without a word
        ("a,b\n1,2,3\n4,5,6\n", "more fields than its header row has names"),
        # a header read as data (--no-header): was "fix those cells, or make every cell text"
        ("a,b\n1,2\n3,4\n5,6\n", "the file has a header row; leave out --no-header"),
    ],
)
def test_a_bad_csv_exits_2_with_one_line_and_leaves_no_run(tmp_path, said, content, problem):
    (tmp_path / "bad.csv").write_text(content)
    header = ["--no-header"] if "--no-header" in problem else []
    result = said("train", tmp_path / "bad.csv", "--out", tmp_path / "RUN", "--quiet", *header)
    assert result.returncode == 2
    assert problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "RUN").exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "bad.csv"]  # no staging folder left either


def test_image_folder_with_labels_from_subfolders(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    for label in ("cat", "dog"):
        (tmp_path / "img" / label).mkdir(parents=True)
        for i in range(6):
            pixels = (rng.random((9, 7)) * 255).astype(np.uint8)
            Image.fromarray(pixels).save(tmp_path / "img" / label / f"{i}.png")
    result = invoke("train", tmp_path / "img", "--model", "cvae", *FAST, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    model = aekit.load(tmp_path / "run" / "model.safetensors", device=DEVICE)
    assert model.image_shape_ == (1, 9, 7) and list(model.classes_) == ["cat", "dog"]


def test_existing_run_folder_is_never_overwritten_without_force(cvae_run, said):
    before = (cvae_run / "model.safetensors").read_bytes()
    result = said("train", "digits", "--out", cvae_run, "--quiet")
    assert result.returncode == 2 and "exists" in result.stderr
    assert (cvae_run / "model.safetensors").read_bytes() == before


def test_demo_trains_saves_a_loadable_model_and_draws_samples(tmp_path, said):
    result = said("demo", "--epochs", "1", "--quiet", "--out", tmp_path / "demo")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "samples.png").read_bytes().startswith(b"\x89PNG")
    assert aekit.load(tmp_path / "demo" / "model.safetensors", device=DEVICE).sample(
        3, y=5
    ).shape == (3, 1, 8, 8)
    # fitted on images, as 'aekit train digits' is: generate draws them without --image-shape
    drawn = said("generate", tmp_path / "demo", "-n", "4", "--label", "3", "-o", tmp_path / "g.png")
    assert drawn.returncode == 0, drawn.stderr
    # 'make demo' twice: refused, --force too (its folder is no RUN); now --force replaces it
    again = said("demo", "--epochs", "1", "--quiet", "--force", "--out", tmp_path / "demo")
    assert again.returncode == 0, again.stderr
    (tmp_path / "demo" / "notes.txt").write_text("mine")  # a user's file: never replaced
    mine = said("demo", "--epochs", "1", "--quiet", "--force", "--out", tmp_path / "demo")
    assert mine.returncode == 2 and "is not a RUN folder" in mine.stderr


def test_help_answers_without_importing_torch():
    probe = (
        "import sys; from aekit.cli import app; assert 'torch' not in sys.modules, 'torch imported'"
    )
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0
    result = run("--help")
    assert result.returncode == 0 and "train" in result.stdout


def test_bad_usage_exits_2_without_a_traceback():
    result = run("demo", "--epochs", "many")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_force_replaces_a_run_and_leaves_no_debris(cvae_run, tmp_path):
    target = tmp_path / "replace"
    assert invoke("train", "digits", *FAST, "--out", target).exit_code == 0
    result = invoke("train", "digits", "--model", "ae", *FAST, "--out", target, "--force")
    assert result.exit_code == 0, result.output
    assert (
        aekit.load(target / "model.safetensors", device=DEVICE).__class__.__name__ == "Autoencoder"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["replace"]


def test_evaluate_and_interpolate(cvae_run, tmp_path, said):
    import json

    result = invoke("evaluate", cvae_run, "digits", "--n-samples", 5, "-o", tmp_path / "e.json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "e.json").read_text())
    # the elbo comes from the NLL's own draws: never above -nll (it was, by 0.0001 nats on a
    # VAE of digits, its 16 common draws against the k of the NLL; a user review)
    assert report["nll"] <= -report["elbo"]
    assert report["rows"] == 1797 and len(report["kl_per_unit"]) == 4
    result = invoke(
        "interpolate",
        cvae_run,
        "digits",
        "--from",
        0,
        "--to",
        5,
        "--steps",
        6,
        "--label",
        3,
        "-o",
        tmp_path / "path.npy",
    )
    assert result.exit_code == 0, result.output
    assert np.load(tmp_path / "path.npy").shape == (6, 1, 8, 8)
    result = said(
        "interpolate", cvae_run, "digits", "--from", 5000, "--label", 3, "-o", tmp_path / "x.png"
    )
    assert result.returncode == 2 and "outside DATA" in result.stderr
    # a path from a row to itself: eight copies of one point, without a word (user review)
    with pytest.warns(UserWarning, match="--from and --to are both row 4: every point"):
        same = invoke("interpolate", cvae_run, "digits", "--from", 4, "--to", 4, "--label", 3,
                      "-o", tmp_path / "same.npy")  # fmt: skip
    assert same.exit_code == 0, same.output


def test_train_takes_epochs_as_train_hasher_does(cvae_run, tmp_path):
    # 'aekit train --epochs 5' failed with "No such option: --epochs"; --param max_iter was the
    # only way. --epochs also overrides a --config's max_iter, and is refused beside --param.
    small = ["--model", "ae", "--quiet", "--no-figures", "--param", "hidden_layer_sizes=[16]"]
    result = invoke("train", "digits", *small, "--epochs", 3, "--out", tmp_path / "a")
    assert result.exit_code == 0, result.output
    assert "stopped: reached --epochs 3" in result.output
    again = invoke("train", "--config", cvae_run / "config.toml", "--epochs", 1, "--quiet",
                   "--no-figures", "--out", tmp_path / "b")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert aekit.load(tmp_path / "b" / "model.safetensors").n_iter_ == 1
    both = invoke("train", "digits", *small, "--epochs", 3, "--param", "max_iter=4")
    assert both.exit_code != 0 and "use --epochs" in str(both.exception)


def test_command_txt_records_epochs_so_the_run_repeats_with_more(tmp_path):
    # command.txt said --param max_iter=N, whether --epochs N or --param max_iter=N was typed:
    # rerun with --epochs added, it was refused ("this command has its own option for it")
    small = ["--model", "ae", "--quiet", "--no-figures", "--param", "hidden_layer_sizes=[16]"]
    for typed in (["--epochs", "1"], ["--param", "max_iter=1"]):
        result = invoke("train", "digits", *small, *typed, "--out", tmp_path / "a", "--force")
        assert result.exit_code == 0, result.output
        command = (tmp_path / "a" / "command.txt").read_text()
        assert " --epochs 1 " in command and "max_iter" not in command, command
    words = shlex.split(command)[1:]  # the words after 'aekit'
    words[words.index("--out") + 1] = str(tmp_path / "b")
    again = invoke(*words, "--epochs", 2)
    assert again.exit_code == 0, again.output
    assert aekit.load(tmp_path / "b" / "model.safetensors").n_iter_ == 2


@pytest.mark.parametrize(
    "args, told",
    [
        (["train", "digits", "extra"], "Got unexpected extra argument(s) (extra). See '"),
        (["train", "digits", "--bogus"], "No such option: --bogus"),
        # click guessed '--sep' for detect's --epochs: that its detector has no epochs to set
        # is said, then the commands that have the option are named
        (
            ["detect", "digits", "--epochs", "3"],
            "No such option: --epochs (aekit detect has none, and --param sets no max_iter: "
            "AnomalyDetector has no such parameter; the commands that take it: demo, "
            "detect-series, finetune, impute, train, train-compressor, train-hasher). See '",
        ),
        # an estimator parameter: train sets it with --param (the value is the one typed)
        (
            ["train", "digits", "--latent-dim", "2"],
            "No such option: --latent-dim (aekit train has none: use --param latent_dim=2; it "
            "is an option of: train-compressor). See '",
        ),
        (["trian", "digits"], "No such command 'trian'. Did you mean 'train'? See '"),
        (
            ["--epochs", "3", "train", "digits"],
            "No such option: --epochs (options go after the command, e.g. 'aekit train DATA",
        ),
        (["train", "digits", "--epochs", "many"], "Invalid value for '--epochs'"),
        (["score"], "Missing argument 'RUN'. See '"),
    ],
)
def test_a_wrong_command_line_exits_2_with_one_line(tmp_path, monkeypatch, said, args, told):
    # typer drew these in a box of five lines, under the usage; a script reads one line
    monkeypatch.chdir(tmp_path)
    result = said(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"aekit: error: {told}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_help_and_version_still_exit_0_and_a_bare_aekit_shows_the_help():
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("aekit ")
    assert run("train", "--help").returncode == 0
    bare = run()
    assert bare.returncode == 2 and "Commands" in bare.stdout and bare.stderr == ""
