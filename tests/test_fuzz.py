"""Model files prove their integrity, and every reader survives damage (issue 20).

Property-based tests (hypothesis) over the readers of aekit's files (model files, index files,
``.aek`` payloads, IDX, CSV/Parquet/NPY, image folders) and the command line's argument parsing:
random truncations, bit flips and header edits must give ``ValueError`` (exit code 2 from the
command line) or an unchanged result, never another exception, and leave nothing behind.

CI runs a few hundred cases in all. The long run sets ``AEKIT_FUZZ_EXAMPLES`` (cases per test):

    AEKIT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from conftest import CPU
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from typer.testing import CliRunner

import aekit
from aekit.io.tensors import header_digest

EXAMPLES = int(os.environ.get("AEKIT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="AEKIT_FUZZ_EXAMPLES" not in os.environ,  # CI: the same cases every time
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory, digits) -> tuple[bytes, aekit.Autoencoder]:
    model = aekit.Autoencoder(**CPU).fit(digits[0])
    path = tmp_path_factory.mktemp("model") / "m.safetensors"
    model.save(path)
    return path.read_bytes(), model


def header_and_tensors(path):
    with safe_open(str(path), framework="pt") as handle:
        header = json.loads(handle.metadata()["aekit"])
    return header, load_file(str(path))


# --- checksums and sizes --------------------------------------------------------------------------


def test_a_flipped_bit_in_a_tensor_is_refused_naming_it(model_bytes, tmp_path):
    data, _ = model_bytes
    damaged = bytearray(data)
    damaged[-9] ^= 0x10  # the last tensor's bytes
    path = tmp_path / "m.safetensors"
    path.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"tensor t\.\S+ does not match its checksum"):
        aekit.load(path)


def test_an_edited_header_value_is_refused(model_bytes, tmp_path):
    data, _ = model_bytes
    (tmp_path / "m.safetensors").write_bytes(data)
    header, tensors = header_and_tensors(tmp_path / "m.safetensors")
    header["params"]["tol"] = 0.5  # a value no shape check can see
    save_file(tensors, str(tmp_path / "e.safetensors"), metadata={"aekit": json.dumps(header)})
    with pytest.raises(ValueError, match="header does not match its checksum"):
        aekit.load(tmp_path / "e.safetensors")


@pytest.mark.parametrize("edit", ["key", "value"])
def test_a_damaged_format_entry_is_damage_not_another_kind_of_file(model_bytes, edit, tmp_path):
    # a byte flipped in "format" (the key "forlat", or the value "adkit-model") was said to be
    # "an aekit file but not a model (format None)" (user review)
    data, _ = model_bytes
    (tmp_path / "m.safetensors").write_bytes(data)
    header, tensors = header_and_tensors(tmp_path / "m.safetensors")
    if edit == "key":
        header["forlat"] = header.pop("format")
    else:
        header["format"] = "adkit-model"
    save_file(tensors, str(tmp_path / "e.safetensors"), metadata={"aekit": json.dumps(header)})
    with pytest.raises(ValueError, match="is damaged: its header does not match its checksum"):
        aekit.load(tmp_path / "e.safetensors")


def test_format_2_without_checksums_is_refused(model_bytes, tmp_path):
    data, _ = model_bytes
    (tmp_path / "m.safetensors").write_bytes(data)
    header, tensors = header_and_tensors(tmp_path / "m.safetensors")
    del header["sha256"]
    save_file(tensors, str(tmp_path / "e.safetensors"), metadata={"aekit": json.dumps(header)})
    with pytest.raises(ValueError, match="has checksums; it has none"):
        aekit.load(tmp_path / "e.safetensors")


# Peak memory of the whole process that loads the file (or runs ``aekit info`` on it), in MB,
# and whether scikit-learn (which the estimators import, ~140 MB) was ever imported.
OVERSIZED = """
import sys
try:
    if sys.argv[1] == "load":
        import aekit
        aekit.load(sys.argv[2])
    else:
        from aekit.cli.app import main
        sys.argv = ["aekit", "info", sys.argv[2]]
        main()
except (ValueError, SystemExit) as err:
    print("refused:", err)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked test process.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if "VmHWM" in line)
print(peak_kb // 1024, "sklearn" in sys.modules)
"""
PEAK = OVERSIZED[OVERSIZED.index("# VmHWM") :]  # the peak-reading lines alone


def edited_model(model_bytes, tmp_path, **params):
    """The model file with header parameters edited (and its header checksum made to match)."""
    (tmp_path / "m.safetensors").write_bytes(model_bytes[0])
    header, tensors = header_and_tensors(tmp_path / "m.safetensors")
    header["params"].update(params)
    header["sha256"]["header"] = header_digest(header)
    path = tmp_path / "edited.safetensors"
    save_file(tensors, str(path), metadata={"aekit": json.dumps(header)})
    return path


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads Linux's VmHWM")
@pytest.mark.parametrize("how", ["load", "info"])
def test_an_oversized_header_is_refused_before_any_network_is_built(model_bytes, tmp_path, how):
    big = edited_model(model_bytes, tmp_path, hidden_layer_sizes=[12000, 12000])  # 1.5 GB
    # Issue 20's bar was 300 MB for the whole process, torch included; but importing torch
    # alone peaks at 221-275 MB depending on the install (measured in two venvs of the same
    # torch 2.13.0 wheel), so the bar is what the refusal adds to the imports it needs: far
    # below the 1.5 GB the header asks for. The two processes run side by side (each reads
    # its own peak): the seconds of importing torch are paid once in wall time.
    imports = "import sys, torch, aekit" if how == "load" else "import sys, torch, aekit.cli.app"
    started = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in (
            [sys.executable, "-c", textwrap.dedent(OVERSIZED), how, str(big)],
            [sys.executable, "-c", f"{imports}\n" + PEAK],
        )
    ]
    (stdout, stderr), (baseline, _) = (process.communicate(timeout=300) for process in started)
    *_, peak_mb, sklearn_imported = stdout.split()
    assert "asks for layer shapes" in stdout + stderr, stdout + stderr
    assert sklearn_imported == "False"  # refused in the file layer, before any estimator
    assert int(peak_mb) - int(baseline.split()[0]) < 80


def test_a_header_within_the_bound_is_still_checked_shape_for_shape(model_bytes, tmp_path):
    # 64 -> 8 -> 64 stores more numbers than a 10-unit code needs: past the cheap bound, the
    # estimator's exact check on the meta device refuses it.
    with pytest.raises(ValueError, match="shape"):
        aekit.load(edited_model(model_bytes, tmp_path, latent_dim=10))


def test_format_1_files_without_checksums_still_load(model_bytes, tmp_path, digits):
    data, model = model_bytes
    (tmp_path / "m.safetensors").write_bytes(data)
    header, tensors = header_and_tensors(tmp_path / "m.safetensors")
    del header["sha256"]
    header["format_version"] = 1
    save_file(tensors, str(tmp_path / "v1.safetensors"), metadata={"aekit": json.dumps(header)})
    loaded = aekit.load(tmp_path / "v1.safetensors")
    np.testing.assert_array_equal(loaded.transform(digits[0]), model.transform(digits[0]))


# --- damage of every kind, to every reader -------------------------------------------------


def damage():
    """A recipe for damaging bytes: truncate, flip bits, or overwrite a span."""
    truncate = st.tuples(st.just("truncate"), st.floats(0, 1, exclude_max=True))
    flip = st.tuples(
        st.just("flip"),
        st.lists(st.tuples(st.floats(0, 1), st.integers(0, 7)), min_size=1, max_size=4),
    )
    overwrite = st.tuples(st.just("overwrite"), st.floats(0, 1), st.binary(min_size=1, max_size=8))
    return st.one_of(truncate, flip, overwrite)


def apply(data: bytes, recipe) -> bytes:
    kind, *args = recipe
    if kind == "truncate":
        return data[: int(args[0] * len(data))]
    out = bytearray(data)
    if kind == "flip":
        for where, bit in args[0]:
            out[min(int(where * len(out)), len(out) - 1)] ^= 1 << bit
        return bytes(out)
    start = min(int(args[0] * len(out)), len(out) - 1)
    out[start : start + len(args[1])] = args[1]
    return bytes(out)


@FUZZ
@given(recipe=damage())
def test_damaged_model_files_are_refused_or_unchanged(model_bytes, digits, tmp_path, recipe):
    data, model = model_bytes
    path = tmp_path / "fuzz.safetensors"
    path.write_bytes(apply(data, recipe))
    try:
        loaded = aekit.load(path)
    except ValueError:
        return
    np.testing.assert_array_equal(loaded.transform(digits[0]), model.transform(digits[0]))


@pytest.fixture(scope="module")
def index_bytes(tmp_path_factory):
    from aekit.hashing import HammingIndex

    path = tmp_path_factory.mktemp("index") / "codes.index"
    HammingIndex((np.arange(24).reshape(3, 8) % 3 == 0).astype(np.uint8)).save(path)
    return path.read_bytes()


@FUZZ
@given(recipe=damage())
def test_damaged_index_files_are_refused_or_unchanged(index_bytes, tmp_path, recipe):
    from aekit.hashing import load_index

    path = tmp_path / "fuzz.index"
    path.write_bytes(apply(index_bytes, recipe))
    try:
        found = load_index(path)
    except ValueError:
        return
    assert found.n_rows == 3


@pytest.fixture(scope="module")
def compressed(digits):
    compressor = aekit.Compressor(latent_dim=4, max_iter=2, hidden_layer_sizes=(16,))
    compressor.set_params(random_state=0).fit(digits[0])
    payload = compressor.compress(digits[0][:5])
    return compressor, payload, compressor.decompress(payload)


@FUZZ
@given(recipe=damage())
def test_damaged_aek_payloads_are_refused_or_unchanged(compressed, recipe):
    compressor, payload, rows = compressed
    try:
        decoded = compressor.decompress(apply(payload, recipe))
    except ValueError:
        return
    np.testing.assert_array_equal(decoded, rows)


def idx_bytes() -> bytes:
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    return b"\x00\x00\x08\x03" + np.array([2, 3, 4], ">u4").tobytes() + images.tobytes()


@FUZZ
@given(recipe=damage())
def test_damaged_idx_files_are_refused_or_read(tmp_path, recipe):
    from aekit.data.datasets import read_idx

    path = tmp_path / "fuzz-idx3-ubyte"
    path.write_bytes(apply(idx_bytes(), recipe))
    try:
        array = read_idx(path)
    except ValueError:
        return
    assert array.dtype == np.uint8


def table_files(tmp_path) -> dict[str, bytes]:
    import pandas as pd

    frame = pd.DataFrame({"a": [1.0, 2.5, 3.0], "b": [4, 5, 6], "y": ["p", "q", "p"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    np.save(tmp_path / "t.npy", frame[["a", "b"]].to_numpy())
    return {s: (tmp_path / f"t{s}").read_bytes() for s in (".csv", ".parquet", ".npy")}


@FUZZ
@given(suffix=st.sampled_from([".csv", ".parquet", ".npy"]), recipe=damage())
def test_damaged_tables_and_arrays_are_refused_or_read(tmp_path, suffix, recipe):
    from aekit.cli.data import DataOptions, load_data

    data = table_files(tmp_path)[suffix]
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(apply(data, recipe))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged table may read with a warning
            load_data(str(path), DataOptions())
    except ValueError:
        pass


@FUZZ
@given(recipe=damage())
def test_damaged_images_are_refused_or_read(tmp_path, recipe):
    from PIL import Image

    from aekit.cli.data import DataOptions, load_image_folder

    folder = tmp_path / "img"
    folder.mkdir(exist_ok=True)
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8)).save(folder / "a.png")
    data = (folder / "a.png").read_bytes()
    (folder / "b.png").write_bytes(apply(data, recipe))
    try:
        X, _ = load_image_folder(folder, DataOptions())
    except ValueError:
        return
    assert X.shape[0] == 2


# --- the command line's argument parsing ----------------------------------------------------------

COMMANDS = ["encode", "score", "generate", "evaluate", "interpolate", "info", "report", "search"]
TOKENS = [
    "digits", "missing.csv", "-o", "--output", "--out", "out.csv", "out.png", ".", "-n", "0",
    "-1", "1e309", "nan", "--label", "--label-column", "--from", "--to", "--steps", "--method",
    "slerp", "--image-shape", "1,8,8", "0,0,0", "--image-size", "x", "--grayscale", "-k", "",
    "--n-samples", "--seed", "--force", "--param", "a=b", "=", "--", "é", "\x00",
]  # fmt: skip


@FUZZ
@given(command=st.sampled_from(COMMANDS), tokens=st.lists(st.sampled_from(TOKENS), max_size=6))
def test_random_arguments_exit_2_with_nothing_written(tmp_path, command, tokens):
    from aekit.cli import app

    runner = CliRunner()
    cwd = os.getcwd()
    work = tmp_path / "cli"
    work.mkdir(exist_ok=True)
    os.chdir(work)
    try:
        # RUN never exists, so no command gets as far as real work
        result = runner.invoke(app, [command, "no-such-run", *tokens])
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert isinstance(result.exception, (ValueError, OSError)), repr(result.exception)
    else:
        assert result.exit_code in (0, 2), result.output
    assert list(work.iterdir()) == []
