"""Compressed text tables are tables: ``table.csv.gz`` (NAB ships its series so) reads as the
CSV it holds, not as an IDX file for its gzip magic number; MNIST's gzipped IDX files still read
as images."""

import gzip
import struct

import numpy as np
import pandas as pd
import pytest

from aekit.cli.data import DataOptions, load_data


@pytest.fixture(autouse=True)
def default_csv_options(monkeypatch):
    """load_data reads CSV as the last command was told to (--sep ...): here, the defaults."""
    from aekit.cli import csv_options

    monkeypatch.setattr(csv_options, "current", csv_options.CsvOptions())


def _table(n=40):
    rng = np.random.RandomState(0)
    return pd.DataFrame(
        {"a": rng.normal(size=n), "kind": rng.choice(["x", "y"], n), "y": np.arange(n) % 2}
    )


@pytest.mark.parametrize("compression", ["gz", "bz2", "xz", "zip"])
def test_a_compressed_csv_reads_as_the_csv(tmp_path, compression):
    plain, packed = tmp_path / "t.csv", tmp_path / f"t.csv.{compression}"
    _table().to_csv(plain, index=False)
    _table().to_csv(packed, index=False)  # pandas compresses as the name says
    X, y = load_data(str(packed), DataOptions(label_column="y"))
    X0, y0 = load_data(str(plain), DataOptions(label_column="y"))
    pd.testing.assert_frame_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_a_tsv_reads_with_tabs(tmp_path):
    _table().to_csv(tmp_path / "t.tsv.gz", sep="\t", index=False)
    X, y = load_data(str(tmp_path / "t.tsv.gz"), DataOptions(label_column="y"))
    assert list(X.columns) == ["a", "kind"] and len(y) == 40


def test_a_gzipped_idx_file_still_reads_as_images(tmp_path):
    images = np.arange(2 * 4 * 4, dtype=np.uint8).reshape(2, 4, 4)
    header = struct.pack(">HBB", 0, 0x08, 3) + struct.pack(">3I", *images.shape)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header + images.tobytes()))
    X, y = load_data(str(path), DataOptions())
    assert X.shape == (2, 1, 4, 4) and y is None
    np.testing.assert_allclose(X[1, 0], images[1] / 255.0)


def test_gzipped_text_that_is_no_table_is_refused_as_unknown(tmp_path):
    (tmp_path / "data.log.gz").write_bytes(gzip.compress(b"1 2 3\n4 5 6\n"))
    with pytest.raises(ValueError, match="not a table"):  # not "not an IDX file"
        load_data(str(tmp_path / "data.log.gz"), DataOptions())


def test_a_gzipped_txt_is_a_table_separated_by_whitespace(tmp_path, monkeypatch):
    from aekit.cli import csv_options

    (tmp_path / "data.txt.gz").write_bytes(gzip.compress(b" 1  2 3\n 4 5  6\n"))
    monkeypatch.setattr(csv_options, "current", csv_options.CsvOptions(header=False))
    X, _ = load_data(str(tmp_path / "data.txt.gz"), DataOptions())
    np.testing.assert_array_equal(X.to_numpy(), [[1, 2, 3], [4, 5, 6]])


def test_a_damaged_compressed_csv_names_the_file(tmp_path):
    (tmp_path / "t.csv.gz").write_bytes(gzip.compress(b"a,b\n1,2\n" * 50)[:-30])
    with pytest.raises(ValueError, match=r"t\.csv\.gz is not a readable \.gz file"):
        load_data(str(tmp_path / "t.csv.gz"), DataOptions())


def test_score_reads_the_label_column_a_compressed_run_recorded(tmp_path):
    """The label column a run recorded is found in a compressed DATA too, so ``score`` leaves
    it out of the features (as for a plain .csv)."""
    from aekit.cli.common import recorded_label_column

    (tmp_path / "config.toml").write_text('[data]\npath = "t.csv.gz"\nlabel_column = "y"\n')
    _table().to_csv(tmp_path / "t.csv.gz", index=False)
    assert recorded_label_column(tmp_path, str(tmp_path / "t.csv.gz")) == "y"
    assert recorded_label_column(tmp_path, str(tmp_path / "missing.csv.gz")) is None


def test_a_cut_off_compressed_data_is_left_to_the_reader_when_looking_for_the_label_column(
    tmp_path,
):
    # 'aekit encode RUN cut.csv.gz' of a RUN that recorded a label column: its header, read to
    # find that column, raised EOFError, which typer turned into Abort and a traceback
    from aekit.cli.common import recorded_label_column

    (tmp_path / "config.toml").write_text('[data]\npath = "t.csv.gz"\nlabel_column = "y"\n')
    packed = gzip.compress(_table().to_csv(index=False).encode())
    (tmp_path / "cut.csv.gz").write_bytes(packed[:20])  # its header cut off too
    assert recorded_label_column(tmp_path, str(tmp_path / "cut.csv.gz")) is None
    with pytest.raises(ValueError, match=r"cut\.csv\.gz is not a readable \.gz file"):
        load_data(str(tmp_path / "cut.csv.gz"), DataOptions())


def _damaged(packed: bytes) -> bytes:
    """``packed`` with 25 bytes of its stream, past the header, zeroed: whole, not cut off."""
    return packed[:15] + b"\0" * 25 + packed[40:]


@pytest.mark.parametrize("compression", ["gz", "xz", "bz2"])
def test_a_damaged_compressed_data_is_said_unreadable_in_one_line(tmp_path, compression):
    # gzip's zlib.error and xz's LZMAError are no OSError: both escaped as tracebacks, from the
    # look for a RUN's label column and from DATA's reader, where a cut-off file was said so
    import bz2
    import lzma

    from aekit.cli.common import recorded_label_column

    pack = {"gz": gzip.compress, "xz": lzma.compress, "bz2": bz2.compress}[compression]
    (tmp_path / "config.toml").write_text('[data]\npath = "t.csv.gz"\nlabel_column = "y"\n')
    bad = tmp_path / f"bad.csv.{compression}"
    bad.write_bytes(_damaged(pack(_table(2000).to_csv(index=False).encode())))
    assert recorded_label_column(tmp_path, str(bad)) is None  # left to the reader
    with pytest.raises(
        ValueError, match=rf"bad\.csv\.{compression} is not a readable \.{compression} file: "
    ):
        load_data(str(bad), DataOptions())
