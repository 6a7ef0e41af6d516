import numpy as np
import pytest
import torch

from aekit.data.datasets import load_digits

# Tiny, fast models: a CPU run of a couple of epochs on a few dozen rows. Test modules import it
# with `from conftest import CPU` (pytest puts tests/ on sys.path, as it has no __init__.py).
CPU = {
    "latent_dim": 4,
    "hidden_layer_sizes": (16,),
    "max_iter": 2,
    "random_state": 0,
    "device": "cpu",
}


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """The tests train tiny networks, where torch's intra-op threads only add overhead (a lot
    of it on a busy 2-core machine)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """The first 60 rows of the 8x8 digits, flat (60, 64), with their labels."""
    X, y = load_digits()
    return X[:60], y[:60]


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    """The first 12 digits as (12, 1, 8, 8) images."""
    X, _ = load_digits(as_images=True)
    return X[:12]
