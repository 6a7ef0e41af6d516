"""The command line as a user runs it: a real subprocess."""

import subprocess
import sys

import aekit


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "aekit.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_demo_trains_saves_a_loadable_model_and_draws_samples(tmp_path):
    result = run("demo", "--epochs", "2", "--quiet", "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    model_path = tmp_path / "demo" / "model.safetensors"
    assert str(model_path) in result.stdout
    png = (tmp_path / "demo" / "samples.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    model = aekit.load(model_path)
    assert model.sample(3, y=5).shape == (3, 64)


def test_help_answers_without_importing_torch():
    probe = (
        "import sys; from aekit.cli import app; assert 'torch' not in sys.modules, 'torch imported'"
    )
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0
    result = run("--help")
    assert result.returncode == 0 and "demo" in result.stdout


def test_a_bad_option_exits_2_with_one_line_and_no_traceback():
    result = run("demo", "--epochs", "many")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
