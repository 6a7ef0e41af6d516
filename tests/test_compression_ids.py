"""Row ids travel with compressed rows: ``compress(X, ids=...)`` stores them (format version 2),
``decompress(data, return_ids=True)`` gives them back, and ``aekit compress`` of a RUN with an
--id-column (or an image folder) keeps them for ``aekit decompress`` to write first: they were
dropped, the decompressed rows left unmatched to their ids."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok
from conftest import DEVICE

from aekit.compression import Compressor, container


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)) @ rng.normal(size=(2, 6))
    params = dict(hidden_layer_sizes=(16,), max_iter=20, random_state=0, device=DEVICE)
    return Compressor(3, **params).fit(X), X


def test_a_file_without_ids_is_version_1_and_one_with_ids_version_2():
    box = container.Container(b"f" * 16, 3, (1, 28, 28), 0.75, 12, b"\x01\x02\x03\x04")
    packed = container.pack(box)
    assert packed[4] == 1 and container.unpack(packed) == box
    # version 1's layout, as before ids: header, payload, CRC-32 (4 + 1 + 16 + 4 + 1 + 12 + 14)
    assert len(packed) == 52 + 4 + 4 and packed[-8:-4] == b"\x01\x02\x03\x04"
    named = dataclasses.replace(box, ids=["a", "é", "c"], id_column="key")
    with_ids = container.pack(named)
    assert with_ids[4] == 2 and container.unpack(with_ids) == named


def test_ids_round_trip_with_their_column_name(fitted):
    model, X = fitted
    ids = pd.Series([f"c{i:04d}" for i in range(40)], name="customer")
    data = model.compress(X[:40], ids=ids)
    rows, back = model.decompress(data, return_ids=True)
    np.testing.assert_array_equal(rows, model.decompress(model.compress(X[:40])))
    pd.testing.assert_series_equal(back, ids)
    assert model.decompress(model.compress(X[:40]), return_ids=True)[1] is None
    numbers = model.decompress(model.compress(X[:3], ids=[7, 8, 9]), return_ids=True)[1]
    assert numbers.tolist() == ["7", "8", "9"] and numbers.name is None  # stored as text
    with pytest.raises(ValueError, match=r"^ids holds 2 ids for 3 rows; give one id a row\.$"):
        model.compress(X[:3], ids=["a", "b"])


def test_a_damaged_ids_block_is_refused(fitted):
    model, X = fitted
    data = bytearray(model.compress(X[:5], ids=list("abcde")))
    data[-8] ^= 0xFF  # inside the ids block: the CRC finds it
    with pytest.raises(ValueError, match="checksum does not match"):
        model.decompress(bytes(data))
    with pytest.raises(ValueError, match=r"damaged: .* bytes where its header announces"):
        model.decompress(model.compress(X[:5], ids=list("abcde"))[:-6])


def test_the_command_line_keeps_a_runs_ids_through_a_shuffle(tmp_path):
    rng = np.random.default_rng(1)
    values = rng.normal(size=(200, 2)) @ rng.normal(size=(2, 5))
    table = pd.DataFrame(values, columns=list("abcde"))
    table.insert(0, "sid", [f"S{i:05d}" for i in range(200)])
    table.to_csv(tmp_path / "t.csv", index=False)
    table.sample(frac=1, random_state=0).head(50).to_csv(tmp_path / "new.csv", index=False)
    run = tmp_path / "R"
    ok(invoke("train-compressor", tmp_path / "t.csv", "--id-column", "sid", "--latent-dim", 3,
              "--epochs", 3, "--out", run, "--quiet"))  # fmt: skip
    said = ok(invoke("compress", run, tmp_path / "new.csv", "-o", tmp_path / "x.aek")).output
    # the rows' bits apart from the ids' (bits per value is the codec's, not the ids')
    rows_only = container.bytes_without_ids(container.unpack((tmp_path / "x.aek").read_bytes()))
    assert f"{8 * rows_only / 50:.1f} bits per row" in said and "; the 50 ids take " in said
    info = ok(invoke("info", tmp_path / "x.aek")).output
    assert "50 in " in info and "(column sid)" in info
    ok(invoke("decompress", run, tmp_path / "x.aek", "-o", tmp_path / "back.csv"))
    back, new = pd.read_csv(tmp_path / "back.csv"), pd.read_csv(tmp_path / "new.csv")
    assert list(back.columns) == list(new.columns)  # sid first, as in DATA
    assert back["sid"].tolist() == new["sid"].tolist()
    with pytest.warns(UserWarning, match=r"a \.npy holds no sid column"):
        ok(invoke("decompress", run, tmp_path / "x.aek", "-o", tmp_path / "back.npy"))
    assert np.load(tmp_path / "back.npy").shape == (50, 5)


def test_an_ids_block_inflating_past_its_rows_is_refused_unread(fitted):
    # a few hundred kB of zeros inflated to gigabytes before the count was checked (review)
    import struct
    import zlib

    model, X = fitted
    body = bytearray(model.compress(X[:5])[:-4])
    body[4] = 2  # version 2: an ids block follows the payload
    block = zlib.compress(b'{"column": null, "ids": ["' + b"a" * 20_000_000 + b'"]}', 9)
    body += struct.pack("<I", len(block)) + block
    body += struct.pack("<I", zlib.crc32(bytes(body)))  # a CRC anyone can renew
    with pytest.raises(ValueError, match=r"damaged: its ids block cannot be read\.$"):
        model.decompress(bytes(body))


def test_missing_ids_are_stored_empty_and_long_ones_refused(fitted):
    model, X = fitted
    back = model.decompress(model.compress(X[:4], ids=[1, None, 3.0, np.nan]), return_ids=True)
    assert back[1].tolist() == ["1", "", "3.0", ""]  # not the text 'None' or 'nan'
    with pytest.raises(ValueError, match=r"^an id or the ids' name holds 1,001 characters"):
        model.compress(X[:2], ids=["a" * 1001, "b"])
    with pytest.raises(ValueError, match=r"^an id or the ids' name holds 8,000 characters"):
        model.compress(X[:1], ids=pd.Series(["a"], name="n" * 8000))  # it wrote a file it refused
    longest = pd.Series(["a" * 1000], name="n" * 1000)  # the most stored reads back
    assert model.decompress(model.compress(X[:1], ids=longest), return_ids=True)[1].equals(longest)
    # bad X is said as without ids (it was len()'s TypeError), before the ids are counted
    with pytest.raises(ValueError, match=r"^X is None"):
        model.compress(None, ids=["a"])
