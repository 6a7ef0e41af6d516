"""Learned compression: round trips, rate against distortion, the entropy coder against the
ideal code length, and every kind of damaged input refused with a ValueError."""

import dataclasses

import numpy as np
import pytest
from conftest import DEVICE
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

import aekit
from aekit.compression import Compressor, container, entropy
from aekit.compression.prior import LEAST_SYMBOL_BITS, fit_quantiles, symbol_tables
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def digits():
    X, _ = load_digits()
    return X[:1400], X[1400:]


@pytest.fixture(scope="module")
def compressor(digits):
    return Compressor(8, hidden_layer_sizes=(64,), max_iter=30, random_state=0, device=DEVICE).fit(
        digits[0]
    )


def test_round_trip_shape_and_distortion(compressor, digits):
    X_test = digits[1]
    data = compressor.compress(X_test)
    assert isinstance(data, bytes)
    restored = compressor.decompress(data)
    assert restored.shape == X_test.shape and restored.dtype == np.float32
    mse = np.mean((restored - X_test) ** 2)
    baseline = np.mean((X_test - digits[0].mean(axis=0)) ** 2)  # predicting the mean image
    assert mse < 0.6 * baseline
    bits_per_row = 8 * len(data) / len(X_test)
    assert bits_per_row < 8 * 32  # far below the 64 4-bit pixels of the raw digit


def test_more_bits_give_less_distortion(compressor, digits):
    X_test = digits[1]
    sizes, errors = [], []
    for step in (4.0, 1.0, 0.25):
        data = compressor.compress(X_test, step=step)
        sizes.append(len(data))
        errors.append(np.mean((compressor.decompress(data) - X_test) ** 2))
    assert sizes[0] < sizes[1] < sizes[2]
    assert errors[0] > errors[1] > errors[2]


def test_images_keep_their_shape(compressor):
    X, _ = load_digits(as_images=True)
    assert compressor.decompress(compressor.compress(X[:5])).shape == (5, 1, 8, 8)


def test_entropy_coder_reaches_the_ideal_code_length():
    rng = np.random.default_rng(0)
    codes = rng.laplace(size=(4000, 3)) * [1.0, 3.0, 0.2]
    tables = symbol_tables(fit_quantiles(codes), step=0.5)
    offsets = tables.clip(np.floor(codes / 0.5 + 0.5).astype(np.int64))
    payload = entropy.encode(offsets, tables)
    ideal_bits = -sum(
        np.log2(tables.probabilities[j][offsets[:, j]]).sum() for j in range(codes.shape[1])
    )
    assert ideal_bits <= 8 * len(payload) <= ideal_bits * 1.01 + 64
    np.testing.assert_array_equal(entropy.decode(payload, 4000, tables), offsets + tables.low)


def test_container_round_trip():
    box = container.Container(b"f" * 16, 3, (1, 28, 28), 0.75, 12, b"\x01\x02\x03\x04")
    assert container.unpack(container.pack(box)) == box


def test_model_round_trip(compressor, digits, tmp_path):
    compressor.save(tmp_path / "compressor.safetensors")
    loaded = aekit.load(tmp_path / "compressor.safetensors", device=DEVICE)
    data = compressor.compress(digits[1][:20])
    assert loaded.compress(digits[1][:20]) == data
    np.testing.assert_array_equal(loaded.decompress(data), compressor.decompress(data))


def test_damaged_model_file(compressor, tmp_path):
    path = tmp_path / "compressor.safetensors"
    compressor.save(path)
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(ValueError):
        aekit.load(path, device=DEVICE)


@pytest.fixture(scope="module")
def data(compressor, digits):
    return compressor.compress(digits[1][:50])


@pytest.mark.parametrize("cut", [1, 10, 30, -1, -5])
def test_truncated_data(compressor, data, cut):
    with pytest.raises(ValueError, match="truncated|magic"):
        compressor.decompress(data[:cut])


def test_bit_flips_anywhere_are_detected(compressor, data):
    for position in range(0, len(data), max(1, len(data) // 40)):
        damaged = bytearray(data)
        damaged[position] ^= 0x10
        with pytest.raises(ValueError):
            compressor.decompress(bytes(damaged))


def test_foreign_bytes(compressor):
    with pytest.raises(ValueError, match="not an aekit compressed file"):
        compressor.decompress(b"\x89PNG\r\n\x1a\n" + bytes(100))


def test_a_path_is_told_to_read_its_bytes(compressor, data, tmp_path):
    # decompress("x.aek") said "data must be bytes ..., not <class 'str'>", no way on
    (tmp_path / "x.aek").write_bytes(data)
    for given in (str(tmp_path / "x.aek"), tmp_path / "x.aek"):
        with pytest.raises(TypeError) as caught:
            compressor.decompress(given)
        read = f"read its bytes: Path({str(tmp_path / 'x.aek')!r}).read_bytes()."
        assert str(caught.value).endswith(read)
    with pytest.raises(
        TypeError, match=r"^data must be bytes from Compressor.compress, not list\.$"
    ):
        compressor.decompress([1, 2])


def test_wrong_model_is_refused(compressor, digits, data):
    other = Compressor(8, hidden_layer_sizes=(64,), max_iter=2, random_state=1, device=DEVICE)
    other.fit(digits[0])
    with pytest.raises(ValueError, match="another model"):
        other.decompress(data)


def test_bad_input(compressor, digits):
    with pytest.raises(ValueError, match="step"):
        compressor.compress(digits[1], step=0)
    with pytest.raises(ValueError, match="step='fine'"):
        compressor.compress(digits[1], step="fine")
    # "auto", the parameter's default as spelt, is the fitted step, as None is
    rows = digits[1][:5]
    assert compressor.compress(rows, step="auto") == compressor.compress(rows)
    with pytest.raises(ValueError, match="features"):
        compressor.compress(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="NaN"):
        compressor.compress(np.full((2, 64), np.nan))
    with pytest.raises(TypeError, match="bytes"):
        compressor.decompress("not bytes")
    with pytest.raises(NotFittedError):
        Compressor().compress(digits[1])
    with pytest.raises(ValueError, match="step"):
        Compressor(step=-1.0).fit(digits[1])
    with pytest.raises(
        ValueError, match=r"'rate_weight' parameter of Compressor .* Got -1 instead"
    ):
        Compressor(rate_weight=-1).fit(digits[1])


@parametrize_with_checks(
    [Compressor(2, hidden_layer_sizes=(8,), max_iter=2, random_state=0, device=DEVICE)]
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_the_default_step_is_the_largest_within_the_tolerance():
    # Codes = rows + unit noise, decoded as themselves: error 1 unrounded; rounding to a step s
    # adds s^2 / 12 (uniform rounding error), within 10% while s <= sqrt(1.2) = 1.095.
    from aekit.compression.step import choose_step

    rng = np.random.default_rng(0)
    rows = rng.uniform(-50, 50, size=(4000, 8))
    codes = rows + rng.normal(size=rows.shape)
    step = choose_step(rows, codes, lambda c: c, lambda c, s: np.floor(c / s + 0.5) * s)
    assert step == 1.0


def test_a_fitted_compressor_keeps_its_chosen_step(tmp_path, digits):
    compressor = Compressor(latent_dim=8, max_iter=2, random_state=0).fit(digits[0])
    assert compressor.step_ in (0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
    compressor.save(tmp_path / "c.safetensors")
    loaded = aekit.load(tmp_path / "c.safetensors")
    assert loaded.step_ == compressor.step_
    assert loaded.compress(digits[0]) == compressor.compress(digits[0])


# Review 7, finding 3: a step's tables grow as 1 / step (1e-6 took 853 MB, 1e-9 killed the
# process); a step below the smallest the model supports is refused, naming it, before any
# table is built.
def test_a_step_below_the_smallest_is_refused_naming_it(compressor, digits):
    from aekit.compression.prior import MAX_SYMBOLS, smallest_step

    smallest = smallest_step(compressor.quantiles_)
    named = rf"smallest step this model supports, {smallest:.3g}\b.* step >= {smallest:.3g}\."
    for step in (1e-300, 1e-9, 0.99 * smallest):
        with pytest.raises(ValueError, match=named):
            compressor.compress(digits[1][:2], step=step)
    # The smallest step itself (as the message writes it) works, within the symbol cap.
    tables = symbol_tables(compressor.quantiles_, float(f"{smallest:.3g}"))
    assert max(len(p) for p in tables.probabilities) <= MAX_SYMBOLS
    X = digits[1][:20]
    restored = compressor.decompress(compressor.compress(X, step=float(f"{smallest:.3g}")))
    unrounded = compressor.autoencoder_.reconstruct(X)
    assert np.abs(restored - unrounded).max() < 1e-3  # rounding that fine changes ~nothing


def test_bytes_announcing_a_tiny_step_are_refused(compressor, digits):
    box = container.unpack(compressor.compress(digits[1][:2]))
    box.step = 1e-12  # a damaged or forged header, CRC recomputed
    with pytest.raises(ValueError, match="smallest step this model supports"):
        compressor.decompress(container.pack(box))


def test_a_step_parameter_below_the_smallest_is_refused_at_fit(digits):
    with pytest.raises(ValueError, match=r"step=1e-12 is below the smallest step"):
        Compressor(2, hidden_layer_sizes=(8,), max_iter=1, step=1e-12, device=DEVICE).fit(
            digits[0][:50]
        )


def test_a_table_is_compressed_by_its_column_names(tmp_path):
    # compress() turned a DataFrame into an array: scikit-learn warned that X had no names,
    # and columns in another order were compressed as they came (user audit)
    import warnings

    import pandas as pd

    X = pd.DataFrame(np.random.RandomState(0).normal(size=(300, 6)), columns=list("abcdef"))
    compressor = Compressor(latent_dim=2, max_iter=2, random_state=0, device=DEVICE).fit(X)
    assert list(compressor.feature_names_in_) == list("abcdef")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        data = compressor.compress(X)
    np.testing.assert_array_equal(
        compressor.decompress(data), compressor.decompress(compressor.compress(X.to_numpy()))
    )
    with pytest.raises(ValueError, match="another order"):
        compressor.compress(X[list("fedcba")])
    compressor.save(tmp_path / "c.safetensors")
    assert list(aekit.load(tmp_path / "c.safetensors").feature_names_in_) == list("abcdef")


def test_rows_whose_codes_are_clipped_are_warned_of():
    # rows far from the training rows had their codes clipped to the prior's range silently
    import warnings

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 6))
    model = Compressor(3, hidden_layer_sizes=(32,), max_iter=30, random_state=0, device=DEVICE)
    model.fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.compress(rng.normal(size=(50, 6)))  # rows like the training rows: no warning
    far = rng.normal(size=(10, 6)) * 10
    with pytest.warns(UserWarning, match=r"\d of 10 rows have codes beyond the range"):
        data = model.compress(far)
    assert np.mean((model.decompress(data) - far) ** 2) > 10  # far above the step's error


def _with_rows(data: bytes, n_rows: int) -> bytes:
    """``data`` with its header's row count forged and its CRC-32 recomputed."""
    return container.pack(dataclasses.replace(container.unpack(data), n_rows=n_rows))


@pytest.mark.parametrize("n_rows", [2**32 - 1, 10**6])
def test_a_header_announcing_more_rows_than_its_payload_holds_is_refused(compressor, data, n_rows):
    # a 120-byte file announcing 2**32 - 1 rows had decompress allocate 17 GB and abort; one
    # announcing 10**6 rows took 6 s and 1 GB to decode into garbage rows
    forged = _with_rows(data, n_rows)
    with pytest.raises(ValueError, match=rf"damaged: its header announces {n_rows:,} rows"):
        container.unpack(forged)  # refused before any model is at hand ('aekit info')
    with pytest.raises(ValueError, match="damaged"):
        compressor.decompress(forged)


def test_the_decoder_bounds_the_rows_by_its_own_tables(compressor, data):
    # a count the model-free bound lets through, but the model's tables rule out
    box = container.unpack(data)
    tables = symbol_tables(compressor.quantiles_, box.step)
    most = int(entropy.most_rows(len(box.payload), tables.least_row_bits()))
    assert box.n_rows <= most < entropy.most_rows(len(box.payload), 8 * LEAST_SYMBOL_BITS)
    forged = _with_rows(data, most + 1)
    container.unpack(forged)
    with pytest.raises(ValueError, match=rf"announces {most + 1:,} rows, but its payload of"):
        compressor.decompress(forged)


@pytest.mark.parametrize("n_rows", [1, 10, 1000, 100_000])
def test_the_cheapest_rows_are_within_the_bound(n_rows):
    # rows of each dimension's likeliest symbol cost the fewest bits: the bound must still
    # take the payload that encodes them (else a legitimate file would be refused)
    codes = np.random.default_rng(0).laplace(size=(500, 3))
    for step in (0.1, 1.0, 1000.0):  # 1000: every table at its fewest symbols
        tables = symbol_tables(fit_quantiles(codes), step)
        modes = np.array([int(np.argmax(p)) for p in tables.probabilities])
        payload = entropy.encode(np.tile(modes, (n_rows, 1)), tables)
        assert entropy.decode(payload, n_rows, tables).shape == (n_rows, 3)


def test_codes_past_int64_are_clipped_as_large_ones_are():
    # a cell of 1e30 gave codes past int64, which the cast wrapped round (numpy's "invalid
    # value encountered in cast"): the row decoded at the prior's other end, unlike 1e20's
    import warnings

    rng = np.random.default_rng(0)
    model = Compressor(3, hidden_layer_sizes=(32,), max_iter=10, random_state=0, device=DEVICE)
    model.fit(rng.normal(size=(400, 6)))
    rows = {}
    for value in (1e20, 1e30):
        X = rng.normal(size=(4, 6)) * 0
        X[1, 2] = value
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            rows[value] = model.decompress(model.compress(X))
        # the clipped codes and the rows far from the training rows' error; no cast warning
        assert [type(w.message) for w in said] == [UserWarning, UserWarning], said
    np.testing.assert_array_equal(rows[1e20], rows[1e30])
