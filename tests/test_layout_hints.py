"""Data laid out another way than the model reads it is said with the fix: an object array of
rows (ragged or not), a series along a row, a fitted sequence model given its sequences with
their axes swapped."""

import warnings

import numpy as np
import pytest

import aekit
from aekit.cli.errors import for_the_command_line

ROWS = np.random.default_rng(0).normal(size=(30, 12))


def _object_array(rows) -> np.ndarray:
    array = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        array[i] = row
    return array


def test_an_object_array_of_ragged_rows_names_two_lengths_not_a_dumped_row():
    ragged = _object_array([ROWS[i, : 12 - i % 3] for i in range(30)])
    with pytest.raises(ValueError) as refused:
        aekit.Autoencoder(max_iter=1).fit(ragged)
    assert str(refused.value) == (
        "X is not a rectangular array: row 0 has 12 values, row 1 has 11; every row needs the "
        "same number."
    )


def test_an_object_array_of_rows_of_one_length_names_np_stack():
    with pytest.raises(ValueError, match=r"of 30 rows of 12 values each; pass np\.stack\(X\)"):
        aekit.Autoencoder(max_iter=1).fit(_object_array(list(ROWS)))


def test_a_series_along_a_row_is_told_to_ravel_not_to_shorten_its_window():
    series = np.sin(np.arange(600) / 10.0)
    with pytest.raises(ValueError) as refused:
        aekit.SeriesAnomalyDetector(window=32).fit(series[None, :])
    assert "1 point of 600 channels" in str(refused.value)
    assert "x.ravel()" in str(refused.value) and "smaller window" not in str(refused.value)


def test_a_fitted_sequence_model_names_the_transpose_of_swapped_axes():
    X = np.random.default_rng(0).normal(size=(40, 1, 20)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = aekit.Autoencoder(architecture="conv1d", max_iter=1, random_state=0).fit(X)
    with pytest.raises(ValueError) as refused:
        model.reconstruct(X.transpose(0, 2, 1))
    said = str(refused.value)
    assert said.endswith("fitted on (1, 20): pass X.transpose(0, 2, 1).")
    assert "save DATA with its last two axes swapped" in for_the_command_line(said)


def test_the_command_lines_advice_quotes_column_names_for_the_shell():
    # 'pass --id-column Customer ID' split into two words when pasted; "Date d'achat" left an
    # unterminated quote
    import shlex

    from aekit.cli.shell_words import shell_word

    said = for_the_command_line(
        "column 'Customer ID' has 900 distinct values in 900 rows, each encoded as its own "
        "one-hot category: an identifier or free text? drop it, or group its values.",
        options={"id_column"},
    )
    assert "--id-column 'Customer ID'" in said and "--ignore-column 'Customer ID'" in said
    for name in ("Date d'achat", "plain", "a $b", 'say "hi"', "x\\y"):
        assert shlex.split(f"--ignore-column {shell_word(name)}") == ["--ignore-column", name]
    assert shell_word("Date d'achat") == '"Date d\'achat"' and shell_word("plain") == "plain"


def test_a_name_written_as_a_repr_is_advised_as_the_name_itself():
    # the advice quoted the repr's escapes: x\\y came out 'x\\\\y'; -x read as an option
    import shlex

    for name, typed in (("x\\y", ["--id-column", "x\\y"]), ("-x", ["--id-column=-x"])):
        message = (
            f"column {name!r} has 900 distinct values in 900 rows, each encoded as its own "
            "one-hot category: an identifier or free text? drop it, or group its values."
        )
        said = for_the_command_line(message, options={"id_column"})
        advised = said.split("pass ", 1)[1].split(" (left out", 1)[0]
        assert shlex.split(advised) == typed, advised


@pytest.mark.parametrize(
    "width, shape, words",
    [(64, (1, 8, 8), "8x8 grey"), (784, (1, 28, 28), "28x28 grey"), (48, (3, 4, 4), "4x4 colour")],
)
def test_a_conv_model_fitted_on_flat_square_rows_names_their_image_shape(width, shape, words):
    # digits' 64 columns given to a conv autoencoder were told of (C, H, W) alone
    X = np.random.default_rng(0).uniform(size=(10, width))
    with pytest.raises(ValueError) as refused:
        aekit.Autoencoder(architecture="conv", max_iter=1).fit(X)
    message = str(refused.value)
    assert f"X's {width} columns fit {words} images: image_shape={shape}." in message
    said = ",".join(map(str, shape))  # the command line's words: the option, not Python
    assert for_the_command_line(message).endswith(f"images: --image-shape {said}.")
    aekit.Autoencoder(architecture="conv", max_iter=1, image_shape=shape).fit(X)  # the fix fits


def test_flat_rows_of_no_square_shape_get_no_image_shape():
    with pytest.raises(ValueError) as refused:
        aekit.Autoencoder(architecture="conv", max_iter=1).fit(ROWS)  # 12 columns
    assert "columns fit" not in str(refused.value)
