"""A mistyped DATA or rate is said before torch is imported: the refusal took 5.7 s, most of it
importing torch for the estimator the command would have fitted."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from aekit.cli import main
sys.argv = ["aekit", *{words!r}]
try:
    main()
except SystemExit as stop:
    assert stop.code == 2, stop.code
assert "torch" not in sys.modules, "torch imported"
"""


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["train", "absent.csv"], "DATA 'absent.csv': no such file or folder"),
        (["detect", "absent.csv"], "DATA 'absent.csv': no such file or folder"),
        (["detect", "digits", "--contamination", "2"], "--contamination must be 'auto' or"),
    ],
)
def test_a_mistyped_data_or_rate_is_said_before_torch_is_imported(words, said, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(words=words)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"aekit: error: {said}"), done.stderr
