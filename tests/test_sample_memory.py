"""A sample larger than the machine's memory is refused before anything is allocated."""

import numpy as np
import pytest
from cli_helpers import invoke

import aekit
import aekit.cli
from aekit.data import memory_needed

TINY = {"latent_dim": 2, "hidden_layer_sizes": (8,), "max_iter": 1, "random_state": 0}


@pytest.fixture(scope="module")
def rows():
    X = np.random.default_rng(0).random((40, 6))
    return X, (X[:, 0] > 0.5).astype(int)


@pytest.mark.parametrize("kind", [aekit.VAE, aekit.ConditionalVAE])
def test_a_sample_beyond_memory_is_a_memory_error_naming_it_and_the_fix(monkeypatch, rows, kind):
    # VAE.sample(10**12) failed in torch's allocator (a RuntimeError naming neither n_samples
    # nor a fix), a ConditionalVAE's in numpy; the machine's memory is made 1 MiB here
    X, y = rows
    model = kind(**TINY).fit(X, y) if kind is aekit.ConditionalVAE else kind(**TINY).fit(X)
    monkeypatch.setattr(memory_needed, "physical_memory", lambda: 2**20)
    assert model.sample(32_000).shape == (32_000, 6)  # 32,000 x (6 + 2) x 4 bytes: under 1 MiB
    with pytest.raises(
        MemoryError,
        match=r"^n_samples=33000 rows of 6 values would take 1 MiB at the least, more than",
    ):
        model.sample(33_000)
    monkeypatch.setattr(memory_needed, "physical_memory", lambda: None)  # unknown: not refused
    assert model.sample(33_000).shape == (33_000, 6)


def test_the_command_line_says_it_in_one_line(monkeypatch, tmp_path, rows, capsys):
    data = tmp_path / "rows.npy"
    np.save(data, rows[0].astype(np.float32))
    out = tmp_path / "RUN"
    trained = invoke("train", data, "--model", "vae", "--epochs", "1", "--no-figures", "--out", out)
    assert trained.exit_code == 0, trained.output
    monkeypatch.setattr(memory_needed, "physical_memory", lambda: 2**20)
    capsys.readouterr()
    assert aekit.cli.run(["generate", str(out), "-n", "100000", "-o", str(tmp_path / "s.npy")]) == 1
    said = capsys.readouterr().err.splitlines()
    assert said == [
        "aekit: error: out of memory: -n 100000 rows of 6 values would take 5 MiB at the least, "
        "more than this machine's 1 MiB of memory; draw fewer at a time (several runs, each "
        "with its own --seed)."
    ]
    assert not (tmp_path / "s.npy").exists()
