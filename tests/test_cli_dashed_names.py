"""A DATA file whose name starts with '-' is read by the shell's rules as options: click said
"No such option: -d" of '-data.csv', and nothing of the file; the line now says how to name it."""

import subprocess
import sys


def test_a_file_named_like_an_option_is_said_with_its_fix(tmp_path):
    (tmp_path / "-data.csv").write_text("a,b\n1,2\n3,4\n")
    result = subprocess.run(
        [sys.executable, "-m", "aekit.cli", "train", "-data.csv", "--out", "R"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(
        "aekit: error: No such option: -d (-data.csv is a file: write ./-data.csv for a name "
        "that starts with '-'). See '"
    ), result.stderr
    assert not (tmp_path / "R").exists()
