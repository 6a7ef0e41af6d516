"""The hashing and compression commands, end to end on the bundled digits."""

import re

import numpy as np
import pandas as pd
import pytest
from cli_helpers import ok, refused
from conftest import DEVICE
from typer.testing import CliRunner

import aekit
from aekit.cli import app
from aekit.cli.errors import error_message, for_the_command_line
from aekit.hashing import load_index

runner = CliRunner()
TINY = ["--quiet", "--param", "hidden_layer_sizes=[32]"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("retrieval")
    result = invoke("train-hasher", "digits", "--bits", 16, "--epochs", 3, *TINY, "-o",
                    folder / "hasher.safetensors")  # fmt: skip
    assert result.exit_code == 0, result.output
    result = invoke("train-compressor", "digits", "--latent-dim", 8, "--epochs", 3, *TINY, "-o",
                    folder / "compressor.safetensors")  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder


def test_index_and_search(files):
    index_path = files / "digits.index"
    assert (
        invoke("index", files / "hasher.safetensors", "digits", "--out", index_path).exit_code == 0
    )
    hits = files / "hits.csv"
    result = invoke("search", index_path, "digits", "-k", 5, "-o", hits)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(hits)
    assert list(table.columns) == ["query", "rank", "index", "distance"]
    assert len(table) == 1797 * 5
    from aekit.data.datasets import load_digits

    X, _ = load_digits(as_images=True)
    indices, distances = load_index(index_path, device=DEVICE).query(
        X, 5
    )  # the CLI answers as the API does
    np.testing.assert_array_equal(table["index"].to_numpy(), indices.ravel())
    np.testing.assert_array_equal(table["distance"].to_numpy(), distances.ravel())
    printed = invoke("search", index_path, "digits", "-k", 2)
    assert (
        printed.exit_code == 0 and printed.output.splitlines()[0] == "query\trank\tindex\tdistance"
    )


def test_search_reads_query_rows_as_the_index_read_its_rows(tmp_path):
    # the hasher was trained and the index built without the label column; a query table with
    # that column is read alike, without --label-column (it once failed on the unseen column)
    from aekit.data.datasets import load_digits

    X, y = load_digits()
    table = pd.DataFrame(X, columns=[f"p{i}" for i in range(64)]).assign(digit=y)
    table.iloc[:1000].to_csv(tmp_path / "rows.csv", index=False)
    table.iloc[1000:1020].to_csv(tmp_path / "query.csv", index=False)
    run, index_path = tmp_path / "H", tmp_path / "rows.index"
    assert invoke("train-hasher", tmp_path / "rows.csv", "--label-column", "digit", "--bits",
                  16, "--epochs", 3, *TINY, "--out", run).exit_code == 0  # fmt: skip
    assert invoke("index", run, tmp_path / "rows.csv", "-o", index_path).exit_code == 0
    assert load_index(index_path).read_options == {"label_column": "digit"}
    recorded = invoke("search", index_path, tmp_path / "query.csv", "-k", 3)
    typed = invoke("search", index_path, tmp_path / "query.csv", "-k", 3, "--label-column", "digit")
    assert recorded.exit_code == 0, recorded.output
    assert recorded.output == typed.output and len(recorded.output.splitlines()) == 1 + 20 * 3
    unlabelled = tmp_path / "unlabelled.csv"
    table.iloc[1000:1020].drop(columns="digit").to_csv(unlabelled, index=False)
    assert invoke("search", index_path, unlabelled, "-k", 3).output == recorded.output
    folder = tmp_path / "query_parts"  # a folder of Parquet files: its first file's columns
    folder.mkdir()
    table.iloc[1000:1010].to_parquet(folder / "part-0.parquet", index=False)
    table.iloc[1010:1020].to_parquet(folder / "part-1.parquet", index=False)
    assert invoke("search", index_path, folder, "-k", 3).output == recorded.output


def test_compress_and_decompress(files):
    model, packed = files / "compressor.safetensors", files / "digits.aek"
    result = invoke("compress", model, "digits", "-o", packed)
    assert result.exit_code == 0, result.output
    out = files / "restored.npy"
    assert invoke("decompress", model, packed, "-o", out).exit_code == 0
    assert np.load(out).shape == (1797, 1, 8, 8)
    assert invoke("decompress", model, packed, "-o", files / "grid.png").exit_code == 0
    assert (files / "grid.png").read_bytes()[:4] == b"\x89PNG"


def test_info_describes_a_compressed_file(files):
    # was "not a readable aekit file (truncated or corrupt?)" for a good .aek file
    model, packed = files / "compressor.safetensors", files / "described.aek"
    assert invoke("compress", model, "digits", "-o", packed).exit_code == 0
    result = runner.invoke(app, ["info", str(packed)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip()
            for line in result.output.splitlines() if line.count("│") == 3}  # fmt: skip
    assert rows["rows"] == "1797" and rows["row shape"] == "[1, 8, 8]"
    assert rows["bytes"] == str(packed.stat().st_size) and rows["latent units"] == "8"
    packed.write_bytes(packed.read_bytes()[:-1])  # a damaged one is still refused
    result = invoke("info", packed)
    assert isinstance(result.exception, ValueError) and "truncated" in str(result.exception)
    damaged = bytearray(packed.read_bytes())
    damaged[0] ^= 1  # its magic bytes: was read as a model file, "header too large"
    packed.write_bytes(bytes(damaged))
    refused(invoke("info", packed), "no AEKC magic bytes")
    from aekit.cli.describe import MAGIC
    from aekit.compression.container import MAGIC as WRITTEN

    assert MAGIC == WRITTEN  # info reads the bytes compress writes


def test_info_json_describes_a_compressed_file_and_an_index(files):
    # 'aekit info' drew a table alone, for a script to scrape
    import json

    packed, index_path = files / "json.aek", files / "json.index"
    assert (
        invoke("compress", files / "compressor.safetensors", "digits", "-o", packed).exit_code == 0
    )
    assert invoke("index", files / "hasher.safetensors", "digits", "-o", index_path).exit_code == 0
    facts = json.loads(ok(invoke("info", "--json", packed)).output)
    assert facts["file"] == str(packed) and facts["rows"] == 1797
    assert facts["row_shape"] == [1, 8, 8] and facts["bytes"] == packed.stat().st_size
    facts = json.loads(ok(invoke("info", index_path, "--json")).output)
    assert (facts["rows"], facts["bits"], facts["kind"][:5]) == (1797, 16, "index")


def test_a_forged_row_count_is_refused_by_info_and_decompress(files):
    # a header announcing 2**32 - 1 rows (its CRC-32 recomputed) was shown by 'aekit info' as
    # a file of 4 billion rows, and decompress allocated 17 GB for them
    import dataclasses

    from aekit.compression import container

    model, packed = files / "compressor.safetensors", files / "forged.aek"
    assert invoke("compress", model, "digits", "-o", packed).exit_code == 0
    box = dataclasses.replace(container.unpack(packed.read_bytes()), n_rows=2**32 - 1)
    packed.write_bytes(container.pack(box))
    said = f"{packed}: the compressed file is damaged: its header announces 4,294,967,295 rows"
    refused(invoke("info", packed), said)
    refused(invoke("decompress", model, packed, "-o", files / "never.npy"), said)
    assert not (files / "never.npy").exists()


def test_damaged_file_and_wrong_model_are_errors(files):
    model, packed = files / "compressor.safetensors", files / "damaged.aek"
    assert invoke("compress", model, "digits", "-o", packed).exit_code == 0
    packed.write_bytes(packed.read_bytes()[:-7])
    result = invoke("decompress", model, packed, "-o", files / "never.npy")
    assert isinstance(result.exception, ValueError) and "truncated" in str(result.exception)
    assert not (files / "never.npy").exists()
    # Review 7, finding 3: a step too small for the model's tables is refused, naming the
    # smallest one, before anything is written.
    result = invoke("compress", model, "digits", "-o", files / "x.aek", "--step", "1e-9")
    assert isinstance(result.exception, ValueError), result.output
    assert "smallest step this model supports" in str(result.exception)
    said = for_the_command_line(error_message(result.exception), {"step"})  # the option's words
    assert said.startswith("--step 1e-09 is below the smallest step")
    assert re.search(r"Use a --step of at least [0-9.e-]+\.$", said), said
    assert for_the_command_line(error_message(result.exception), {"param"}).startswith(
        "--param step=1e-09 is below"  # train-compressor has no --step
    )
    assert not (files / "x.aek").exists()
    result = invoke("compress", files / "hasher.safetensors", "digits", "-o", files / "x.aek")
    assert isinstance(result.exception, ValueError)
    assert str(result.exception).endswith(
        "holds a SemanticHasher, not a compressor; train one with 'aekit train-compressor'."
    )
    result = invoke("search", files / "compressor.safetensors", "digits")
    assert isinstance(result.exception, ValueError) and "not an index" in str(result.exception)
    # an index given as a model names the call and the command that read it (user review)
    invoke("index", files / "hasher.safetensors", "digits", "--out", files / "given_as_model.index")
    with pytest.raises(ValueError, match=r"not a model \(format 'aekit-index'\); read it with "
                       r"aekit\.load_index\(path\)"):  # fmt: skip
        aekit.load(files / "given_as_model.index")
    result = invoke("score", files / "given_as_model.index", "digits", "-o", files / "s.csv")
    message = error_message(result.exception)
    assert "; an index: 'aekit search' reads it" in for_the_command_line(message), message
    # a RUN folder given as INDEX was "no such file" (user review)
    result = invoke("search", files, "digits")
    assert isinstance(result.exception, ValueError), result.output
    assert str(result.exception).startswith(f"INDEX {files} is a folder; give the index file")
    with pytest.raises(ValueError, match="is a folder; give the file that aekit saved in it"):
        load_index(files)


def test_a_table_compressed_and_decompressed_keeps_its_column_names(tmp_path):
    # decompress wrote x0, x1, ... for a compressor trained on a table (user audit)
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(300, 5)), columns=[*"abcd", "price"])
    table.assign(kind=rng.integers(0, 2, 300)).to_csv(tmp_path / "t.csv", index=False)
    model = tmp_path / "c.safetensors"
    result = invoke("train-compressor", tmp_path / "t.csv", "--label-column", "kind",
                    "--latent-dim", 2, "--epochs", 2, *TINY, "-o", model)  # fmt: skip
    assert result.exit_code == 0, result.output
    packed = tmp_path / "t.aek"
    ok(invoke("compress", model, tmp_path / "t.csv", "--label-column", "kind", "-o", packed))
    restored = tmp_path / "r.csv"
    result = invoke("decompress", model, packed, "-o", restored)
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(restored).columns) == [*"abcd", "price"]
    # without --label-column the label is an extra column, named as such
    refused(invoke("compress", model, tmp_path / "t.csv", "-o", tmp_path / "u.aek"), "['kind']")


def test_an_index_records_the_id_column_and_names_hits_by_it(tmp_path):
    # the index kept the label column but not the id column: searching a table with the id
    # failed ("text columns (rid)"), and hits gave row numbers only (user audit)
    from sklearn.datasets import load_digits

    digits = load_digits()
    table = pd.DataFrame(digits.data[:300], columns=[f"p{i}" for i in range(64)])
    table.insert(0, "rid", [f"R{i:03d}" for i in range(300)])
    table["digit"] = digits.target[:300]
    table.iloc[:250].to_csv(tmp_path / "db.csv", sep=";", index=False)
    table.iloc[250:].to_csv(tmp_path / "q.csv", sep=";", index=False)
    run = tmp_path / "H"
    options = ["--sep", ";", "--id-column", "rid", "--label-column", "digit"]
    ok(invoke("train-hasher", tmp_path / "db.csv", *options, "--bits", 16, "--epochs", 2, *TINY,
              "--out", run))  # fmt: skip
    ok(invoke("index", run, tmp_path / "db.csv", "--out", tmp_path / "db.index"))
    index = load_index(tmp_path / "db.index")
    assert index.ids[:2] == ["R000", "R001"] and index.read_options["id_column"] == "rid"
    ok(
        invoke(
            "search", tmp_path / "db.index", tmp_path / "q.csv", "-k", 2, "-o", tmp_path / "h.csv"
        )
    )
    hits = pd.read_csv(tmp_path / "h.csv")
    assert list(hits.columns) == ["rid", "query", "rank", "index", "index_rid", "distance"]
    assert hits["rid"].iloc[0] == "R250"
    assert (hits["index_rid"] == [f"R{i:03d}" for i in hits["index"]]).all()
    # query rows without the id (new items) are read all the same, named by position (review)
    table.iloc[250:].drop(columns="rid").to_csv(tmp_path / "new.csv", sep=";", index=False)
    ok(invoke("search", tmp_path / "db.index", tmp_path / "new.csv", "-k", 2, "-o",
              tmp_path / "n.csv"))  # fmt: skip
    assert list(pd.read_csv(tmp_path / "n.csv").columns) == [
        "query", "rank", "index", "index_rid", "distance"
    ]  # fmt: skip


def test_index_ids_are_one_per_row_and_survive_save(tmp_path):
    from aekit.hashing import HammingIndex

    codes = np.random.default_rng(0).integers(0, 2, (5, 12))
    with pytest.raises(ValueError, match="4 ids for 5 rows"):
        HammingIndex(codes, ids=["a", "b", "c", "d"])
    HammingIndex(codes, ids=["a", "bé", "", 7, "e"]).save(tmp_path / "x.index")
    assert load_index(tmp_path / "x.index").ids == ["a", "bé", "", "7", "e"]
    assert load_index(tmp_path / "x.index").read_options == {}
    # integer ids stay integers (they came back as text); a gap is empty, not "nan", and the
    # whole floats pandas reads beside it are the integers' text, not "1001.0"
    HammingIndex(codes, ids=np.arange(1001, 1006)).save(tmp_path / "n.index")
    assert load_index(tmp_path / "n.index").ids == [1001, 1002, 1003, 1004, 1005]
    gappy = [1001.0, np.nan, 1003.0, None, 1005.0]
    assert HammingIndex(codes, ids=gappy).ids == ["1001", "", "1003", "", "1005"]


def _info_rows(path) -> dict[str, str]:
    result = runner.invoke(app, ["info", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return {line.split("│")[1].strip(): line.split("│")[2].strip()
            for line in result.output.splitlines() if line.count("│") == 3}  # fmt: skip


def test_info_describes_an_index_and_a_compressor_s_step_and_fingerprint(files):
    # an index was refused ("an aekit file but not a model"); a compressor showed no step or
    # fingerprint, so the compressor an .aek file names could not be found
    index_path = files / "described.index"
    ok(invoke("index", files / "hasher.safetensors", "digits", "--out", index_path))
    from aekit.cli.describe import INDEX_FORMAT
    from aekit.hashing.index import INDEX

    assert INDEX.name == INDEX_FORMAT  # info finds an index by the name the index writes
    rows = _info_rows(index_path)
    assert (rows["rows"], rows["bits"]) == ("1797", "16")
    assert rows["hasher"] == "SemanticHasher, 64 features"
    compressor = files / "compressor.safetensors"
    packed = files / "fingerprinted.aek"
    ok(invoke("compress", compressor, "digits", "-o", packed))
    model = _info_rows(compressor)
    assert model["fingerprint"] == _info_rows(packed)["compressor fingerprint"]
    assert float(model["quantization step"]) > 0


def test_decompress_draws_rows_stored_as_images_without_image_shape(tmp_path):
    # a compressor of flat rows given an IDX file's images: its .aek file holds (1, 8, 8) rows,
    # yet '-o x.png' asked for --image-shape as if they were flat
    from aekit.compression import Compressor

    X = np.random.default_rng(0).random((120, 1, 8, 8)).astype(np.float32)
    Compressor(4, hidden_layer_sizes=(16,), max_iter=2, random_state=0).fit(
        X.reshape(120, -1)
    ).save(tmp_path / "c.safetensors")
    np.save(tmp_path / "images.npy", X)
    ok(
        invoke(
            "compress",
            tmp_path / "c.safetensors",
            tmp_path / "images.npy",
            "-o",
            tmp_path / "x.aek",
        )
    )
    ok(
        invoke(
            "decompress", tmp_path / "c.safetensors", tmp_path / "x.aek", "-o", tmp_path / "x.png"
        )
    )
    assert (tmp_path / "x.png").read_bytes().startswith(b"\x89PNG")
