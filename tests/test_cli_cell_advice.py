"""A missing-value marker ('?', '-') among numbers: the command line names ``--na-values``, the
Python API pandas' ``na_values``; and the command line's advice for text among numbers names
DATA and options, never a pandas call."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

from aekit.cli.errors import error_message, for_the_command_line

DETECT = ["--handle-missing", "--param", "n_estimators=1", "--quiet"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """60 rows whose column 'age' marks 4 gaps with '?'."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"age": rng.integers(20, 70, 60).astype(object), "balance": rng.normal(100, 10, 60)}
    )
    frame.loc[[3, 10, 20, 50], "age"] = "?"
    folder = tmp_path_factory.mktemp("markers")
    frame.to_csv(folder / "marked.csv", index=False)
    return folder


def library_warning(path) -> None:
    """The warning of the encoder the detector fits on a table with text among numbers."""
    import aekit

    aekit.TabularEncoder(handle_missing="mask").fit(pd.read_csv(path))


def test_the_marker_messages_name_the_option(files):
    # aekit train refuses text among numbers; a missing-value marker is said to be one
    result = invoke("train", files / "marked.csv", "--out", files / "R", "--quiet")
    message = for_the_command_line(error_message(result.exception))
    assert message.startswith(
        "column 'age' holds '?' among numbers in 4 rows (the first: data row 3, 0-based): "
        "if '?' marks a missing value, pass --na-values '?' (then fill those cells with "
        "'aekit impute'"
    ), message
    # aekit detect refuses as train does (the detector alone warns, then makes each number a
    # category); the library's warning says pd.to_numeric, the command line DATA's fix
    result = invoke("detect", files / "marked.csv", "--out", files / "W", *DETECT)
    assert for_the_command_line(error_message(result.exception)) == message
    with pytest.warns(UserWarning, match="column 'age' holds numbers but also text") as caught:
        library_warning(files / "marked.csv")
    warning = for_the_command_line(str(caught[0].message), set())
    assert warning.endswith(
        "If '?' marks a missing value, pass --na-values '?'; else fix those cells in DATA, or "
        "leave the column out with --ignore-column age."
    ), warning
    assert "pd." not in warning and "X[" not in warning, warning
    result = invoke("impute", files / "marked.csv", "-o", files / "f.csv")
    message = for_the_command_line(error_message(result.exception))
    assert message.endswith(
        "nothing to fill; but column 'age' holds '?' among numbers: if '?' marks a missing "
        "value, pass --na-values '?'."
    ), message


def test_the_python_messages_name_pandas_na_values():
    import aekit

    X = pd.DataFrame({"age": ["31", "?", "40", "-", "52"] * 4, "b": np.arange(20.0)})
    with pytest.warns(UserWarning, match=r"If '-' and '\?' mark missing values, read the file "
                      r"with pd\.read_csv\(\.\.\., na_values=\['-', '\?'\]\)"):  # fmt: skip
        aekit.TabularEncoder().fit(X)
    with pytest.raises(ValueError, match=r"pd\.read_csv\(\.\.\., na_values=\['-', '\?'\]\)"):
        aekit.AutoencoderImputer(max_iter=1).fit(X)


def test_a_run_scoring_a_marker_names_the_option(files):
    run = files / "DET"
    ok(invoke("detect", files / "marked.csv", "--na-values", "?", "--out", run, *DETECT))
    result = invoke("score", run, files / "marked.csv", "--na-values", "", "-o", files / "s.csv")
    message = for_the_command_line(error_message(result.exception))
    assert message == (
        "column 'age' holds '?' (row 3), not a number; it held numbers in fit. If '?' marks a "
        "missing value, pass --na-values '?'; else fix the value, or refit if the column is "
        "categorical."
    )


def test_a_typo_among_numbers_is_still_a_cell_to_fix(files):
    frame = pd.read_csv(files / "marked.csv", na_values=["?"])
    frame["age"] = frame["age"].astype(object)
    frame.loc[3, "age"] = "4o"
    frame.to_csv(files / "typo.csv", index=False)
    result = invoke("train", files / "typo.csv", "--out", files / "T", "--quiet")
    message = error_message(result.exception)
    assert for_the_command_line(message, set()) == (
        "column 'age' holds numbers but also text ('4o' in data row 3, 0-based); fix those "
        "cells; or, if '4o' marks a missing value, pass --na-values 4o (then fill those cells "
        "with 'aekit impute', or let 'aekit detect --handle-missing' encode them); or, if the "
        "column holds codes rather than numbers, read every cell as text (pandas.read_csv(path, "
        "dtype={'age': str}), saved as Parquet for the command line)."
    )  # a word aekit does not know as a marker ('oops' in a user's file) may still be one
    result = invoke("detect", files / "typo.csv", "--out", files / "TD", *DETECT)
    assert error_message(result.exception) == message
    with pytest.warns(UserWarning, match="holds numbers but also text: '4o'") as caught:
        library_warning(files / "typo.csv")
    assert for_the_command_line(str(caught[0].message), set()).endswith(
        "Fix those cells in DATA (an empty cell is read as missing), or leave the column out "
        "with --ignore-column age."
    )


def test_a_blank_marker_is_said_in_words_as_the_line_joins_blanks():
    from aekit.cli.cell_advice import na_values_flags
    from aekit.cli.errors import one_line

    assert one_line(na_values_flags(["  ", "?"])) == (
        "--na-values ' ' (the quotes holding the cell's 2 spaces) --na-values '?'"
    )


def test_decimal_commas_and_clipped_values_are_said_without_python_calls():
    import aekit

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=30), "b": [f"{v:.2f}".replace(".", ",") for v in
                                                       rng.normal(size=30)]})  # fmt: skip
    with pytest.warns(UserWarning, match="decimal comma") as caught:  # '1,3' may be codes
        aekit.TabularEncoder().fit(X)
    line = for_the_command_line(str(caught[0].message), set())
    assert line.endswith(
        "Pass --decimal ',' if DATA is not separated by ',' (else write its numbers with a "
        "'.'), or leave the column out with --ignore-column b."
    ), line
    # beside decimal commas, '1.065,00' has '.' between its thousands: the advice was the
    # decimal comma, already given on the command line (user review)
    grouped = [f"{v:.2f}".replace(".", ",") for v in rng.uniform(300, 999, size=30)]
    grouped[3], grouped[9] = "1.065,00", "1.050,50"
    with pytest.raises(ValueError, match=r"'\.' between their thousands \('1\.065,00', row 3"):
        aekit.TabularEncoder().fit(X.assign(b=grouped))
    read = pd.read_csv(
        io.StringIO("b\n" + "\n".join(f'"{v}"' for v in grouped)), thousands=".", decimal=","
    )
    assert read["b"].dtype == float and read["b"][3] == 1065.0  # the advice, as given
    with pytest.raises(ValueError, match="between their thousands") as caught:
        aekit.TabularEncoder().fit(X.assign(b=grouped))
    line = for_the_command_line(str(caught.value), set())
    assert line.endswith("; pass --thousands '.' --decimal ','."), line
    images = rng.random((40, 16))
    model = aekit.DenoisingAutoencoder(max_iter=1, hidden_layer_sizes=(8,), latent_dim=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch: "it has not learned"
        model.fit(images)
    with pytest.warns(UserWarning, match="denoise clipped") as caught:
        model.denoise(images * 3 - 1)
    line = for_the_command_line(str(caught[0].message), set())
    assert "values of DATA (" in line and line.endswith(
        "clip DATA's values to that range yourself to silence this."
    ), line
    for said in (line, for_the_command_line(str(caught[0].message), {"na_values"})):
        assert "np." not in said and "pd." not in said


def test_score_of_numbers_with_a_text_cell_says_the_fix_in_options(tmp_path):
    # 'aekit score' of a numbers-only run got the Python API's words: X['f0'] = pd.to_numeric(
    # ...), aekit.AutoencoderImputer (user review)
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 3)), columns=["a", "b", "c"])
    frame.to_csv(tmp_path / "clean.csv", index=False)
    ok(invoke("train", tmp_path / "clean.csv", "--model", "ae", "--epochs", 1, "--quiet",
              "--no-figures", "--out", tmp_path / "run"))  # fmt: skip
    for cell, ending in (
        ("oops", "Fix those cells, or empty them and fill them with 'aekit impute' (this model "
                 "takes no missing values)."),
        ("?", "If '?' marks a missing value, pass --na-values '?' (then fill those cells with "
              "'aekit impute': this model takes no missing values); else fix those cells."),
    ):  # fmt: skip
        bad = frame.astype(object)
        bad.loc[7, "a"] = cell
        bad.to_csv(tmp_path / "bad.csv", index=False)
        result = invoke("score", tmp_path / "run", tmp_path / "bad.csv", "-o", tmp_path / "s.csv")
        said = for_the_command_line(error_message(result.exception))
        assert said.startswith(f"DATA has non-numeric columns: a. Column 'a' holds numbers but "
                               f"also text: '{cell}' (row 7, 0-based). "), said  # fmt: skip
        assert said.endswith(ending) and "pd." not in said and "X[" not in said, said


def test_a_cell_holding_a_newline_is_advised_on_one_line(tmp_path):
    # a quoted CSV cell "1.5<newline>2" among numbers: --na-values '1.5<newline>2' broke the
    # command line's one-line error in two; bash's $'...' quoting keeps it one line and exact
    import subprocess

    from aekit.cli.shell_words import shell_word

    frame = pd.DataFrame({"a": np.arange(20.0).astype(object), "b": np.arange(20.0)})
    frame.loc[2, "a"] = "1.5\n2"
    frame.to_csv(tmp_path / "cells.csv", index=False)
    result = invoke("train", tmp_path / "cells.csv", "--out", tmp_path / "R", "--quiet")
    message = for_the_command_line(error_message(result.exception))
    assert "\n" not in message and "--na-values $'1.5\\n2'" in message, message
    for text in ("1.5\n2", "tab\there", "it's\r\n", "back\\slash\x01"):
        word = shell_word(text)
        assert "\n" not in word and "\r" not in word, word
        echoed = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True)
        assert echoed.stdout.decode() == text
