"""``out=`` and :func:`aekit.write_outputs` never destroy what they read: an output that is the
input file (a dataset's, a memmap's, under any spelling) or lies inside a dataset's folder is
refused before anything is written, as the command line refuses it; and a memmap is read with
``pread``, not through its mapping, so memory does not grow with the file."""

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.data import lazy
from aekit.data.readers import is_memory_mapped
from aekit.estimators import streaming

SMALL = {"max_iter": 2, "hidden_layer_sizes": (8,), "latent_dim": 2, "random_state": 0}
NAMES = [f"p{i}" for i in range(6)]


@pytest.fixture(scope="module")
def model():
    X = np.random.default_rng(0).normal(size=(60, 6)).astype(np.float32)
    return X, aekit.Autoencoder(**SMALL).fit(pd.DataFrame(X, columns=NAMES))


@pytest.fixture
def files(model, tmp_path):
    X, _ = model
    np.save(tmp_path / "d.npy", X)
    pd.DataFrame(X, columns=NAMES).to_parquet(tmp_path / "d.parquet")
    (tmp_path / "parts").mkdir()
    for i, part in enumerate([X[:30], X[30:]]):
        pd.DataFrame(part, columns=NAMES).to_parquet(tmp_path / "parts" / f"{i}.parquet")
    return tmp_path


def calls(folder):
    """(what is read, where it would be written, the method), each a way to destroy the input."""
    return [
        (lambda: aekit.open_dataset("d.npy"), "d.npy", "score_samples"),
        (lambda: np.load("d.npy", mmap_mode="r"), "d.npy", "transform"),
        (lambda: np.load(folder / "d.npy", mmap_mode="r")[10:], "./d.npy", "transform"),
        (lambda: aekit.open_dataset("d.parquet"), "d.parquet", "reconstruct"),
        (lambda: aekit.open_dataset("parts"), "parts/scores.parquet", "score_samples"),
    ]


@pytest.mark.parametrize("case", range(5))
@pytest.mark.parametrize("route", ["out", "write_outputs"])
def test_an_output_that_is_the_input_is_refused_before_writing(model, files, case, route,
                                                               monkeypatch):  # fmt: skip
    _, ae = model
    monkeypatch.chdir(files)
    read, out, method = calls(files)[case]
    before = {p: p.read_bytes() for p in sorted(files.rglob("*")) if p.is_file()}
    words = "is inside X parts" if "parts" in out else "is X itself"
    with pytest.raises(ValueError, match=f"out='{out}' {words}"):
        if route == "out":
            getattr(ae, method)(read(), out=out)
        else:
            aekit.write_outputs(ae, read(), out, method)
    after = {p: p.read_bytes() for p in sorted(files.rglob("*")) if p.is_file()}
    assert after == before  # nothing replaced, nothing added (no temporary file either)
    assert aekit.open_dataset("parts").shape == (60, 6)


def test_a_link_to_the_input_is_the_input_and_another_file_is_written(model, files):
    X, ae = model
    (files / "link.npy").symlink_to(files / "d.npy")
    with pytest.raises(ValueError, match="is X itself"):
        ae.score_samples(aekit.open_dataset(files / "d.npy"), out=files / "link.npy")
    written = ae.score_samples(aekit.open_dataset(files / "parts"), out=files / "s.npy")
    expected = ae.score_samples(pd.DataFrame(X, columns=NAMES))
    np.testing.assert_allclose(np.load(written), expected, rtol=1e-6)


def test_a_memmap_is_read_with_pread_not_through_its_mapping(model, tmp_path, monkeypatch):
    """Pages touched through a mapping stay resident: a memmap's chunks must be copies read from
    the file (benchmarks/out_memory.py, 288 MB: +309 MiB of peak memory before, +66 after)."""
    X, ae = model
    monkeypatch.setattr(lazy, "MEMMAP_LAZY_BYTES", 0)  # as for any memmap of 64 MiB or more
    np.save(tmp_path / "d.npy", X)
    memmap = np.load(tmp_path / "d.npy", mmap_mode="r")
    chunks = [part for part, _ in streaming.chunks_of(memmap, batch_rows=16)]
    assert len(chunks) == 4 and not any(is_memory_mapped(part) for part in chunks)
    np.testing.assert_array_equal(np.concatenate(chunks), X)
    written = np.load(ae.transform(memmap, out=tmp_path / "z.npy"))
    np.testing.assert_allclose(written, ae.transform(X), rtol=1e-6, atol=1e-7)


def test_a_command_on_a_run_does_not_write_over_the_data_it_was_trained_on(tmp_path, monkeypatch):
    # 'aekit generate RUN -o cust.csv' replaced 3,000 real rows with 64 generated ones, exit 0
    from cli_helpers import invoke, ok, refused

    monkeypatch.chdir(tmp_path)
    rows = pd.DataFrame(np.random.default_rng(0).normal(size=(80, 3)), columns=["a", "b", "c"])
    rows.to_csv("t.csv", index=False)
    ok(invoke("train", "t.csv", "--model", "vae", "--epochs", "1", "--quiet", "--no-figures",
              "--out", "R"))  # fmt: skip
    before = (tmp_path / "t.csv").read_bytes()
    for spelling in ("t.csv", str(tmp_path / "t.csv"), "./t.csv"):
        refused(invoke("generate", "R", "-o", spelling), "is the data R was trained on")
    (tmp_path / "w").mkdir()
    monkeypatch.chdir(tmp_path / "w")  # from another folder: the recorded path resolved there
    refused(invoke("generate", "../R", "-o", "../t.csv"), "trained on")
    assert (tmp_path / "t.csv").read_bytes() == before
    ok(invoke("generate", "../R", "-n", "3", "-o", "../new.csv"))
    # a RUN trained on a folder of Parquet files: none of them, nor a new file among them
    (tmp_path / "pq").mkdir()
    for part in (0, 1):
        rows.to_parquet(tmp_path / "pq" / f"part-{part}.parquet", index=False)
    train = ["--model", "vae", "--epochs", "1", "--quiet", "--no-figures", "--out", "../RP"]
    ok(invoke("train", "../pq", *train))
    for name in ("part-0.parquet", "new.parquet"):
        refused(invoke("generate", "../RP", "-o", f"../pq/{name}"), "is in the data ../RP")
    assert len(pd.read_parquet(tmp_path / "pq" / "part-0.parquet")) == 80
