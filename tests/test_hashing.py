"""Semantic hashing: bit packing and Hamming distances against naive references, the index
against brute force, retrieval quality against chance, and model/index files."""

import json

import numpy as np
import pytest
import torch
from conftest import DEVICE
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

import aekit
from aekit.data.datasets import load_digits
from aekit.devices import resolve_device
from aekit.hashing import HammingIndex, SemanticHasher, hamming_distances, load_index, pack_codes
from aekit.io.tensors import header_digest


def naive_hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([[int(np.sum(x != y)) for y in b] for x in a])


@pytest.mark.parametrize("n_bits", [1, 7, 8, 32, 63, 64, 65, 130])
def test_packed_distances_match_naive_reference(n_bits):
    rng = np.random.default_rng(n_bits)
    a = rng.integers(0, 2, (9, n_bits))
    b = rng.integers(0, 2, (11, n_bits))
    packed = pack_codes(a)
    assert packed.dtype == np.uint64 and packed.shape == (9, -(-n_bits // 64))
    np.testing.assert_array_equal(hamming_distances(packed, pack_codes(b)), naive_hamming(a, b))


def test_pack_codes_matches_packbits_bit_order():
    codes = np.zeros((1, 16), dtype=np.uint8)
    codes[0, 0] = 1  # the first bit is the most significant bit of the first byte
    assert pack_codes(codes).view(np.uint8)[0, 0] == 0x80


@pytest.mark.parametrize("k", [1, 5, 40])
def test_query_equals_brute_force_with_ties_by_index(k):
    rng = np.random.default_rng(0)
    database = rng.integers(0, 2, (40, 6))  # 6 bits, 40 rows: many ties
    queries = rng.integers(0, 2, (13, 6))
    indices, distances = HammingIndex(database).query_codes(queries, k)
    full = naive_hamming(queries, database)
    for q in range(len(queries)):
        expected = np.lexsort((np.arange(40), full[q]))[:k]  # by distance, then by index
        np.testing.assert_array_equal(indices[q], expected)
        np.testing.assert_array_equal(distances[q], full[q, expected])


def test_query_batches_give_the_same_answer(monkeypatch):
    rng = np.random.default_rng(1)
    database, queries = rng.integers(0, 2, (50, 20)), rng.integers(0, 2, (30, 20))
    index = HammingIndex(database)
    expected = index.query_codes(queries, 7)
    monkeypatch.setattr("aekit.hashing.index.BATCH_BYTES", 1)  # one query per batch
    for got, want in zip(index.query_codes(queries, 7), expected):
        np.testing.assert_array_equal(got, want)


def test_ragged_codes_are_refused_naming_the_rows_lengths():
    # numpy's own "inhomogeneous shape after 1 dimensions" named neither the codes nor a fix
    index = HammingIndex(np.zeros((2, 3), dtype=np.uint8))
    for build in (
        lambda: HammingIndex([[0, 1, 1], [1, 0]]),
        lambda: index.query_codes([[0, 1, 1], [1]], k=1),
    ):
        with pytest.raises(ValueError, match="has rows of different lengths; every row must hold"):
            build()


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits()
    return X[:1400], y[:1400], X[1400:], y[1400:]


@pytest.fixture(scope="module")
def hasher(digits_split):
    X_train = digits_split[0]
    return SemanticHasher(
        16,
        similarity_weight=30.0,
        hidden_layer_sizes=(64,),
        max_iter=15,
        batch_size=200,
        random_state=0,
        device=DEVICE,
    ).fit(X_train)


def test_codes_are_bits_of_the_right_shape(hasher, digits_split):
    codes = hasher.transform(digits_split[2])
    assert codes.shape == (len(digits_split[2]), 16) and codes.dtype == np.uint8
    assert set(np.unique(codes)) <= {0, 1}
    assert 0.1 < codes.mean() < 0.9  # the bits are used, not constant


def test_neighbours_share_labels_far_more_often_than_chance(hasher, digits_split):
    X_train, y_train, X_test, y_test = digits_split
    indices, _ = hasher.index(X_train).query(X_test, k=10)
    precision = np.mean(y_train[indices] == y_test[:, None])
    chance = np.mean([np.mean(y_train == label) for label in y_test])
    assert precision > 0.6 > 4 * chance


def test_similarity_term_improves_retrieval(hasher, digits_split):
    X_train, y_train, X_test, y_test = digits_split
    plain = SemanticHasher(**{**hasher.get_params(), "similarity_weight": 0.0}).fit(X_train)

    def precision(model):
        indices, _ = model.index(X_train).query(X_test, k=10)
        return np.mean(y_train[indices] == y_test[:, None])

    assert precision(hasher) > precision(plain)


def test_hasher_round_trip(hasher, digits_split, tmp_path):
    hasher.save(tmp_path / "hasher.safetensors")
    loaded = aekit.load(tmp_path / "hasher.safetensors", device=DEVICE)
    assert isinstance(loaded, SemanticHasher)
    np.testing.assert_array_equal(
        loaded.transform(digits_split[2]), hasher.transform(digits_split[2])
    )


def test_index_round_trip_gives_identical_answers(hasher, digits_split, tmp_path):
    X_train, _, X_test, _ = digits_split
    index = hasher.index(X_train)
    index.save(tmp_path / "digits.index")
    loaded = load_index(tmp_path / "digits.index", device=DEVICE)
    assert loaded.n_rows == len(X_train) and loaded.n_bits == 16
    for got, want in zip(loaded.query(X_test, k=8), index.query(X_test, k=8)):
        np.testing.assert_array_equal(got, want)


def test_index_of_codes_round_trip(tmp_path):
    codes = np.random.default_rng(0).integers(0, 2, (30, 70))
    HammingIndex(codes).save(tmp_path / "codes.index")
    loaded = load_index(tmp_path / "codes.index", device=DEVICE)
    assert loaded.hasher is None
    for got, want in zip(loaded.query(codes[:4], 5), HammingIndex(codes).query(codes[:4], 5)):
        np.testing.assert_array_equal(got, want)


def test_damaged_index_files_raise_value_error(hasher, digits_split, tmp_path):
    path = tmp_path / "digits.index"
    hasher.index(digits_split[0]).save(path)
    truncated = tmp_path / "truncated.index"
    truncated.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"is truncated: it holds [\d,]+ bytes of the [\d,]+ its"):
        load_index(truncated, device=DEVICE)
    hasher.save(tmp_path / "model.safetensors")
    with pytest.raises(ValueError, match="not an index"):
        load_index(tmp_path / "model.safetensors", device=DEVICE)


def test_load_index_resolves_the_device(hasher, digits_split, tmp_path):
    """device="auto" is a device choice like aekit.load's, not a damaged file."""
    X_train, _, X_test, _ = digits_split
    index = hasher.index(X_train)
    index.save(tmp_path / "digits.index")
    loaded = load_index(tmp_path / "digits.index", device="auto")
    model = loaded.hasher.autoencoder_.model_
    assert next(model.parameters()).device.type == resolve_device("auto").type
    # "auto" is the device the index was built on: the same float64 copy, the same answers.
    for got, want in zip(loaded.query(X_test, k=8), index.query(X_test, k=8)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_load_index_on_cuda_without_gpu_says_so(hasher, digits_split, tmp_path):
    hasher.index(digits_split[0]).save(tmp_path / "digits.index")
    with pytest.raises(ValueError, match="no GPU"):
        load_index(tmp_path / "digits.index", device="cuda")


def test_index_of_a_newer_format_asks_for_an_upgrade(tmp_path):
    HammingIndex(np.zeros((3, 8), dtype=np.uint8)).save(tmp_path / "codes.index")
    tensors = load_file(str(tmp_path / "codes.index"))
    with safe_open(str(tmp_path / "codes.index"), framework="pt") as handle:
        header = json.loads(handle.metadata()["aekit"])
    header["format_version"] = 2
    save_file(tensors, str(tmp_path / "damaged.index"), metadata={"aekit": json.dumps(header)})
    # the header's checksum no longer matches: damage, not a newer aekit's file (user review)
    with pytest.raises(ValueError, match=r"is damaged: its header does not match its checksum"):
        load_index(tmp_path / "damaged.index", device=DEVICE)
    header["sha256"]["header"] = header_digest(header)  # as a newer aekit would sign it
    save_file(tensors, str(tmp_path / "future.index"), metadata={"aekit": json.dumps(header)})
    with pytest.raises(ValueError, match=r"index format 2.*Upgrade aekit"):
        load_index(tmp_path / "future.index", device=DEVICE)


def test_an_index_keeps_how_its_rows_were_read(tmp_path):
    from aekit.hashing.index import INDEX
    from aekit.io.files import write_file

    codes = np.random.default_rng(0).integers(0, 2, (10, 8))
    read = {"label_column": "digit", "grayscale": True, "image_size": "16,16"}
    HammingIndex(codes, read_options=read).save(tmp_path / "codes.index")
    assert load_index(tmp_path / "codes.index").read_options == read
    # an index written before read_options: none recorded; a damaged entry: refused
    document = {"n_bits": 8, "n_rows": 10, "hasher": None}
    tree = {"packed": HammingIndex(codes).packed.view(np.uint8)}
    write_file(tmp_path / "older.index", INDEX, document, tree)
    assert load_index(tmp_path / "older.index").read_options == {}
    write_file(tmp_path / "bad.index", INDEX, {**document, "read_options": [1]}, tree)
    with pytest.raises(ValueError, match="does not hold a consistent index: read_options"):
        load_index(tmp_path / "bad.index")


def test_bad_queries(hasher, digits_split):
    index = HammingIndex(np.zeros((5, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="positive integer"):
        index.query_codes(np.zeros((1, 8)), 0)
    with pytest.raises(ValueError, match="more than the 5 rows"):
        index.query_codes(np.zeros((1, 8)), 6)
    with pytest.raises(ValueError, match="9 bits per row; the index holds 8"):
        index.query_codes(np.zeros((1, 9)), 1)
    with pytest.raises(ValueError, match="only 0 and 1"):
        index.query_codes(np.full((1, 8), 2), 1)
    with pytest.raises(ValueError, match="features"):
        hasher.index(digits_split[0][:20]).query(np.zeros((2, 10)), 1)
    # data rows given to an index of codes: the error named no fix
    for rows in (np.full((2, 8), 0.5), np.full((2, 64), 0.3)):
        with pytest.raises(ValueError, match=r"without a hasher, .* pass hasher\.transform\(Q\)"):
            index.query(rows, 1)
    with pytest.raises(ValueError, match="positive integer") as caught:
        index.query(np.zeros((1, 8)), 0)
    assert "hasher" not in str(caught.value)
    with pytest.raises(ValueError, match="16 bits per row; the index holds 8") as caught:
        index.query(np.ones((1, 16)), 1)  # codes, of another width
    assert "hasher" not in str(caught.value)


def test_bad_parameters_and_unfitted():
    with pytest.raises(ValueError, match="n_bits"):
        SemanticHasher(0).fit(np.zeros((10, 4)))
    with pytest.raises(
        ValueError, match=r"'temperature' parameter of SemanticHasher .* Got 0 instead"
    ):
        SemanticHasher(temperature=0).fit(np.zeros((10, 4)))
    with pytest.raises(NotFittedError):
        SemanticHasher().transform(np.zeros((2, 4)))


@parametrize_with_checks(
    [SemanticHasher(2, hidden_layer_sizes=(8,), max_iter=2, random_state=0, device=DEVICE)]
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
