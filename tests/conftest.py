import os

# One thread per test process: `make test` runs two on a 2-core machine, where numpy's BLAS and
# torch's OpenMP took two threads each by default and the suite ran 20% slower (10 CLI test
# files: 175 s against 145 s). Set before numpy is imported here, and inherited by the xdist
# workers and by the `aekit` processes that tests start; a value the caller set is kept.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import typer.main  # noqa: E402
import typer.testing  # noqa: E402

import aekit.devices  # noqa: E402
from aekit.cli import app  # noqa: E402
from aekit.data import lazy  # noqa: E402
from aekit.data.datasets import load_digits  # noqa: E402

# fixtures of their own modules, shared by the test modules that ask for them
pytest_plugins = ["serve_models"]

# The device the whole suite trains and infers on: `AEKIT_TEST_DEVICE=cuda make test` runs it
# on a GPU. Unset, it is the CPU whatever the machine has, so CI (no GPU) and a GPU workstation
# run the same suite unless asked otherwise. Tests pass it wherever they name a device
# (`from conftest import DEVICE`), and the `pin_auto_device` fixture below makes "auto" mean it.
DEVICE = os.environ.get("AEKIT_TEST_DEVICE", "cpu")
ON_GPU = DEVICE == "cuda"
if DEVICE not in ("cpu", "cuda"):
    raise pytest.UsageError(f"AEKIT_TEST_DEVICE={DEVICE!r}: use 'cpu' or 'cuda'.")
if ON_GPU and not torch.cuda.is_available():
    raise pytest.UsageError("AEKIT_TEST_DEVICE=cuda but PyTorch sees no GPU here.")


def assert_same_numbers(actual, desired) -> None:
    """The same float64 outputs: to the last bit on the CPU; on CUDA within float64's rounding
    (rtol 1e-12), since a GPU fit read back by ``aekit.load`` (or ``aekit score``) runs on the
    CPU, whose float64 sums can round differently in the last place (seen on an H200)."""
    if ON_GPU:
        np.testing.assert_allclose(actual, desired, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_array_equal(actual, desired)


# Tiny, fast models: a run of a couple of epochs on a few dozen rows. Test modules import it
# with `from conftest import CPU` (pytest puts tests/ on sys.path, as it has no __init__.py);
# the name is historical: it trains on DEVICE.
CPU = {
    "latent_dim": 4,
    "hidden_layer_sizes": (16,),
    "max_iter": 2,
    "random_state": 0,
    "device": DEVICE,
}


@pytest.fixture(autouse=True, scope="session")
def pin_auto_device():
    """device="auto" (every estimator's default) means DEVICE for the whole run, so a GPU
    machine runs the CPU suite unless AEKIT_TEST_DEVICE=cuda, and that one runs all on CUDA."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aekit.devices, "auto_device", lambda: torch.device(DEVICE))
        yield


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """The tests train tiny networks, where torch's intra-op threads only add overhead (a lot
    of it on a busy 2-core machine)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(autouse=True, scope="session")
def cli_built_once():
    """typer's CliRunner builds the click command of aekit's commands from their signatures at
    every invoke (about 40 ms, some 2,000 times in the suite): build it once. The commands'
    functions are the same objects either way, so a test sees no difference."""
    built = typer.main.get_command(app)

    def command_of(typer_app):
        return built if typer_app is app else typer.main.get_command(typer_app)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", command_of)
        yield


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


# models fitted once per test module, for the checks of what a caller passes them
@pytest.fixture(scope="module")
def fitted(digits) -> aekit.Autoencoder:
    return aekit.Autoencoder(**CPU).fit(digits[0])


@pytest.fixture(scope="module")
def fitted_cvae(digits) -> aekit.ConditionalVAE:
    X, y = digits
    return aekit.ConditionalVAE(**CPU).fit(X, np.array(["cat", "dog", "emu"])[y % 3])


@pytest.fixture(scope="module")
def fitted_conv(images) -> aekit.Autoencoder:
    return aekit.Autoencoder(**{**CPU, "hidden_layer_sizes": (4, 8)}, architecture="conv").fit(
        images
    )


@pytest.fixture
def saved(tmp_path, fitted):
    """``fitted`` saved to a model file of its own."""
    path = tmp_path / "model.safetensors"
    fitted.save(path)
    return path


@pytest.fixture
def lazy_memmaps(monkeypatch):
    """Every memmap is read from disk, however small (the default copies small ones)."""
    monkeypatch.setattr(lazy, "MEMMAP_LAZY_BYTES", 0)


@pytest.fixture
def saved_figures(monkeypatch) -> list:
    """The figures the code under test writes with ``aekit.viz.figures.save_figure``, in order,
    kept to be read (titles, labels) after they are written as usual."""
    from aekit.viz import figures

    drawn: list = []
    real_save = figures.save_figure

    def save_figure(figure, path, *args, **kwargs):
        drawn.append(figure)
        return real_save(figure, path, *args, **kwargs)

    monkeypatch.setattr(figures, "save_figure", save_figure)
    return drawn
