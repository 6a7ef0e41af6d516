"""What the command-line tests share: run ``aekit`` in-process and read its outcome."""

from __future__ import annotations

from typer.testing import CliRunner

from aekit.cli import app
from aekit.cli.errors import error_message

runner = CliRunner()


def invoke(*args):
    """``aekit ARGS`` in-process (paths and numbers given as they are)."""
    return runner.invoke(app, [str(a) for a in args])


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def refused(result, *words: str) -> str:
    """The command failed with an input error (exit 2 from ``aekit``) whose message has
    ``words``; the message as the user reads it."""
    assert isinstance(result.exception, (ValueError, OSError)), result.output
    message = error_message(result.exception)
    for word in words:
        assert word in message, message
    return message


def read_as_a_large_csv(monkeypatch, lazy_bytes: int = -1) -> None:
    """From now on a CSV DATA over 1,000 bytes is large: read through its Parquet copy, and
    fitted from disk where ``lazy_bytes`` is 0 (-1: as set); reading one whole fails the test."""
    from aekit.cli import common
    from aekit.data import csv_parquet, lazy, table_checks

    monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 1000)
    if lazy_bytes >= 0:
        monkeypatch.setattr(common, "LAZY_BYTES", lazy_bytes)
    real_read = table_checks.read_csv

    def read_csv(csv, *args, **kwargs):
        assert kwargs.get("nrows") is not None, "the large file was read whole"
        return real_read(csv, *args, **kwargs)

    monkeypatch.setattr(table_checks, "read_csv", read_csv)
    monkeypatch.setattr(csv_parquet, "read_csv", read_csv)


def convert_in_small_chunks(monkeypatch, tmp_path, chunk_rows: int):
    """A large CSV's Parquet copies converted ``chunk_rows`` rows at a time, in a temporary
    folder of their own under ``tmp_path`` (returned), none kept from an earlier test."""
    import tempfile

    from aekit.cli import large_csv
    from aekit.data import csv_parquet

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR read again
    monkeypatch.setattr(csv_parquet, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr(large_csv, "_copies", {})
    return temporary


def series_frame(n: int, seed: int):
    """``n`` hours of two noisy daily waves, ``a`` and ``b``, their time as text in column
    ``timestamp`` (as a CSV holds it), and a text column ``note``."""
    import numpy as np
    import pandas as pd

    rng = np.random.RandomState(seed)
    t = np.arange(n)
    return pd.DataFrame(
        {
            "timestamp": pd.date_range("2024-01-01", periods=n, freq="h").astype(str),
            "a": np.sin(2 * np.pi * t / 24) + 0.05 * rng.normal(size=n),
            "b": np.cos(2 * np.pi * t / 24) + 0.05 * rng.normal(size=n),
            "note": "x",
        }
    )


def quick_series_detector(patch) -> None:
    """From now on (``patch``: a MonkeyPatch) 'aekit detect-series' fits a window detector of
    one tiny member in a fraction of a second: what the commands read and say is under test."""
    import aekit
    from aekit.timeseries import detector as module

    member = aekit.Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=2)
    quick = aekit.AnomalyDetector(estimator=member, n_estimators=1, preprocessing=None)
    patch.setattr(module, "default_window_detector", lambda: quick)
