"""Where stderr is no terminal (a CI log, nohup, a notebook's stream) the progress bar is drawn
once, at the end; a plain line at most every PLAIN_LINE_EVERY_S seconds says a long run is alive
(a 300-epoch run printed nothing until it ended)."""

from aekit.core.train import EpochReport
from aekit.estimators import _progress
from aekit.estimators._progress import ProgressBar


def report(epoch: int) -> EpochReport:
    return EpochReport(epoch, 4, {"loss": 1.0 / epoch}, None, 0.1)


def test_a_plain_line_an_interval_when_stderr_is_no_terminal(capsys, monkeypatch):
    monkeypatch.setattr(_progress, "PLAIN_LINE_EVERY_S", 0.0)  # every epoch, for the test
    with ProgressBar("Autoencoder", 4) as bar:
        assert bar.plain  # pytest's captured stderr is no terminal
        for epoch in range(1, 5):
            bar(report(epoch))
    lines = capsys.readouterr().err.splitlines()
    said = [line for line in lines if line.startswith("Autoencoder epoch ")]
    assert said[0].startswith("Autoencoder epoch 1/4 loss 1 (00:00:0"), lines
    assert len(said) == 3  # the last epoch is the bar's own final line


def test_no_plain_line_before_the_interval(capsys):
    with ProgressBar("Autoencoder", 4) as bar:
        for epoch in range(1, 5):
            bar(report(epoch))
    assert "Autoencoder epoch 1/4" not in capsys.readouterr().err
