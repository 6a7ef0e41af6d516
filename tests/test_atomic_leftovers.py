"""A writer killed with ``kill -9`` leaves its temporary file beside the target; the next write to
that target removes it, but never the temporary file of a writer still at work (its process
alive, or its file locked by a process this pid namespace cannot see)."""

import fcntl
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from aekit.data.writers import write_batches
from aekit.io.atomic import atomic_write, remove_stale, short_name, staged_folder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pids and flock")


def gone_pid() -> int:
    """The pid of a process that has ended (and been reaped): no process has it now."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_writer_killed_midway_leaves_a_file_the_next_write_removes(tmp_path):
    target = tmp_path / "scores.npy"
    code = (
        "import time, sys; from aekit.io.atomic import atomic_write\n"
        "def write(tmp):\n    open(tmp, 'wb').write(b'half'); print(tmp, flush=True)\n"
        "    time.sleep(60)\n"
        f"atomic_write({str(target)!r}, write)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writer = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env)
    tmp = writer.stdout.readline().decode().strip()
    assert os.path.basename(tmp).startswith(f".scores.npy.aekit{writer.pid}.")
    assert remove_stale(target) == []  # alive: its file is left alone
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    assert sorted(os.listdir(tmp_path)) == [os.path.basename(tmp)]  # the leftover of the kill
    write_batches(target, [np.arange(3.0)], 3, ["score"])
    assert os.listdir(tmp_path) == ["scores.npy"]
    np.testing.assert_array_equal(np.load(target), np.arange(3.0))


def test_only_the_leftovers_of_dead_unlocking_writers_of_that_target_go(tmp_path):
    dead, alive = gone_pid(), os.getpid()
    names = {
        f".m.safetensors.aekit{dead}.ab12cd_e.tmp": False,  # stale: removed
        f".m.safetensors.aekit{alive}.ab12cd_e.tmp": True,  # a live writer's (this process)
        f".m.safetensors.aekit{dead}.locked00.tmp": True,  # a writer in another pid namespace
        f".other.safetensors.aekit{dead}.ab12cd_e.tmp": True,  # another target's
        ".m.safetensors.ab12cd_e.tmp": True,  # no pid (an older aekit's): cannot tell
        "m.safetensors.tmp": True,  # not a temporary file of aekit's at all
    }
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    holder = os.open(tmp_path / f".m.safetensors.aekit{dead}.locked00.tmp", os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        atomic_write(tmp_path / "m.safetensors", lambda tmp: open(tmp, "wb").write(b"model"))
    finally:
        os.close(holder)
    kept = {name for name, stays in names.items() if stays}
    assert set(os.listdir(tmp_path)) == kept | {"m.safetensors"}


def test_a_killed_staged_folder_is_removed_by_the_next_one(tmp_path):
    stale = tmp_path / f".onnx.aekit{gone_pid()}.x1y2z3.tmp"
    stale.mkdir()
    (stale / "half.onnx").write_bytes(b"x")
    with staged_folder(tmp_path / "onnx") as staging:
        assert staging.name.startswith(f".onnx.aekit{os.getpid()}.")
        (staging / "a.onnx").write_text("1")
    assert os.listdir(tmp_path) == ["onnx"]
    assert os.listdir(tmp_path / "onnx") == ["a.onnx"]


def test_a_live_writer_of_the_same_target_keeps_its_file(tmp_path):
    """Two writes of one target at once: each only removes what is dead."""
    seen = []

    def outer(tmp):
        atomic_write(tmp_path / "t.csv", lambda inner: seen.append(os.path.exists(tmp)))
        open(tmp, "w").write("outer")

    atomic_write(tmp_path / "t.csv", outer)
    assert seen == [True] and (tmp_path / "t.csv").read_text() == "outer"
    assert os.listdir(tmp_path) == ["t.csv"]


def test_safetensors_own_temporary_file_goes_where_the_next_write_removes_it(tmp_path, monkeypatch):
    # safetensors' save_file writes through a '.tmpXXXXXX' of its own beside its target; a
    # kill -9 left a full-size one beside the model file that nothing ever removed
    import re

    import torch

    import aekit.io.tensors as tensors

    real, parents = tensors.save_file, []

    def watched(tree, target, metadata=None):
        parents.append(os.path.basename(os.path.dirname(target)))
        return real(tree, target, metadata=metadata)

    monkeypatch.setattr(tensors, "save_file", watched)
    dead = gone_pid()
    left = tmp_path / f".m.safetensors.aekit{dead}.k1ll3d_d.tmp"  # a killed save's folder
    left.mkdir()
    (left / ".tmpcwXJjl").write_bytes(b"x" * 100)
    tensors.save_tree(tmp_path / "m.safetensors", {}, {"w": torch.ones(2)})
    assert re.fullmatch(rf"\.m\.safetensors\.aekit{os.getpid()}\.[^./]+_d\.tmp", parents[0])
    assert os.listdir(tmp_path) == ["m.safetensors"]


def test_a_full_disk_while_saving_is_an_os_error_naming_the_file(tmp_path, monkeypatch):
    # safetensors' SafetensorError ("... (os error 28)") reached the user as a traceback
    import errno

    import torch
    from safetensors import SafetensorError

    import aekit.io.tensors as tensors

    def full(*args, **kwargs):
        raise SafetensorError(
            "Error while serializing: I/O error: No space left on device (os error 28)"
        )

    monkeypatch.setattr(tensors, "save_file", full)
    target = tmp_path / "m.safetensors"
    with pytest.raises(OSError) as caught:
        tensors.save_tree(target, {}, {"w": torch.ones(2)})
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert os.listdir(tmp_path) == []  # nothing half-written left


def test_an_os_error_of_a_writer_names_the_file_asked_for(tmp_path):
    import errno

    def full(tmp):
        raise OSError(errno.ENOSPC, "No space left on device")  # as numpy's np.save raises it

    with pytest.raises(OSError, match=r"No space left on device: '.*scores\.npy'"):
        atomic_write(tmp_path / "scores.npy", full)
    assert os.listdir(tmp_path) == []


def test_a_long_target_name_gets_temporary_names_the_file_system_takes(tmp_path):
    # a 240-character name is allowed; '.NAME.aekit<pid>.<random>.tmp' beside it was not
    # ("File name too long"), nor were the command line's '.NAME.claim-...' and staging folder
    from cli_helpers import invoke, ok

    target = tmp_path / ("n" * 236 + ".bin")
    atomic_write(target, lambda tmp: open(tmp, "wb").write(b"whole"))
    assert target.read_bytes() == b"whole"
    stale = tmp_path / f".{short_name(target.name)}.aekit{gone_pid()}.x.tmp"
    stale.write_bytes(b"half")
    assert remove_stale(target) == [stale]  # the leftovers of a long name are found too
    run = tmp_path / ("r" * 240)
    for again in ([], ["--force"]):  # --force moves the old run aside under a name of its own
        ok(invoke("train", "digits", "--model", "ae", "--epochs", "1", "--quiet", "--no-figures",
                  "--param", "hidden_layer_sizes=[8]", "--out", run, *again))  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, run.name])


def test_a_staged_folders_disk_errors_name_the_folder_asked_for(tmp_path, monkeypatch):
    # "No space left on device: small/.onnx.aekit2442.6qeahmq3.tmp/decoder.onnx" named a
    # hidden folder the user never asked for, and a read-only disk named it too.
    import errno
    import tempfile

    folder = tmp_path / "onnx"
    with pytest.raises(OSError) as full:
        with staged_folder(folder) as staging:
            raise OSError(errno.ENOSPC, "No space left on device", str(staging / "decoder.onnx"))
    assert full.value.filename == str(folder / "decoder.onnx")
    assert not folder.exists() and list(tmp_path.iterdir()) == []

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".onnx.aekit1.x.tmp"))

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    with pytest.raises(OSError) as refused:
        with staged_folder(folder):
            pass
    assert refused.value.filename == str(folder)
    assert refused.value.errno == errno.EROFS
