"""Issue 20, item 19: the messages of the layers below the command line reach its user with the
command line's fix, not Python advice (the texts are taken from the real errors and warnings)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.cli.errors import error_message, for_the_command_line


def message_of(X, **params) -> str:
    with pytest.raises(ValueError) as caught:
        aekit.Autoencoder(max_iter=1, **params).fit(X)
    return for_the_command_line(str(caught.value))


def test_missing_values_point_to_aekit_impute():
    line = message_of(np.array([[1.0, np.nan], [2.0, 3.0]]))
    assert "aekit impute" in line and "sklearn" not in line and line.startswith("DATA ")


def test_text_columns_point_to_the_options():
    line = message_of(pd.DataFrame({"a": [1.0, 2.0], "kind": ["x", "y"]}))
    assert "(kind)" in line and "--label-column" in line and "aekit." not in line


def test_an_overcomplete_code_points_to_the_models():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
        aekit.Autoencoder(latent_dim=4, hidden_layer_sizes=(4,), max_iter=1).fit(X)
    texts = [for_the_command_line(str(w.message)) for w in caught]
    assert any("--model dae, sparse or cae" in t for t in texts), texts
    assert not any("DenoisingAutoencoder" in t for t in texts)


def _command_options(name: str) -> set[str]:
    import inspect

    from aekit.cli import app

    (info,) = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]
    return set(inspect.signature(info.callback).parameters)


def test_a_message_names_an_option_only_where_the_command_has_it():
    """NaN for a detector: 'pass --handle-missing' in detect, which has the option; in score,
    whose --handle-missing fills a series run's gaps alone, a row detector's fix is to refit
    (or fill the gaps), and a series run's is the option."""
    X = pd.DataFrame({"a": [1.0, np.nan, 3.0] * 10, "b": np.arange(30.0)})
    with pytest.raises(ValueError) as caught:
        aekit.AnomalyDetector(n_estimators=1).fit(X)
    detect = for_the_command_line(str(caught.value), _command_options("detect"))
    assert "pass --handle-missing" in detect and "handle_missing=True" not in detect
    small = aekit.Autoencoder(hidden_layer_sizes=(4,), latent_dim=1, max_iter=2)
    fitted = aekit.AnomalyDetector(estimator=small, n_estimators=1).fit(X.fillna(0.0))
    with pytest.raises(ValueError) as caught:
        fitted.score_samples(X)
    score = for_the_command_line(str(caught.value), _command_options("score"))
    assert "refit with 'aekit detect --handle-missing'" in score and "pass --" not in score
    series = (
        "X has missing values (NaN) in rows [3]; fill them, or pass handle_missing='interpolate'."
    )
    for command in ("detect-series", "score", "evaluate"):
        said = for_the_command_line(series, _command_options(command))
        assert "pass --handle-missing interpolate" in said, command
    assert "refit with 'aekit detect-series --handle-missing interpolate'" in (
        for_the_command_line(series, _command_options("report"))
    )


def test_score_on_a_detector_run_with_gaps_says_to_refit(tmp_path):
    """End to end: the error 'aekit score' ends with, read as run_cli reads it."""
    from typer.testing import CliRunner

    from aekit.cli import app

    X = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0) % 7})
    small = aekit.Autoencoder(hidden_layer_sizes=(4,), latent_dim=1, max_iter=2)
    detector = aekit.AnomalyDetector(estimator=small, n_estimators=1, contamination=0.1)
    detector.fit(X).save(tmp_path / "d.safetensors")
    X.assign(a=np.where(np.arange(30) == 4, np.nan, X["a"])).to_csv(
        tmp_path / "nan.csv", index=False
    )
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(tmp_path / "d.safetensors"),
            str(tmp_path / "nan.csv"),
            "-o",
            str(tmp_path / "s.csv"),
        ],
    )
    line = for_the_command_line(str(result.exception))  # the running command's options
    assert "aekit detect --handle-missing" in line and "pass --handle-missing" not in line


def test_the_flags_the_messages_name_exist():
    """Every --flag a translated message names belongs to a command (to the one it quotes)."""
    import re

    from aekit.cli import app
    from aekit.cli.advice import ADVICE, OPTION_ADVICE

    texts = [r for _, r in ADVICE if isinstance(r, str)]
    texts += [t for *_, a, b in OPTION_ADVICE for t in (a, b) if isinstance(t, str)]
    every = set().union(*(_flags(c.callback) for c in app.registered_commands))
    for text in texts:
        for command, flag in re.findall(r"'aekit ([\w-]+) (--[\w-]+)", text):
            assert flag in _flags(_callback(command)), (command, flag)
        for flag in re.findall(r"(--[a-z][\w-]*)", re.sub(r"'torchrun[^']*'", "", text)):
            assert flag in every, flag


def _callback(name: str):
    from aekit.cli import app

    return next(
        c.callback for c in app.registered_commands if (c.name or c.callback.__name__) == name
    )


def _flags(callback) -> set[str]:
    import inspect

    return {"--" + p.replace("_", "-") for p in inspect.signature(callback).parameters}


def test_a_text_table_s_messages_name_no_python_option():
    """'aekit train' encodes text columns itself: its gaps and unseen categories have no
    handle_missing or handle_unknown on the command line."""
    frame = pd.DataFrame({"a": [1.0, np.nan], "kind": ["x", "y"]})
    with pytest.raises(ValueError) as gaps:
        aekit.TabularEncoder().fit(frame)
    encoder = aekit.TabularEncoder().fit(frame.fillna(0.0))
    with pytest.raises(ValueError) as unseen:
        encoder.transform(pd.DataFrame({"a": [1.0], "kind": ["z"]}))
    for caught in (gaps, unseen):
        line = for_the_command_line(str(caught.value), set())
        assert "handle_" not in line and "aekit." not in line, line
    assert "'aekit impute'" in for_the_command_line(str(gaps.value), set())


def test_a_count_names_the_commands_option():
    """The count sample() and log_likelihood() check is -n in 'aekit generate' and --n-samples
    in 'aekit evaluate', where it read as the Python parameter n_samples."""
    with pytest.raises(ValueError) as caught:
        aekit.VAE(max_iter=1, latent_dim=2).fit(np.eye(4)).sample(0)
    text = str(caught.value)
    generate = for_the_command_line(text, _command_options("generate"))
    assert generate == "-n 0 must be an int of at least 1."
    evaluate = for_the_command_line(text, _command_options("evaluate"))
    assert evaluate == "--n-samples 0 must be an int of at least 1."


def test_inner_networks_are_named_in_the_commands_words(tmp_path):
    """'aekit compress' on rows of the wrong width said 'QuantizingAutoencoder is expecting 64
    features': a class the user of 'aekit train-compressor' never named. Every network that a
    composite holds (aekit.registry.INNER) has the command line's words."""
    from typer.testing import CliRunner

    from aekit.cli import app
    from aekit.cli.advice import INNER_NAMES
    from aekit.registry import INNER

    assert set(INNER_NAMES) == set(INNER)
    X = np.random.default_rng(0).random((30, 6)).astype(np.float32)
    small = {"latent_dim": 2, "hidden_layer_sizes": (4,), "max_iter": 1, "random_state": 0}
    aekit.Compressor(**small).fit(X).save(tmp_path / "c.safetensors")
    np.save(tmp_path / "narrow.npy", X[:, :5])
    result = CliRunner().invoke(
        app, ["compress", str(tmp_path / "c.safetensors"), str(tmp_path / "narrow.npy")]
        + ["-o", str(tmp_path / "x.aek")]
    )  # fmt: skip
    line = for_the_command_line(str(result.exception))
    # the public class the user's command trained (aekit.Compressor), not its inner network
    assert line.startswith("DATA has 5 columns but the model (Compressor) takes 6: give it rows")
    hasher = aekit.SemanticHasher(n_bits=4, hidden_layer_sizes=(4,), max_iter=1).fit(X)
    with pytest.raises(ValueError) as caught:
        hasher.transform(X[:, :5])
    assert "the model (SemanticHasher) takes 6" in for_the_command_line(str(caught.value))


def test_python_advice_on_gaps_and_widths_reads_as_the_command_line():
    """The readers' NaN message named sklearn's SimpleImputer, a table's width 'the encoder'
    (a TabularEncoder, not the autoencoder's encoder), and a shape 'X's images'."""
    from aekit.data.readers import check_rows

    with pytest.raises(ValueError) as caught:
        check_rows(np.array([[1.0, np.nan]]), np.array([0]), "a.npy")
    gaps = for_the_command_line(str(caught.value))
    assert gaps.endswith("Fill them with 'aekit impute' first, or remove those rows.")
    encoder = aekit.TabularEncoder().fit(pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]}))
    with pytest.raises(ValueError) as caught:
        encoder.transform(np.zeros((2, 3)))
    assert for_the_command_line(str(caught.value)) == (
        "DATA has 3 columns but the model was fitted on 2."
    )
    with pytest.raises(ValueError) as caught:
        aekit.Autoencoder(architecture="conv", image_shape=(1, 4, 16), max_iter=1).fit(
            np.zeros((4, 1, 8, 8), dtype=np.float32)
        )
    assert "does not match DATA's images" in for_the_command_line(str(caught.value))


def test_a_column_the_model_never_saw_points_to_the_column_options(tmp_path):
    """A column the model never saw is named with the options that leave a column out (it
    was scikit-learn's 'Feature names unseen at fit time'), and the option then works; a
    missing column is named with the columns to pass (scikit-learn listed it alone)."""
    from typer.testing import CliRunner

    from aekit.cli import app

    X = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0) % 7})
    aekit.Autoencoder(hidden_layer_sizes=(4,), latent_dim=1, max_iter=2).fit(X).save(
        tmp_path / "m.safetensors"
    )
    X.assign(row_id=np.arange(30)).to_csv(tmp_path / "ids.csv", index=False)
    score = ["score", str(tmp_path / "m.safetensors"), str(tmp_path / "ids.csv")]
    refused = CliRunner().invoke(app, [*score, "-o", str(tmp_path / "s.csv")])
    line = for_the_command_line(error_message(refused.exception))  # as run_cli prints it
    # the detector's words (column_mismatch), not scikit-learn's list without the fix
    assert line == (
        "DATA has ['row_id'], which fit did not have (a label? name it with --label-column; an "
        "identifier, or a column to leave out? --id-column, --ignore-column). Pass the columns "
        "seen in fit: ['a', 'b']."
    ), line
    pd.DataFrame({"a": np.arange(3.0)}).to_csv(tmp_path / "one.csv", index=False)
    lacking = CliRunner().invoke(app, [*score[:2], str(tmp_path / "one.csv"), "-o", "x.csv"])
    assert for_the_command_line(error_message(lacking.exception)) == (
        "DATA lacks ['b']. Pass the columns seen in fit: ['a', 'b']."
    )
    out = ["-o", str(tmp_path / "s.csv")]
    named = CliRunner().invoke(app, [*score, "--id-column", "row_id", *out])
    assert named.exit_code == 0, named.output
    written = pd.read_csv(tmp_path / "s.csv")
    assert list(written.columns) == ["row_id", "score", "reconstruction_error"]


def test_help_texts_keep_their_bracketed_defaults(capsys):
    # rich read "[default: vae, or --config's]" as markup and dropped it: the help showed
    # "ae, dae, sparse, cae, vae or cvae ."
    from typer.testing import CliRunner

    from aekit.cli import app

    for command, words in (
        ("train", "(default: vae, or"),
        ("generate", "(default:"),
        ("train-compressor", "(default: 30,"),
    ):
        # rich reads the width from COLUMNS (terminal_width alone left it at 80, and a wrap
        # could split the words)
        result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert words in result.output, result.output


def test_digits_refuses_a_label_column(tmp_path):
    # was taken, and recorded in the RUN's config.toml, though digits has no columns
    from typer.testing import CliRunner

    from aekit.cli import app

    result = CliRunner().invoke(
        app, ["train", "digits", "--label-column", "kind", "--out", str(tmp_path / "r")]
    )
    assert isinstance(result.exception, ValueError)  # the command line: one line, exit 2
    assert "'digits' carries its labels" in str(result.exception)
    assert not (tmp_path / "r").exists()


def test_nan_codes_are_not_sent_to_an_imputer():
    ae = aekit.Autoencoder(max_iter=1, latent_dim=2, random_state=0)
    ae.fit(np.random.default_rng(0).random((40, 4)))
    codes = np.zeros((3, 2))
    codes[1, 1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"Z has 1 value .*\(1 NaN\).*check what made these"):
            ae.inverse_transform(codes)


def test_epochs_below_one_names_the_option():
    # scikit-learn's check named max_iter, which the user of --epochs never typed
    text = (
        "The 'max_iter' parameter of SemanticHasher must be an int in the range [1, inf). "
        "Got 0 instead."
    )
    assert (
        for_the_command_line(text, {"epochs"}) == "--epochs (max_iter) must be at least 1; got 0."
    )
    assert for_the_command_line(text, {"param"}) == (  # a command without --epochs
        "--param max_iter must be an int in the range [1, inf); got 0."
    )


def test_a_typo_is_found_by_position_whatever_the_index():
    # a Parquet file pandas wrote keeps its index, which may repeat: get_loc gave a slice
    # (or a mask, and a numpy error) where the message wanted a row
    from aekit.cli.tables import check_no_typos

    cells = [str(v) for v in range(1, 9)] + ["oops", "10", "11"]
    for index in ([3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1], sorted([3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1])):
        frame = pd.DataFrame({"x": cells}, index=index)
        with pytest.raises(ValueError, match=r"\('oops' in data row 8, 0-based\)"):
            check_no_typos(frame)


def test_a_typo_is_found_reading_the_column_as_numbers_once(monkeypatch):
    # its text cells were found twice: once for the typo, again for the missing-value markers
    from aekit.cli.tables import check_no_typos
    from aekit.data import column_checks

    read = []
    text_cells = column_checks._text_cells
    monkeypatch.setattr(
        column_checks, "_text_cells", lambda series: read.append(series.name) or text_cells(series)
    )
    frame = pd.DataFrame({"x": ["1", "2", "?", "4", "5"], "y": ["a", "b", "c", "d", "e"]})
    with pytest.raises(ValueError, match=r"'\?' marks a missing value"):
        check_no_typos(frame)
    assert read == ["x"]


def test_evaluate_refuses_a_model_without_a_score_in_one_line(tmp_path):
    # a hasher or compressor run was an AttributeError traceback, exit 1
    from typer.testing import CliRunner

    from aekit.cli import app

    X = np.random.default_rng(0).random((60, 8))
    aekit.SemanticHasher(n_bits=4, max_iter=1, random_state=0).fit(X).save(
        tmp_path / "h.safetensors"
    )
    np.save(tmp_path / "x.npy", X)
    result = CliRunner().invoke(
        app, ["evaluate", str(tmp_path / "h.safetensors"), str(tmp_path / "x.npy")]
    )
    assert isinstance(result.exception, ValueError)  # the command line: one line, exit 2
    assert "holds a SemanticHasher, which gives no score per row" in str(result.exception)


def test_the_command_list_gives_each_command_one_sentence():
    # typer's rich list kept the docstrings' source line breaks: "write -o (.npy/.csv/.parquet,
    # or .png" ended a line of the list, and some entries ran to seven lines
    from typer.testing import CliRunner

    from aekit.cli import app

    listing = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "300"}).output
    denoise = next(line for line in listing.splitlines() if " denoise " in line)
    assert "or .png/.svg/.pdf for a grid of the cleaned images)." in denoise
    assert "a chunk at a time" not in listing  # the second sentence is on its own page
    page = CliRunner().invoke(app, ["denoise", "--help"], terminal_width=300).output
    assert "a chunk at a time" in page


@pytest.mark.parametrize("model", ["Autoencoder", "Compressor"])
def test_the_convergence_warning_names_the_training_options(model):
    # 'aekit train-compressor --epochs 2' was told "a larger max_iter ... learning_rate_init"
    from sklearn.exceptions import ConvergenceWarning

    X = np.random.default_rng(0).random((64, 16))
    with pytest.warns(ConvergenceWarning) as caught:
        getattr(aekit, model)(max_iter=1, learning_rate_init=1e-6, random_state=0).fit(X)
    (text,) = [str(w.message) for w in caught if "has not learned" in str(w.message)]
    line = for_the_command_line(text, _command_options("train-compressor"))
    assert "(a larger --epochs) or with a larger learning rate (--param " in line, line
    assert "max_iter" not in line.replace("--param max_iter", "")
    assert "(a larger --epochs)" in for_the_command_line(text, _command_options("impute"))
    assert "--param max_iter=N" in for_the_command_line(text, {"param"})  # no --epochs
    demo = for_the_command_line(text, _command_options("demo"))  # no --param to name
    assert "(a larger --epochs)." in demo and "param" not in demo and "learning_rate" not in demo


def test_the_convergence_warning_names_the_epochs_as_they_were_typed(tmp_path):
    # 'aekit train --param max_iter=1' was told "(--epochs 1) ... a larger --epochs", which,
    # added to its command, is refused beside --param max_iter
    from cli_helpers import invoke, ok
    from sklearn.exceptions import ConvergenceWarning

    quick = ["--model", "ae", "--param", "hidden_layer_sizes=[8]", "--quiet"]
    slow = ["--param", "learning_rate_init=1e-6"]  # a network that has not learned
    said = {}
    for typed in (("--epochs", "1"), ("--param", "max_iter=1")):
        with pytest.warns(ConvergenceWarning) as caught:
            ok(invoke("train", "digits", *quick, *slow, *typed, "--out", tmp_path / typed[0]))
        (text,) = [str(w.message) for w in caught if "has not learned" in str(w.message)]
        said[typed[0]] = for_the_command_line(text)  # in the words of the command just run
    assert "after 1 epoch (--epochs 1) the network" in said["--epochs"]
    assert "Train longer (a larger --epochs) or with a larger learning rate" in said["--epochs"]
    assert "after 1 epoch (max_iter=1) the network" in said["--param"]
    assert "Train longer (--param max_iter=N) or with a larger learning rate" in said["--param"]
    assert "--epochs" not in said["--param"]
