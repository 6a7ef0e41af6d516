"""A UTF-8 file (with the byte-order mark spreadsheets write) read in another encoding is named
as UTF-8: read as cp1252 its first column was 'ï»¿Customer ID', and a run recorded with
--encoding cp1252 said only that DATA lacked 'Customer ID'."""

import pytest
from cli_helpers import invoke, refused

from aekit.cli.errors import for_the_command_line
from aekit.data.datasets import load_array

TEXT = "Customer ID;Âge;Revenu\r\nC1;41;65654,04\r\nC2;39;57682,04\r\n"


@pytest.fixture
def marked(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    return path


def test_read_in_another_encoding_it_is_named_utf8(marked):
    with pytest.raises(ValueError, match=r"starts with UTF-8's byte-order mark but is read as "
                       r"cp1252.*csv=\{'encoding': 'utf-8'\}"):  # fmt: skip
        load_array(marked, csv={"sep": ";", "decimal": ",", "encoding": "cp1252"})
    table, _ = load_array(marked, csv={"sep": ";", "decimal": ","})  # the default reads it
    assert list(table.columns) == ["Customer ID", "Âge", "Revenu"]


def test_a_cp1252_file_still_reads_as_cp1252(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT.encode("cp1252"))
    table, _ = load_array(path, csv={"sep": ";", "decimal": ",", "encoding": "cp1252"})
    assert list(table.columns) == ["Customer ID", "Âge", "Revenu"]


def test_the_command_line_names_its_option(marked, tmp_path):
    typed = ["--sep", ";", "--decimal", ",", "--encoding", "cp1252", "--out", tmp_path / "RUN"]
    said = refused(invoke("train", marked, *typed), "byte-order mark")
    assert for_the_command_line(said).endswith("read it with --encoding utf-8.")
    assert not (tmp_path / "RUN").exists()
