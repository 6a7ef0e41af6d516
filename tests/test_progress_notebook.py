"""The progress bar in a Jupyter notebook (faked: the suite runs without Jupyter). Without
ipywidgets each verbose fit warned 'install "ipywidgets" for Jupyter support' from rich's own
line and showed an empty block: now plain lines on stderr. With them, rich's live widget ended
on its last refresh (epoch 59/60, left 0:00:01), under it an empty block and the plain lines
meant for logs: now it ends on the last epoch and its loss, alone."""

import re
import sys
import types
import warnings

import pytest
import rich.console

from aekit.core.train import EpochReport
from aekit.estimators import _progress
from aekit.estimators._progress import ProgressBar


def fit_of_four_epochs() -> None:
    with ProgressBar("Autoencoder", 4) as bar:
        for epoch in range(1, 5):
            bar(EpochReport(epoch, 4, {"loss": 1.0 / epoch}, None, 0.1))


@pytest.fixture
def notebook(monkeypatch):
    monkeypatch.setattr(rich.console, "_is_jupyter", lambda: True)
    monkeypatch.setattr(_progress, "PLAIN_LINE_EVERY_S", 0.0)  # every epoch, for the test


def test_without_ipywidgets_plain_lines_and_no_warning_of_rich(notebook, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets: ImportError
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        fit_of_four_epochs()
    assert [str(w.message) for w in said] == []
    err = capsys.readouterr().err
    assert "Autoencoder epoch 1/4 loss 1 (" in err  # the lines of a log
    assert "epoch 4/4 loss 0.25" in err and "\x1b[" not in err  # the last, no terminal codes


class Shown:
    """Fake IPython.display and ipywidgets.Output: what the cell and the widget show."""

    def __init__(self) -> None:
        self.cell: list = []
        self.widget: list = []
        self.in_widget = False

    def display(self, obj, **kwargs) -> None:
        if self.in_widget:
            self.widget.append(re.sub(r"\x1b\[[0-9;]*m", "", obj.text))  # colours off
        else:
            self.cell.append(obj)

    def output(self):
        shown = self

        class Output:
            def __enter__(self):
                shown.in_widget = True

            def __exit__(self, *exc):
                shown.in_widget = False

            def clear_output(self, wait=False):
                shown.widget.clear()

        return Output


def test_with_ipywidgets_the_widget_ends_on_the_last_epoch_alone(notebook, monkeypatch, capsys):
    shown = Shown()
    ipython = types.ModuleType("IPython")
    ipython.display = types.SimpleNamespace(display=shown.display)
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", ipython.display)
    monkeypatch.setitem(sys.modules, "ipywidgets", types.SimpleNamespace(Output=shown.output()))
    fit_of_four_epochs()
    assert len(shown.cell) == 1  # the widget; no empty block, no plain line under it
    assert "epoch 4/4" in shown.widget[-1] and "loss 0.25" in shown.widget[-1], shown.widget
    assert "left 0:00:00" in shown.widget[-1]
    assert "Autoencoder epoch" not in capsys.readouterr().err
