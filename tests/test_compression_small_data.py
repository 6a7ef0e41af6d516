"""A default Compressor on a few hundred rows: its epochs give enough gradient steps to learn,
and a network that learned nothing says so (finding 6 of the second review)."""

import warnings

import numpy as np
import pytest
from conftest import DEVICE
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from aekit.compression import Compressor
from aekit.data.datasets import load_digits
from aekit.estimators.epochs import batch_rows, epochs_for_steps


def test_epochs_for_steps_counts_gradient_steps():
    assert epochs_for_steps(60_000, 200, 30, 1000) == 30  # 9,000 steps already
    assert epochs_for_steps(300, 200, 30, 1000) == 500  # 2 steps an epoch
    assert epochs_for_steps(1797, 200, 30, 1000) == 112  # ceil(1000 / 9)
    assert epochs_for_steps(300, 128, 30, 200, max_steps=1000) == 67  # the detector's members
    assert epochs_for_steps(10**7, 128, 30, 200, max_steps=1000) == 1  # the cap, at least 1


def test_auto_batches_shrink_below_a_thousand_rows():
    # n^2 / 5,000 rows below 1,000 (at least 32, at most n), then scikit-learn's min(200, n)
    sizes = {n: batch_rows("auto", n) for n in (1, 20, 32, 100, 400, 500, 999, 1000, 60_000)}
    assert sizes == {1: 1, 20: 20, 32: 32, 100: 32, 400: 32, 500: 50, 999: 199, 1000: 200,
                     60_000: 200}  # fmt: skip
    assert batch_rows(64, 100) == 64  # a number is taken as it is
    # epochs that repeat their rows up to 2,000 (a fine-tuning's) have their steps: min(200, n)
    assert batch_rows("auto", 100, rows_per_epoch=2000) == 100
    assert batch_rows("auto", 300, rows_per_epoch=2000) == 200


def _mse_and_baseline(compressor, X):
    restored = compressor.decompress(compressor.compress(X))
    return np.mean((restored - X) ** 2), np.mean((X - X.mean(axis=0)) ** 2)


def test_default_epochs_learn_on_300_rows():
    # 30 epochs of 300 rows are 60 steps: the network stayed at the mean row (MSE 0.074 vs 0.073).
    X = load_digits()[0][:300]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        compressor = Compressor(16, hidden_layer_sizes=(64,), random_state=0, device=DEVICE).fit(X)
    mse, baseline = _mse_and_baseline(compressor, X)
    assert mse < 0.5 * baseline
    # "auto" epochs, which the README gives (100 for 300 rows in batches of 32), were not seen
    assert compressor.n_iter_ == len(compressor.autoencoder_.loss_curve_) == 100


def test_a_network_that_learned_nothing_warns():
    X = load_digits()[0][:300]
    with pytest.warns(ConvergenceWarning, match="no better than their mean row"):
        compressor = Compressor(16, hidden_layer_sizes=(64,), max_iter=1, random_state=0)
        compressor.set_params(device=DEVICE).fit(X)
    mse, baseline = _mse_and_baseline(compressor, X)
    assert mse >= baseline  # what the warning said
    assert compressor.n_iter_ == 1
    with pytest.raises(NotFittedError):
        _ = Compressor().n_iter_


def test_a_code_that_stores_more_than_the_rows_is_warned_of():
    # The default code of 128 dimensions on a 3-column table: 600 rows compressed to more
    # bytes than their float32 values (15,112 against 7,200; user review), without a word.
    X = np.random.default_rng(0).normal(size=(300, 3))
    # 15 epochs (60 before): 10,584-11,284 bytes wide and 100-116 narrow over seeds 0-2,
    # against 3,600 (60: 11,692-11,908 and 120)
    params = dict(max_iter=15, hidden_layer_sizes=(16,), random_state=0, device=DEVICE)
    with pytest.warns(UserWarning, match=r"more than their 3 values take as float32 \(96 bits"):
        wide = Compressor(128, **params).fit(X)
    assert len(wide.compress(X)) > X.astype(np.float32).nbytes  # what it warned of
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*take as float32")
        narrow = Compressor(1, **params).fit(X)
    assert len(narrow.compress(X)) < X.astype(np.float32).nbytes


def test_a_code_no_narrower_than_the_rows_is_warned_of_below_float32_too():
    # the default code of 128 on a 36-column table of whole numbers 0..255: 8.8 bits a value,
    # above the data's own 8 and far above lossless lzma's 2.1, unsaid (under float32's 32)
    rng = np.random.default_rng(0)
    X = np.round(rng.normal(size=(400, 2)) @ rng.normal(size=(2, 36)) * 20 + 100)
    # 8 epochs (30 before): warned at 3.66-3.78 bits a value over seeds 0-2, 35 dimensions not
    params = dict(max_iter=8, hidden_layer_sizes=(32,), random_state=0, device=DEVICE)
    with pytest.warns(UserWarning, match=r"a code of 36 dimensions is no narrower") as said:
        Compressor(36, **params).fit(X)
    named = [str(w.message) for w in said if "no narrower" in str(w.message)]
    assert "default" not in named[0]  # 36 was chosen: the default is not the cause (review)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Compressor: a code")
        Compressor(35, **params).fit(X)


def test_the_command_line_says_the_options_of_a_code_too_wide():
    from aekit.cli.errors import for_the_command_line

    said = for_the_command_line(
        "Compressor: ... a code of 128 dimensions for 4 values stores more than the rows. Use a "
        "smaller latent_dim, e.g. latent_dim=2, a larger step, or keep the rows as they are."
    )
    assert said.endswith(
        "Use a smaller --latent-dim, e.g. --latent-dim 2, a larger 'aekit compress --step', or "
        "keep the rows as they are."
    )


@pytest.mark.parametrize("kind", ["Compressor", "SemanticHasher"])
def test_the_pixel_warning_names_no_likelihood_a_compressor_refuses(kind):
    # it said "pass likelihood='gaussian' to keep this model", and Compressor(likelihood=...)
    # was a TypeError ("Compressor has no parameter likelihood" on the command line)
    import aekit
    from aekit.cli.errors import for_the_command_line

    X = (np.random.default_rng(0).random((300, 16)) * 255).astype(np.uint8)
    model = (
        Compressor(4, max_iter=2) if kind == "Compressor" else aekit.SemanticHasher(4, max_iter=2)
    )
    with pytest.warns(UserWarning, match=r"^X is uint8") as said:
        model.set_params(hidden_layer_sizes=(16,), random_state=0).fit(X)
    message = next(str(w.message) for w in said if str(w.message).startswith("X is uint8"))
    assert "likelihood='gaussian'" not in message  # (the SemanticHasher said it too: review)
    assert message.endswith(f"or leave X as it is: the {kind} keeps this model.")
    line = for_the_command_line(message, set())
    assert line.startswith("DATA is uint8") and "likelihood=gaussian" not in line
    assert line.endswith(f"or leave DATA as it is: the {kind} keeps this model.")


def test_a_column_float32_would_round_comes_back_in_float64():
    # timestamps near 1.7e9 varying by about 170: decompress cast the network's float64 rows to
    # float32 (steps of 128 there: MSE 1,640 on that column), and fit chose the step on rows
    # rounded so, with a warning of rounding that compress, which does not round, never gave
    rng = np.random.default_rng(0)
    n = 600
    t = 1.7e9 + np.arange(n) + rng.random(n) * 0.01
    X = np.column_stack([t, rng.normal(size=n), rng.normal(5, 2, n)])
    with warnings.catch_warnings():  # neither fit nor compress rounds the array (review)
        warnings.filterwarnings("error", message=".*float32, the precision the models compute")
        model = Compressor(2, max_iter=3, random_state=0, device=DEVICE).fit(X)  # dtypes alone
        rows = model.decompress(model.compress(X))
    assert rows.dtype == np.float64
    in_float32 = rows[:, 0].astype(np.float32).astype(np.float64)
    assert (rows[:, 0] != in_float32).mean() > 0.9  # finer than float32's steps of 128 there
