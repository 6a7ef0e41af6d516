"""Review 7, finding 6: a CSV that pandas wrote from an array loads, and each misread CSV is
refused with a fix that works when passed to ``load_array`` as the message writes it."""

import ast
import re

import numpy as np
import pandas as pd
import pytest

from aekit.data.datasets import load_array, load_digits

X, _ = load_digits()


def test_a_csv_pandas_wrote_from_an_array_loads(tmp_path):
    pd.DataFrame(X[:10]).to_csv(tmp_path / "a.csv", index=False)  # header 0,1,...,63
    table, y = load_array(tmp_path / "a.csv")
    assert y is None and list(table.columns) == [str(i) for i in range(64)]
    np.testing.assert_allclose(table.to_numpy(), X[:10], rtol=1e-6)  # no row lost


def _fix(message: str) -> dict:
    """The ``csv={...}`` the message tells the user to pass."""
    return ast.literal_eval(re.search(r"csv=(\{[^}]*\})", message)[1])


FRAME = pd.DataFrame(X[:5, :3], columns=["a", "b", "café"])
# ';'-separated with decimal commas and a ',' in a name: read with ',' it split into two
# columns of text (pandas found no error), which were one-hot encoded
COMMA_NAME = pd.DataFrame(X[:5, :3], columns=["a", "b,c", "d"])
BINARY = pd.DataFrame([[0, 1], [1, 0], [1, 1]])  # a first row 0,1 is data, not pandas' names


@pytest.mark.parametrize(
    "frame, write, words",
    [
        (FRAME, lambda f, p: f.to_csv(p, index=False, header=False), "looks like data"),
        (FRAME, lambda f, p: f.to_csv(p, index=False, sep=";"), "looks separated by ';'"),
        (FRAME, lambda f, p: f.to_csv(p, index=False, encoding="latin-1"), "is not utf-8 text"),
        (FRAME, lambda f, p: f.to_csv(p, index=False, encoding="utf-16"), "a NUL byte at byte"),
        (FRAME, lambda f, p: f.to_csv(p, index=False, encoding="utf-16-le"), "'utf-16-le'"),
        (BINARY, lambda f, p: f.to_csv(p, index=False, header=False), "looks like data"),
        (
            COMMA_NAME,
            lambda f, p: f.to_csv(p, index=False, sep=";", decimal=","),
            "looks separated by ';'",
        ),
    ],
    ids=[
        "no-header",
        "semicolons",
        "latin-1",
        "utf-16",
        "utf-16-le-no-bom",
        "binary-first-row-0-1",
        "comma-in-a-name",
    ],
)
def test_the_named_fix_reads_the_file(frame, write, words, tmp_path):
    write(frame, tmp_path / "t.csv")
    with pytest.raises(ValueError, match=words) as caught:
        load_array(tmp_path / "t.csv")
    options = _fix(str(caught.value))
    for _ in range(2):  # a fix may reveal one more (the separator, then the decimal comma)
        try:
            fixed, _ = load_array(tmp_path / "t.csv", csv=options)
            break
        except ValueError as next_problem:
            options |= _fix(str(next_problem))
    else:
        pytest.fail(f"the fixes {options} do not read the file")
    np.testing.assert_allclose(fixed.to_numpy(), frame.to_numpy(), rtol=1e-6)  # every row


def test_a_binary_file_given_as_a_table_is_refused_at_once(tmp_path):
    # pandas read a 257 MB file of NUL bytes for ten minutes; a small one was "a header row but
    # no data rows"
    (tmp_path / "zeros.csv").write_bytes(bytes(1000))
    (tmp_path / "inside.csv").write_bytes(b"a,b\n1,2\n3,\x004\n")
    for name, at in (("zeros.csv", 0), ("inside.csv", 10)):
        with pytest.raises(ValueError, match=f"not a text table: it holds a NUL byte at byte {at}"):
            load_array(tmp_path / name)


def test_names_holding_the_other_separator_do_not_override_the_one_given(tmp_path):
    # every name holds ',' but the cells do not: read with ';' as asked (it was refused,
    # "looks separated by ','", with no way round)
    (tmp_path / "de.csv").write_text("Preis, EUR;Gewicht, kg\n1;2\n3;4\n")
    table, _ = load_array(tmp_path / "de.csv", csv={"sep": ";"})
    assert list(table.columns) == ["Preis, EUR", "Gewicht, kg"]
    np.testing.assert_array_equal(table.to_numpy(), [[1, 2], [3, 4]])


def test_a_separator_pandas_reads_with_its_python_engine_still_reads(tmp_path):
    # pandas warns (ParserWarning) that it falls back to its python engine: that warning was
    # taken for rows longer than the header
    from aekit.data.table_checks import read_csv

    (tmp_path / "t.csv").write_text("a::b\n1::2\n3::4\n")
    with pytest.warns(pd.errors.ParserWarning, match="python"):
        table = read_csv(tmp_path / "t.csv", sep="::")
    np.testing.assert_array_equal(table.to_numpy(), [[1, 2], [3, 4]])


def test_a_byte_the_encoding_cannot_read_is_placed_by_line(tmp_path):
    # pandas' position counts from its block: a latin-1 'é' on line 3 was "at byte 1"
    path = tmp_path / "t.csv"
    path.write_bytes("a,b\n1,x\n2,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"is not utf-8 text \(.* at line 3, byte 6 of it\)"):
        load_array(path)


def test_a_utf16_encoding_given_for_utf8_text_names_the_file_and_the_option(tmp_path):
    # pandas' bare "UTF-16 stream does not start with BOM" named neither
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    told = r"t\.csv is not utf-16 text \(UTF-16 stream does not start with BOM\); give its own"
    with pytest.raises(ValueError, match=told):
        load_array(tmp_path / "t.csv", csv={"encoding": "utf-16"})


@pytest.mark.parametrize("width", [1, 2])
def test_pandas_names_of_one_or_two_columns_above_fractions_are_names(width, tmp_path):
    # pd.DataFrame(X).to_csv(index=False) writes the header 0,1: it was read as a row of data
    # and refused, with the advice to read it with no header (a row of data more, wrong)
    values = np.random.default_rng(0).normal(size=(6, width))
    pd.DataFrame(values).to_csv(tmp_path / "t.csv", index=False)
    table, _ = load_array(tmp_path / "t.csv")
    assert list(table.columns) == [str(i) for i in range(width)]
    np.testing.assert_allclose(table.to_numpy(), values)
    BINARY.to_csv(tmp_path / "b.csv", index=False)  # over whole numbers: said both ways
    with pytest.raises(ValueError, match=r"looks like data.*names pandas gives unnamed columns"):
        load_array(tmp_path / "b.csv")


def test_a_comment_line_above_the_header_is_named(tmp_path):
    # it was read as the header, and the rows blamed for having "more fields than its header"
    (tmp_path / "t.csv").write_text("# exported by a tool\na,b\n1,2\n3,4\n")
    with pytest.raises(ValueError, match=r"first line, '# exported by a tool', is a comment"):
        load_array(tmp_path / "t.csv")
