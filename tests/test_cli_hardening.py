"""Issue 20: nothing lost, nothing confusing. Each test reproduces one bad input of the issue and
checks the answer: exit code 2 (or the exception the one-line handler turns into it), one line,
nothing left on disk; or the right thing done."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, refused

import aekit
from aekit.cli import run as run_in_process

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[16]", "--quiet"]
NO_FIGURES = [*QUICK, "--no-figures"]  # where no test looks at them: 1-2 s of drawing saved


def run(capsys, *args) -> subprocess.CompletedProcess:
    """``aekit ARGS`` by ``aekit.cli.run``: the aekit process's status and output, in-process."""
    status = run_in_process([str(a) for a in args])
    said = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, said.out, said.err)


def one_line_exit_2(result) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aekit: error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def ae_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "ae"
    assert invoke("train", "digits", "--model", "ae", *NO_FIGURES, "--out", out).exit_code == 0
    return out


@pytest.fixture(scope="module")
def cvae_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "cvae"
    assert invoke("train", "digits", "--model", "cvae", *NO_FIGURES, "--out", out).exit_code == 0
    return out


@pytest.fixture
def immutable(tmp_path):
    """A folder nobody, root included, can write into (chattr +i); skipped where unsupported."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if shutil.which("chattr") is None:
        pytest.skip("no chattr")
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not permitted here")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


# --- 1, 2: outputs are checked before any work ----------------------------------------------------


def test_unwritable_out_is_refused_before_training(immutable, capsys):
    started = time.perf_counter()
    result = run(capsys, "train", "digits", "--out", immutable / "RUN", "--quiet")
    line = one_line_exit_2(result)
    assert "cannot write --out" in line
    assert time.perf_counter() - started < 60  # no epoch was trained (the default is 200)
    assert list(immutable.iterdir()) == []


@pytest.mark.parametrize("command", ["encode", "reconstruct", "score"])
def test_unwritable_output_file_is_refused_before_reading(command, ae_run, immutable):
    result = invoke(command, ae_run, "digits", "-o", immutable / "z.csv")
    refused(result, "cannot write -o/--output", "Operation not permitted")


def test_output_under_a_file_is_refused(ae_run, tmp_path):
    (tmp_path / "afile").write_text("x")
    result = invoke("encode", ae_run, "digits", "-o", tmp_path / "afile" / "z.csv")
    refused(result, "is a file, not a folder")


@pytest.mark.parametrize(
    "args",
    [
        ["compress", "c.safetensors", "digits", "-o", "{dir}"],
        ["index", "h.safetensors", "digits", "--out", "{dir}"],
        ["impute", "holes.csv", "--save-model", "{dir}", "-o", "{tmp}/q.csv"],
        ["encode", "RUN", "digits", "-o", "{dir}"],
        ["generate", "RUN", "-o", "{dir}"],
        ["train-hasher", "digits", "-o", "{dir}"],
    ],
    ids=lambda a: a[0],
)
def test_a_folder_given_as_an_output_file_is_refused_first(args, tmp_path):
    folder = tmp_path / "emptydir"
    folder.mkdir()
    args = [a.format(dir=folder, tmp=tmp_path) for a in args]
    refused(invoke(*args), "is a folder; give a file name")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emptydir"]  # no q.csv written
    assert list(folder.iterdir()) == []


# --- 3, 15: a RUN is claimed exclusively; staging folders never outlive their command -------------


def test_two_trainings_to_one_out_exactly_one_succeeds(tmp_path):
    args = [sys.executable, "-m", "aekit.cli", "train", "digits", "--model", "ae", "--quiet"]
    args += ["--param", "max_iter=15", "--out", str(tmp_path / "RUN")]
    procs = [subprocess.Popen(args, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = sorted(p.wait(timeout=600) for p in procs)
    errors = [p.stderr.read() for p in procs]
    assert codes == [0, 2], errors
    assert any("another aekit command is writing" in e or "exists" in e for e in errors)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["RUN"]
    assert aekit.load(tmp_path / "RUN" / "model.safetensors").n_iter_ == 15


def test_a_killed_commands_staging_folder_is_removed_by_the_next(tmp_path):
    args = [sys.executable, "-m", "aekit.cli", "train", "digits", "--model", "ae", "--quiet"]
    proc = subprocess.Popen([*args, "--out", str(tmp_path / "A")])
    staging = tmp_path / ".A.aekit-staging"
    deadline = time.monotonic() + 120
    while not staging.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.kill()  # kill -9 while it trains
    proc.wait()
    assert staging.exists()
    with pytest.warns(UserWarning, match="left by an interrupted aekit command"):
        result = invoke("train", "digits", "--model", "ae", *NO_FIGURES, "--out", tmp_path / "B")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["B"]


def test_a_live_commands_staging_folder_is_left_alone(tmp_path):
    from aekit.cli.outputs import claimed_run

    with claimed_run(tmp_path / "A", False) as staging:
        result = invoke("train", "digits", "--model", "ae", *NO_FIGURES, "--out", tmp_path / "B")
        assert result.exit_code == 0 and staging.exists()
        refused(invoke("train", "digits", *QUICK, "--out", tmp_path / "A"), "another aekit")
        (staging / "model.safetensors").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A", "B"]


# --- 6, 10, 17: the model decides what it can do, in one line ------------------------------------


def test_encode_on_a_detector_says_what_to_use(tmp_path, digits):
    detector = aekit.AnomalyDetector(
        estimator=aekit.Autoencoder(max_iter=2, hidden_layer_sizes=(8,), latent_dim=2),
        n_estimators=1,
        random_state=0,
    ).fit(digits[0])
    detector.save(tmp_path / "det.safetensors")
    result = invoke("encode", tmp_path / "det.safetensors", "digits", "-o", tmp_path / "z.csv")
    refused(result, "holds an AnomalyDetector", "aekit score")
    assert not (tmp_path / "z.csv").exists()


def test_interpolate_a_cvae_walks_within_the_rows_label(cvae_run, tmp_path):
    out = tmp_path / "walk.png"
    refused(invoke("interpolate", cvae_run, "digits", "--from", 0, "--to", 5, "-o", out), "--label")
    assert not out.exists()
    result = invoke("interpolate", cvae_run, "digits", "--from", 0, "--to", 10, "-o", out)
    assert result.exit_code == 0, result.output  # rows 0 and 10 are both zeros
    assert out.read_bytes().startswith(b"\x89PNG")


def test_info_refuses_what_load_refuses(ae_run, tmp_path):
    import json

    from safetensors.torch import load_file, save_file

    from aekit.io.tensors import header_digest

    from_file = ae_run / "model.safetensors"
    tensors = load_file(str(from_file))
    from safetensors import safe_open

    with safe_open(str(from_file), framework="pt") as handle:
        header = json.loads(handle.metadata()["aekit"])
    for change, words in [
        ({"class": "os.system"}, "unknown estimator class"),
        ({"class": ["Autoencoder"]}, "unknown estimator class"),
        ({"format_version": 3}, "Upgrade aekit"),
    ]:
        edited = {**header, **change}
        edited["sha256"] = {**header["sha256"], "header": header_digest(edited)}
        path = tmp_path / "odd.safetensors"
        save_file(tensors, str(path), metadata={"aekit": json.dumps(edited)})
        refused(invoke("info", path), words)
        with pytest.raises(ValueError, match=words):
            aekit.load(path)


# --- 7, 14, 16: DATA read as it is, or refused in one line ---------------------------------------


def test_a_corrupt_image_is_named(tmp_path):
    from PIL import Image

    (tmp_path / "img").mkdir()
    for i in range(3):
        Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "img" / f"{i}.png")
    (tmp_path / "img" / "bad.png").write_bytes(b"not a png")
    result = invoke("train", tmp_path / "img", *QUICK, "--out", tmp_path / "RUN")
    refused(result, "bad.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img"]


def test_mixed_grey_and_colour_images_suggest_grayscale(tmp_path):
    from PIL import Image

    from aekit.cli.data import DataOptions, load_image_folder

    (tmp_path / "img").mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "img" / "grey.png")
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "img" / "rgb.png")
    with pytest.raises(ValueError, match="mixes grey and colour images; pass --grayscale"):
        load_image_folder(tmp_path / "img", DataOptions())
    X, _ = load_image_folder(tmp_path / "img", DataOptions(grayscale=True))
    assert X.shape == (2, 1, 8, 8)


def table(n=30, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])


@pytest.mark.parametrize(
    "write, words",
    [
        (lambda t, p: t.to_csv(p, index=False, header=False), "looks like data, not column names"),
        (lambda t, p: t.to_csv(p, index=False, sep=";"), "separated by ';'"),
        (lambda t, p: p.write_bytes("a,b\n1,caf\xe9\n".encode("latin-1")), "--encoding"),
        (lambda t, p: p.write_text(",b\n1,2\n3,4\n"), "have no name"),
        (lambda t, p: p.write_text("a,b\n"), "no data rows"),
    ],
    ids=["no-header", "semicolons", "latin-1", "unnamed", "header-only"],
)
def test_a_table_read_wrongly_is_refused(write, words, tmp_path, capsys):
    write(table(), tmp_path / "t.csv")
    result = run(capsys, "train", tmp_path / "t.csv", *QUICK, "--out", tmp_path / "RUN")
    line = one_line_exit_2(result)
    assert words in line and len(line) < 400
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_a_written_pandas_index_is_dropped(tmp_path):
    table().to_csv(tmp_path / "t.csv")  # index=True: a first column "Unnamed: 0" of 0, 1, 2...
    from aekit.cli.data import DataOptions, load_data

    with pytest.warns(UserWarning, match="pandas index"):
        X, _ = load_data(str(tmp_path / "t.csv"), DataOptions())
    assert list(X.columns) == ["a", "b", "c", "d"]


def test_a_text_file_is_not_taken_for_idx(tmp_path):
    (tmp_path / "data.log").write_text("1 2 3\n4 5 6\n")
    refused(invoke("train", tmp_path / "data.log", "--out", tmp_path / "RUN"), "not a table")
    # a .txt is a text table (its separator sniffed): its first row of numbers is no header
    (tmp_path / "data.txt").write_text("1 2 3\n4 5 6\n")
    refused(invoke("train", tmp_path / "data.txt", "--out", tmp_path / "RUN"), "looks like data")


@pytest.mark.parametrize("labels", [[0.0, 1.0, np.nan] * 10, ["a", "b", None] * 10])
def test_blank_labels_are_unlabelled(labels, tmp_path):
    from aekit.cli.data import DataOptions, load_data

    frame = table().assign(y=labels)
    frame.to_csv(tmp_path / "t.csv", index=False)
    with pytest.warns(UserWarning, match="10 rows have no label"):
        _, y = load_data(str(tmp_path / "t.csv"), DataOptions(label_column="y"))
    assert (y[2::3] == -1).all() if y.dtype.kind == "i" else all(v is None for v in y[2::3])


# --- 8, 9: detect's labels and scores ------------------------------------------------------------


def test_text_labels_take_the_most_frequent_as_normal():
    from aekit.cli.anomaly_labels import as_anomaly

    y = np.array(["B"] * 8 + ["M"] * 2)
    with pytest.warns(UserWarning, match="'B' as normal"):
        assert as_anomaly(y, None).tolist() == [False] * 8 + [True] * 2
    assert as_anomaly(np.array([0, 0, 1]), None).tolist() == [False, False, True]
    with pytest.raises(ValueError, match="not a label of DATA"):
        as_anomaly(y, "0")


# --- the one error path ---------------------------------------------------------------------------


def test_version_and_debug_are_listed(capsys):
    result = run(capsys, "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"aekit {aekit.__version__}"
    assert "--debug" in run(capsys, "--help").stdout


def test_debug_shows_the_traceback_and_keeps_exit_status_2(tmp_path, capsys):
    # the README: input errors exit 2, --debug adds the traceback; it exited 1 (uncaught)
    result = run(capsys, "--debug", "train", tmp_path / "nofile.csv", "--out", tmp_path / "R")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Traceback") and "FileNotFoundError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("aekit: error: DATA ")


# the suite ignores a ConvergenceWarning (pyproject.toml); the aekit process says it
@pytest.mark.filterwarnings("default::sklearn.exceptions.ConvergenceWarning")
def test_warnings_are_one_line_each(tmp_path, capsys):
    table(40).to_csv(tmp_path / "t.csv", index=False)
    args = ["train", tmp_path / "t.csv", "--model", "ae", *QUICK, "--out", tmp_path / "R"]
    result = run(capsys, *args)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("aekit: warning: ") for line in lines), result.stderr


# --- 12, 20: smaller ones -------------------------------------------------------------------------


def test_encode_reads_the_label_column_the_run_recorded(tmp_path):
    table(40).assign(kind=["x", "y"] * 20).to_csv(tmp_path / "t.csv", index=False)
    run_args = ["--label-column", "kind", "--model", "ae", *NO_FIGURES, "--out", tmp_path / "R"]
    assert invoke("train", tmp_path / "t.csv", *run_args).exit_code == 0
    result = invoke("encode", tmp_path / "R", tmp_path / "t.csv", "-o", tmp_path / "z.csv")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "z.csv")) == 40


@pytest.mark.parametrize("command", ["train-hasher", "train-compressor"])
def test_a_model_file_is_not_replaced_without_force(command, tmp_path):
    (tmp_path / "m.safetensors").write_text("mine")
    refused(invoke(command, "digits", "-o", tmp_path / "m.safetensors"), "--force")
    assert (tmp_path / "m.safetensors").read_text() == "mine"


def test_one_row_is_refused_and_a_huge_cell_is_said(tmp_path):
    table(1).to_csv(tmp_path / "one.csv", index=False)
    refused(invoke("train", tmp_path / "one.csv", *QUICK, "--out", tmp_path / "R"), "1 row")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv"]
    from aekit.cli.data import check_training_data

    with pytest.warns(UserWarning, match="as large as 1e"):
        check_training_data(np.array([[1.0, 1e30], [2.0, 3.0]]))
    with warnings.catch_warnings():  # an infinity: the estimator's error names its cell, and
        warnings.simplefilter("error")  # "values as large as inf" came first, saying less
        check_training_data(np.array([[1.0, np.inf], [2.0, 3.0]]))


def test_a_param_the_command_has_an_option_for_is_refused(tmp_path):
    """An option always has a value (given or its default), so a --param for the same
    parameter would silently win or lose; it is refused, naming the option."""
    table().to_csv(tmp_path / "t.csv", index=False)
    model = tmp_path / "h.safetensors"
    cases = {
        "--bits": ["train-hasher", tmp_path / "t.csv", "--param", "n_bits=8", "-o", model],
        "--epochs": ["train-compressor", tmp_path / "t.csv", "--param", "max_iter=1", "-o", model],
        "--quiet": [
            "train",
            tmp_path / "t.csv",
            "--param",
            "verbose=True",
            "--out",
            tmp_path / "R",
        ],
        "--checkpoint": [
            "train",
            tmp_path / "t.csv",
            "--checkpoint",
            tmp_path / "ckA",
            "--param",
            f"checkpoint_dir={tmp_path / 'ckB'}",
            "--out",
            tmp_path / "R",
        ],  # fmt: skip
    }
    for flag, words in cases.items():
        refused(invoke(*words), flag)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_predict_says_which_labels_it_left_out_of_the_accuracy(tmp_path):
    # A label the model never learned was silently counted as unlabelled ("accuracy on the 1
    # labelled rows"), where score and evaluate refuse it.
    table(40).assign(kind=["x", "y"] * 20).to_csv(tmp_path / "t.csv", index=False)
    run_args = ["--label-column", "kind", "--model", "cvae", *NO_FIGURES, "--out", tmp_path / "R"]
    assert invoke("train", tmp_path / "t.csv", *run_args).exit_code == 0
    table(10).assign(kind=["x"] + ["bird"] * 9).to_csv(tmp_path / "n.csv", index=False)
    with pytest.warns(UserWarning, match=r"9 rows have a label the model never learned \(bird"):
        result = invoke("predict", tmp_path / "R", tmp_path / "n.csv", "-o", tmp_path / "p.csv")
    assert result.exit_code == 0 and "on the 1 labelled rows" in result.output
