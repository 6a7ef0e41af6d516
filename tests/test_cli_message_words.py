"""Messages on the command line: cut when a damaged file would make them huge, and
scikit-learn's parameter checks in the command line's words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aekit.cli.errors import error_message, for_the_command_line


def test_a_message_quoting_a_huge_cell_is_cut():
    # a CSV of NUL bytes is one cell: its 'holds numbers but also text' message quoted all
    # of it (a gigabyte on one line, user review)
    import pandas as pd

    from aekit.cli.errors import MAX_MESSAGE, one_line
    from aekit.data.column_checks import text_among_numbers, text_among_numbers_message

    column = pd.Series(["1", "2", "3", "x" * 100_000], dtype=object)
    message = text_among_numbers_message("a", text_among_numbers(column))
    assert "'xxxxx" in message and len(message) < 400
    cut = one_line("word " * 100_000)
    assert len(cut) <= MAX_MESSAGE + 20 and cut.endswith("... (message cut)")
    assert one_line("a\n  b") == "a b"


def test_a_parameter_out_of_its_choices_names_the_option(tmp_path):
    from cli_helpers import invoke

    # scikit-learn's "The 'threshold' parameter of AnomalyDetector must be a str among
    # {'validation', 'pot', ...}" (in any order) on the command line (user review)
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"]).to_csv(
        tmp_path / "t.csv", index=False
    )
    said = []
    for option in (["--threshold", "foo"], ["--param", "n_estimators=0"], ["--seed", "-1"]):
        result = invoke("detect", str(tmp_path / "t.csv"), "--out", str(tmp_path / "R"), *option)
        said.append(for_the_command_line(error_message(result.exception)))
    assert said == [
        "--threshold must be one of contamination, mean_std, pot, validation; got 'foo'.",
        "--param n_estimators must be an int in the range [1, inf); got 0.",
        # was "--param random_state ..., an instance of 'numpy.random.mtrand.RandomState' or None"
        "--seed must be an int in the range [0, 4294967295]; got -1.",
    ]
    generate = for_the_command_line("Seed must be between 0 and 2**32 - 1")  # numpy's words
    assert generate == "--seed must be between 0 and 2**32 - 1."
    # train-hasher's n_bits is its --bits (it said "--param n_bits must be ...")
    result = invoke("train-hasher", "digits", "--bits", 0, "-o", str(tmp_path / "h.safetensors"))
    assert for_the_command_line(error_message(result.exception)) == (
        "--bits must be an int in the range [1, inf); got 0."
    )
    # a width below 1 in a --param list (it said "hidden_layer_sizes=(64, 0) must hold ...")
    result = invoke(
        "train", "digits", "--param", "hidden_layer_sizes=[64, 0]", "--out", tmp_path / "W"
    )
    assert for_the_command_line(error_message(result.exception)).startswith(
        "--param hidden_layer_sizes=[64, 0] must hold ints of at least 1"
    )


def test_a_bool_column_as_numbers_is_told_the_file_fix():
    # the hint was Python on the command line: X['premium'].astype(bool) (user review)
    text = (
        "column 'premium' has the category 0, not seen in fit (known: [False, True]). The "
        "column was bool in fit and holds numbers here: cast it with X['premium'].astype(bool)."
    )
    assert for_the_command_line(text).endswith(
        "holds numbers here: write column 'premium' as True/False in the file."
    )


def test_a_list_typed_as_text_is_told_the_brackets_param_reads(tmp_path):
    # '--param hidden_layer_sizes=128,64' said scikit-learn's "must be None, an instance of
    # 'tuple', an instance of 'list' or an int ...; got '128,64'", not how to write the list
    from cli_helpers import invoke

    said = []
    for typed in ("128,64", "(128, 64)"):
        result = invoke("train", "digits", "--param", f"hidden_layer_sizes={typed}", "--quiet",
                        "--out", tmp_path / "R")  # fmt: skip
        said.append(for_the_command_line(error_message(result.exception)))
    fix = "write it in brackets, --param 'hidden_layer_sizes=[128,64]' (quoted for the shell)."
    assert said == [
        f"--param hidden_layer_sizes=128,64 is read as text, not a list: {fix}",
        f"--param hidden_layer_sizes=(128, 64) is read as text, not a list: {fix}",
    ]
    assert not (tmp_path / "R").exists()
    # what it says is what --param reads: a list of two widths
    from aekit.cli.runs import parse_value

    assert parse_value("[128,64]") == (128, 64)


def test_a_missing_label_or_time_column_is_named_as_the_option():
    # "label_column='nope' is not a column of t.csv" and "time_column 'nope' is not a column of
    # X" reached the command line in Python's words
    label = "label_column='nope' is not a column of t.csv; the columns are ['a', 'b']."
    assert for_the_command_line(label, {"label_column"}) == (
        "--label-column nope is not a column of t.csv; the columns are ['a', 'b']."
    )
    time = "time_column 'nope' is not a column of X; it has ['t', 'v']."
    assert for_the_command_line(time, {"time_column"}) == (
        "--time-column nope is not a column of DATA; it has ['t', 'v']."
    )
    # aekit score of a series run: no --time-column there, the run's own is missing
    assert for_the_command_line(time, set()) == (
        "DATA has no column 'nope', the time column the model was fitted with; it has ['t', 'v']."
    )
    array = "time_column='t' needs a DataFrame; an array's rows are taken as evenly spaced points."
    assert for_the_command_line(array, {"time_column"}).startswith(
        "--time-column t needs a table DATA (.csv, .parquet);"
    )
    assert for_the_command_line(array, set()).startswith(
        "the model was fitted with the time column 't', so DATA must be a table (.csv, "
        ".parquet) holding it;"
    )


def test_search_s_hit_count_is_named_as_its_option():
    # 'aekit search INDEX QUERY -k 0' said "k=0 must be a positive integer."
    assert for_the_command_line("k=0 must be a positive integer.", {"k"}) == (
        "-k 0 must be a positive integer: the number of hits a query gets."
    )


def test_manifold_of_a_wider_code_names_the_training_option():
    # 'aekit manifold RUN' of a latent_dim=8 run said "manifold_grid needs latent_dim=2"
    told = for_the_command_line("manifold_grid needs latent_dim=2; this model has 8.")
    assert told == (
        "aekit manifold draws a 2-D code: train a model with --param latent_dim=2; this "
        "model's code has 8 units."
    )
    one = for_the_command_line("manifold_grid needs latent_dim=2; this model has 1.")
    assert one.endswith("this model's code has 1 unit.")  # not "1 units" (figures review)


def test_a_file_error_inside_a_runs_staging_folder_names_the_run():
    # a full disk read "No space left on device: full/.RUN.aekit-staging/model.safetensors",
    # the hidden folder a RUN is written in, with no fix (user review)
    import errno

    full = OSError(errno.ENOSPC, "No space left on device", "full/.RUN.aekit-staging/model.st")
    assert error_message(full) == (
        "No space left on device: full/RUN/model.st; free some space, or write to another disk"
    )
    denied = OSError(errno.EACCES, "Permission denied", "/x/.my.run.aekit-staging")
    assert error_message(denied) == "Permission denied: /x/my.run"
    plain = OSError(errno.EACCES, "Permission denied", "/x/.hidden/file")
    assert error_message(plain) == "Permission denied: /x/.hidden/file"


def test_an_estimator_parameter_is_said_to_be_pythons():
    # --param estimator=conv1d said "must be None or an instance of
    # 'aekit.estimators._base.BaseAutoencoder'", a private class no value can be (ECG review)
    scikit = (
        "The 'estimator' parameter of AnomalyDetector must be None or an instance of "
        "'aekit.estimators._base.BaseAutoencoder'. Got 'conv1d' instead."
    )
    told = for_the_command_line(scikit, set())
    assert told.startswith(
        "--param estimator takes an autoencoder built in Python, which the command line cannot "
        "give (got 'conv1d'): fit in Python, e.g. AnomalyDetector(estimator=Autoencoder("
    )
    assert "_base" not in told and told.endswith("-o scores.csv'.")
    series = for_the_command_line(scikit.replace("of AnomalyDetector", "of SeriesAnomalyDetector"))
    assert "e.g. SeriesAnomalyDetector(estimator=Autoencoder(" in series  # the class it set
