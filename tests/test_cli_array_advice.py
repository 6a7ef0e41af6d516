"""Messages a command prints about DATA's values that gave numpy's or scikit-learn's advice in
Python (``np.real(X)``, ``X.astype(np.float32)``, ``np.digitize``): the command line says what to
change in the file instead."""

from __future__ import annotations

import numpy as np
import pandas as pd
from cli_helpers import invoke

from aekit.cli.errors import error_message, for_the_command_line

PYTHON = ("np.", "X.", "X)", "astype")


def _said(result) -> str:
    """The line the user read for the command's refusal."""
    assert isinstance(result.exception, ValueError), result.output
    line = for_the_command_line(error_message(result.exception))
    assert not any(word in line for word in PYTHON), line
    return line


def test_complex_data_is_told_to_save_real_numbers(tmp_path):
    # it said "pass their real part or magnitude (np.real(X) or np.abs(X))"
    X = np.random.default_rng(0).normal(size=(40, 3)) + 1j
    np.save(tmp_path / "c.npy", X.astype(np.complex64))
    np.save(tmp_path / "f.npy", X.real.astype(np.float32))
    train = invoke("train", tmp_path / "c.npy", "--out", tmp_path / "R1", "--epochs", 1)
    assert _said(train).endswith(
        "c.npy holds complex numbers (complex64), which aekit does not support; save their "
        "real part or magnitude in the file instead (real numbers)."
    )
    series = invoke("detect-series", tmp_path / "c.npy", "--out", tmp_path / "R2")
    assert _said(series) == (
        "Complex data not supported: DATA is complex; save its real part or magnitude in the "
        "file instead (real numbers)."
    )
    # complex normal rows were refused by the detector as "X is complex": the file is named
    normal = invoke(
        "detect", tmp_path / "f.npy", "--normal-rows", tmp_path / "c.npy", "--threshold",
        "validation", "--out", tmp_path / "R3",
    )  # fmt: skip
    said = _said(normal)
    assert said.startswith(f"--normal-rows {tmp_path / 'c.npy'}: Complex data not supported")
    assert f"{tmp_path / 'c.npy'} is complex" in said


def test_an_object_array_is_told_to_save_numbers(tmp_path):
    # it said "Save the data as a numeric array, e.g. X.astype(np.float32)."
    objects = np.array([[1, "a"], [2, "b"]] * 20, dtype=object)
    np.savez(tmp_path / "o.npz", X=objects)
    result = invoke("train", tmp_path / "o.npz", "--out", tmp_path / "R", "--epochs", 1)
    assert _said(result).endswith(
        "Save it again as numbers (e.g. an array of float32), or as a table (.csv, .parquet) "
        "if it holds text."
    )


def test_a_cvae_of_continuous_labels_is_told_to_bin_them(tmp_path):
    # it said "pass discrete labels (e.g. bin a continuous target with np.digitize)"
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    frame["y"] = rng.normal(size=40)
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = invoke(
        "train", tmp_path / "t.csv", "--model", "cvae", "--label-column", "y", "--out",
        tmp_path / "R", "--epochs", 1,
    )  # fmt: skip
    said = _said(result)
    assert said.startswith("Unknown label type: continuous (the labels hold values such as [")
    assert said.endswith(
        "--model cvae is conditioned on classes: give discrete labels (bin a continuous target "
        "into a few classes first, e.g. low, middle, high), and -1 or an empty cell for an "
        "unlabelled row."
    )


def test_too_few_rows_and_a_wide_stride_are_said_in_the_command_s_words(tmp_path):
    # they said "DATA has n_samples=1", "AutoencoderImputer learns ...", "stride=20 is larger
    # than window=10 ...; use stride <= window."
    (tmp_path / "one.csv").write_text("a,b\n1,\n")
    detect = invoke("detect", tmp_path / "one.csv", "--out", tmp_path / "R1")
    assert _said(detect) == "DATA has 1 row; a detector needs at least 2 rows."
    impute = invoke("impute", tmp_path / "one.csv", "-o", tmp_path / "x.csv")
    assert _said(impute) == (
        "DATA has 1 row; 'aekit impute' learns how the columns relate from at least 2 rows "
        "(many more to fill well)."
    )
    values = np.cumsum(np.random.default_rng(0).normal(size=100))
    pd.DataFrame({"v": values}).to_csv(tmp_path / "s.csv", index=False)
    series = invoke(
        "detect-series", tmp_path / "s.csv", "--window", 10, "--stride", 20, "--out",
        tmp_path / "R2",
    )  # fmt: skip
    assert _said(series) == (
        "--stride 20 is larger than --window 10: points between windows would get no score; "
        "use a --stride of at most the --window."
    )
