"""The help of every command, as a user audit read it (items 10a-10i and 11): values shown as
values, option names whole on a narrow terminal, each help naming only what its command has
and saying what it takes; and the command-line errors beside the help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import typer.main
from cli_helpers import invoke, ok, refused
from conftest import CPU
from typer.testing import CliRunner

import aekit
from aekit.cli import app

GROUP = typer.main.get_command(app)
COMMANDS = list(GROUP.commands)


def page(*words: str, width: int = 300) -> str:
    """``aekit WORDS --help`` at ``width`` columns (rich reads COLUMNS)."""
    return ok(CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": str(width)})).output


def flat(text: str) -> str:
    """A help page's words in one line, its frames and line breaks aside."""
    return " ".join(text.replace("│", " ").split())


def params(command: str) -> list:
    return GROUP.commands[command].params


def option_help(command: str, name: str) -> str:
    (param,) = [p for p in params(command) if name in p.opts]
    return param.help


def test_the_help_shows_values_not_python_types():
    # '--force --no-force <bool>', '--param <list[str]>', 'aekit encode [OPTIONS] {RUN} {DATA}'
    for words in ([], *([c] for c in COMMANDS)):
        text = page(*words)
        assert not re.search(r"<(bool|str|path|int|float)>|list\[", text), text
        usage = next(line for line in text.splitlines() if "Usage:" in line)
        assert "{" not in usage, usage
    assert "encode [OPTIONS] RUN DATA" in page("encode")
    assert "train [OPTIONS] [DATA]" in page("train")  # DATA may come from --config
    train = flat(page("train"))
    assert "--force --no-force Replace" in train  # a flag takes no value
    assert "--param KEY=VALUE An estimator parameter" in train
    assert "--image-shape C,H,W" in train and "--epochs INT" in train
    assert "--output -o PATH" in flat(page("encode"))


def test_an_option_of_fixed_choices_names_what_it_takes_not_text():
    # the choices are in the help text; TEXT said nothing of them
    for command, option, metavar in [
        ("train", "--model", "KIND"), ("detect", "--threshold", "RULE"),
        ("detect-series", "--threshold", "RULE"), ("detect-series", "--handle-missing", "HOW"),
        ("finetune", "--task", "TASK"), ("interpolate", "--method", "METHOD"),
    ]:  # fmt: skip
        assert f"{option} {metavar} " in flat(page(command)), (command, option)


@pytest.mark.parametrize("width", [30, 40, 60, 80])
def test_a_narrow_terminal_never_cuts_an_option_name(width):
    # at 40 columns rich cut them: '│ *  --ou…  -o   <path  File │', '--la…'
    for words in ([], *([c] for c in COMMANDS)):
        text = page(*words, width=width)
        assert "…" not in text, text
        command = GROUP.commands[words[0]] if words else GROUP
        for param in command.params:
            if getattr(param, "hidden", False):  # taken to be refused in words, not listed
                continue
            for name in (*param.opts, *param.secondary_opts):
                if name.startswith("-"):
                    assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), (name, text)
        if any("--param" in p.opts for p in command.params):
            assert re.search(r"--param\s+KEY=VALUE", text), text


def test_a_narrow_help_puts_each_option_on_a_line_of_its_own():
    text = page("encode", width=40)
    lines = text.splitlines()
    assert "  -o, --output PATH" in lines
    below = lines[lines.index("  -o, --output PATH") + 1]
    assert below.strip().startswith("File to write")
    assert max(map(len, lines)) <= 40


def test_h_is_help_everywhere():
    # 'aekit -h' was "No such option: -h (options go after the command, e.g. 'aekit train
    # DATA -h ...')", and 'aekit train -h' was refused too
    assert "Commands" in ok(invoke("-h")).output
    assert "Usage:" in ok(invoke("train", "-h")).output
    assert "Usage:" in ok(invoke("encode", "-h")).output


def _usage_error(*words: str):
    """The usage error of ``aekit WORDS``, as run_cli catches it."""
    from aekit.cli.running import ClickException

    with pytest.raises(ClickException) as caught:
        GROUP.main(list(words), prog_name="aekit", standalone_mode=False)
    return caught.value


def test_an_option_before_the_command_is_placed_only_where_a_command_takes_it():
    from aekit.cli.running import usage_message

    version = usage_message(_usage_error("-V", "train", "digits"))
    assert version.startswith("No such option: -V") and "go after" not in version
    step = usage_message(_usage_error("--step", "1", "compress"))
    assert "(options go after the command, e.g. 'aekit compress RUN DATA --step ...')" in step
    epochs = usage_message(_usage_error("--epochs", "3", "train", "digits"))
    assert "e.g. 'aekit train DATA --epochs ...'" in epochs


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ("train digits --latent-dim 2", "--latent-dim (aekit train has none: use --param "
         "latent_dim=2; it is an option of: train-compressor)."),
        ("train digits --beta=0.5", "--beta (aekit train has none: use --param beta=0.5)."),
        ("train digits --hidden-layer-sizes 128,64", "--hidden-layer-sizes (aekit train has "
         "none: use --param 'hidden_layer_sizes=[128,64]')."),
        ("train --early-stopping digits", "--early-stopping (aekit train has none: use "
         "--param early_stopping=true)."),
        # the parameter's own option where the command has one (--param max_iter is refused)
        ("train digits --max-iter 5", "--max-iter (aekit train has none: use --epochs 5)."),
        ("train digits --random-state 3", "--random-state (aekit train has none: use --seed 3)."),
        ("impute t.csv -o f.csv --latent-dim 9", "--latent-dim (aekit impute has none: use "
         "--param latent_dim=9; it is an option of: train-compressor)."),
        ("detect t.csv --n-estimators 3", "--n-estimators (aekit detect has none: use --param "
         "n_estimators=3)."),
        ("detect t.csv --random-state 3", "--random-state (aekit detect has none: use --seed 3)."),
        # a parameter of other commands' models, not of the detector: it said only "it is an
        # option of: train-compressor", as if that command were the way to set detect's
        ("detect t.csv --latent-dim 2", "--latent-dim (aekit detect has none, and --param sets "
         "no latent_dim: AnomalyDetector has no such parameter; it is an option of: "
         "train-compressor)."),
        ("impute t.csv -o f.csv --beta 2", "--beta (aekit impute has none, and --param sets no "
         "beta: AutoencoderImputer has no such parameter)."),
        # a parameter of some of train's models: named with them ('--model ae --beta 2' was
        # told "use --param beta=2", which ae refuses)
        ("train digits --model ae --beta 2", "--beta (aekit train has none: use --param beta=2 "
         "with --model vae or cvae; --model ae has no beta)."),
        ("train digits --noise-level 0.3", "--noise-level (aekit train has none: use --param "
         "noise_level=0.3 with --model dae; the default --model vae has no noise_level)."),
        ("train digits --contamination 0.1", "--contamination (aekit train has none, and --param "
         "sets no contamination: no --model choice has such a parameter; the commands that "
         "take it: detect, detect-series)."),
    ],
)  # fmt: skip
def test_an_estimator_parameter_as_an_option_is_told_its_param(words, said):
    # 'aekit train digits --latent-dim 2' was sent to train-compressor, whose option it is:
    # train sets its models' parameters with --param
    from aekit.cli.running import usage_message

    line = usage_message(_usage_error(*words.split()), words.split())
    assert line.startswith(f"No such option: {said}"), line


def test_train_advises_a_parameter_with_the_models_that_have_it():
    # whichever --model is typed, the advice for '--NAME 1' sends the user to models whose
    # parameters hold NAME ('--model ae --beta 2' was told --param beta=2, which ae refuses)
    from aekit import registry
    from aekit.cli.running import usage_message

    parameters = {
        cls: registry.find_class(cls)().get_params() for cls in registry.CLI_MODELS.values()
    }
    names = set().union(*parameters.values()) - {"verbose", "warm_start"}  # said below
    options = {opt for p in params("train") for opt in p.opts}
    for model, cls in registry.CLI_MODELS.items():
        for name in sorted(names):
            option = "--" + name.replace("_", "-")
            if option in options:
                continue
            words = ["train", "digits", "--model", model, option, "1"]
            said = usage_message(_usage_error(*words), words)
            assert ": use --" in said, said
            advised = re.search(r"use --param \S+ with --model ([\w ]+?)(;|\))", said)
            chosen = [cls] if advised is None else advised[1].split(" or ")
            for choice in chosen:
                assert name in parameters[registry.CLI_MODELS.get(choice, choice)], said


def test_warm_start_as_an_option_says_why_not():
    from aekit.cli.running import usage_message

    words = ["train", "digits", "--warm-start"]
    said = usage_message(_usage_error(*words), words)
    assert said.startswith(
        "No such option: --warm-start (aekit train has none: each command fits a new network"
    ), said


def test_train_advice_reads_the_model_of_its_config(tmp_path):
    from aekit.cli.running import usage_message

    (tmp_path / "config.toml").write_text('[model]\nclass = "Autoencoder"\n')
    words = ["train", "--config", str(tmp_path / "config.toml"), "--beta", "2"]
    said = usage_message(_usage_error(*words), words)
    assert "use --param beta=2 with --model vae or cvae; --config's Autoencoder has no beta" in said


def test_every_command_with_param_names_the_estimators_it_sets():
    from aekit.cli.runs import PARAM_CLASSES

    taking = {name for name in COMMANDS if any("--param" in p.opts for p in params(name))}
    assert set(PARAM_CLASSES) == taking


def test_the_parameter_table_is_the_classes_parameters():
    # the unknown-option advice reads this table, not get_params (which imports torch): a
    # parameter added to a class and not here would go unadvised
    from aekit import registry
    from aekit.cli.parameter_names import PARAMETERS, SWITCHES
    from aekit.cli.runs import PARAM_CLASSES

    assert set(PARAMETERS) == {name for names in PARAM_CLASSES.values() for name in names}
    switches = set()
    for name, names in PARAMETERS.items():
        defaults = registry.find_class(name)().get_params()
        assert set(names) == set(defaults), (name, sorted(defaults))
        switches |= {key for key, value in defaults.items() if isinstance(value, bool)}
    assert set(SWITCHES) == switches


def test_the_advice_for_an_unknown_option_imports_no_torch():
    # it asked each estimator for its get_params: 4 s of importing torch before a usage error
    words = ["train", "digits", "--latent-dim", "2"]
    probe = f"""
import sys
import typer.main
from aekit.cli import app
from aekit.cli.running import ClickException, usage_message
try:
    typer.main.get_command(app).main({words!r}, prog_name="aekit", standalone_mode=False)
except ClickException as err:
    said = usage_message(err, {words!r})
assert "use --param latent_dim=2" in said, said
assert "torch" not in sys.modules, "torch imported"
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_evaluate_says_which_estimate_mean_score_and_elbo_are():
    # a VAE's evaluate printed "mean_score": -26.38 beside "elbo": -26.22 without a word of why
    # they differ: two estimates of one bound, from different draws
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    described = flat(readme[readme.index("aekit evaluate RUN digits") :][:900].replace("#", " "))
    for text in (flat(page("evaluate")), described):
        assert "mean_score is the mean of score_samples" in text, text
        assert "the ELBO over" in text and "16" in text and "whatever --n-samples" in text, text
        assert "elbo is the ELBO from the --n-samples k draws that nll is estimated from" in text
        assert "elbo <= -nll" in text, text
    assert "k for a VAE's nll and elbo" in option_help("evaluate", "--n-samples")


def test_train_without_data_is_a_usage_error_with_its_help(tmp_path, monkeypatch):
    # it said "give DATA, or a --config ..." without the "See 'aekit train --help'" of the rest
    from aekit.cli.running import usage_message

    monkeypatch.chdir(tmp_path)
    said = usage_message(_usage_error("train"))
    assert said == (
        "Missing argument 'DATA' (or a --config whose [data] section names it). "
        "See 'aekit train --help'."
    )
    assert list(tmp_path.iterdir()) == []


def test_an_option_without_its_value_says_where_the_help_is(capsys):
    # click gives "requires an argument" no context: the line lacked "See '... --help'", which
    # every other wrong command line has (user review); aekit.cli.run says it as the process
    from aekit.cli import run

    assert run(["detect", "x.csv", "--contamination"]) == 2
    assert capsys.readouterr().err.strip() == (
        "aekit: error: Option '--contamination' requires an argument. See 'aekit detect --help'."
    )


def test_standard_output_is_refused_as_such(tmp_path):
    # '-o -' was refused as a format: "-o -: write .npy, .csv or .parquet."
    encode = invoke("encode", tmp_path / "none", "digits", "-o", "-")
    said = refused(encode, "-o -: writing to standard output is not supported", "-o out.npy")
    assert "write .npy" not in said
    search = invoke("search", tmp_path / "none.index", "digits", "-o", "-")
    refused(search, "not supported", "without it, 'aekit search' prints the hits")
    train = invoke("train", "digits", "--out", "-")
    refused(train, "--out -: writing to standard output is not supported; give a folder name")


def test_each_run_argument_says_what_its_command_needs():
    index = flat(page("index"))
    assert "RUN A hasher: the model file or RUN folder that 'aekit train-hasher' wrote" in index
    for command in ("compress", "decompress"):
        assert "that 'aekit train-compressor' wrote" in flat(page(command)), command
    info = flat(page("info"))
    for words in ("model file", ".aek file from 'aekit compress'", "an index from 'aekit index'",
                  "training checkpoint"):  # fmt: skip
        assert words in info, info
    assert "not a model file" in flat(page("report"))


def test_a_help_names_only_the_options_its_command_has():
    # encode, search and others said '(default: as RUN or --config recorded ...)' of
    # --grayscale, with no --config; the table options said 'or the one RUN recorded' with no RUN
    for command in COMMANDS:
        names = {o for p in params(command) for o in (*p.opts, *p.secondary_opts)}
        for param in params(command):
            text = param.help or ""
            assert "{recorded}" not in text, (command, text)
            unquoted = re.sub(r"'[^']*'", "", text)  # 'aekit detect --normal-label' is another's
            for name in re.findall(r"--[a-z][a-z-]*", unquoted):
                assert name in names, (command, name, text)
    assert "(default: as RUN recorded, else no)" in option_help("encode", "--grayscale")
    assert "(default: as --config recorded, else no)" in option_help("train", "--grayscale")
    assert "(default: as INDEX recorded, else ',' for .csv" in option_help("search", "--sep")
    assert option_help("train-hasher", "--sep").endswith(  # no record
        "(default: ',' for .csv, a tab for .tsv, sniffed from the first lines for .txt, .dat "
        "and .data)."
    )


def test_each_output_help_lists_what_the_command_writes():
    # denoise said .npy/.csv/.parquet (.png too), generate PNG/.npy/.csv (.parquet too),
    # interpolate 'path.png or .npy' (.csv and .parquet too)
    from aekit.cli.output_formats import FIGURE_OUTPUTS, OUTPUT_FORMATS, check_figure

    suffix = re.compile(r"(?<![\w/])\.[a-z]+\b")
    for command, (accepted, _) in OUTPUT_FORMATS.items():
        said = set(suffix.findall(option_help(command, "-o")))
        assert said == set(accepted), (command, said, accepted)
    for command in FIGURE_OUTPUTS:
        said = suffix.findall(option_help(command, "-o"))
        assert {".png", ".svg", ".pdf"} <= set(said), said
        for name in said:
            check_figure(Path(f"figure{name}"), "-o")  # each one written


def test_no_help_shows_markup_or_riddles():
    # evaluate showed ``--label-column``; export '--out,--output -o ... (-o: older)'
    for command in COMMANDS:
        assert "``" not in page(command), command
    assert "(-o: older)" not in page("export")


@pytest.fixture(scope="module")
def flat_model(tmp_path_factory, digits):
    """A model of the digits' 64 values as flat rows, as a file and as a RUN that records
    --image-shape 1,4,16 (a .npy of those rows read as 1x4x16 images)."""
    folder = tmp_path_factory.mktemp("flat")
    aekit.Autoencoder(**CPU).fit(digits[0]).save(folder / "model.safetensors")
    run = folder / "run"
    run.mkdir()
    (run / "model.safetensors").write_bytes((folder / "model.safetensors").read_bytes())
    (run / "config.toml").write_text('[data]\npath = "x.npy"\nimage_shape = "1,4,16"\n')
    return folder / "model.safetensors", run


def test_image_shape_is_checked_whatever_data_is(flat_model, tmp_path):
    # 'aekit encode RUN digits --image-shape banana' and '--image-shape 1,4,16' ran, rc 0,
    # where a .npy DATA refused a bad value
    model, run = flat_model
    out = tmp_path / "z.csv"

    def encode(source, data, *shape):
        return invoke("encode", source, data, "-o", out, *shape)

    bad = "--image-shape takes 3 positive integers"
    refused(encode(model, "digits", "--image-shape", "banana"), bad)
    other = encode(model, "digits", "--image-shape", "1,4,16")
    refused(other, "DATA digits is images of shape 1,8,8", "leave --image-shape out")
    ok(encode(model, "digits", "--image-shape", "1,8,8"))  # its own shape
    trained = invoke("train", "digits", "--image-shape", "1,4,16", "--out", tmp_path / "r")
    refused(trained, "DATA digits is images of shape 1,8,8")
    assert not (tmp_path / "r").exists()
    # a RUN that recorded another shape: refused naming the recorded one
    recorded = "trained with --image-shape 1,4,16 (its config.toml)"
    refused(encode(run, "digits"), recorded, "DATA digits is images of shape 1,8,8")
    np.save(tmp_path / "x.npy", np.zeros((3, 64), dtype=np.float32))
    refused(encode(model, tmp_path / "x.npy", "--image-shape", "banana"), bad)  # as before
