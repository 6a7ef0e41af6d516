"""What a run says of the weights it kept: the epoch early stopping chose and its metrics (in
the training line and in `aekit info`), and a table DATA's columns matched by name."""

import numpy as np
import pandas as pd
from typer.testing import CliRunner

import aekit
from aekit.cli import app

runner = CliRunner()


def test_an_early_stopped_run_says_the_epoch_whose_weights_it_kept(tmp_path):
    # It printed the last epoch's losses although the model holds the best epoch's weights.
    out = tmp_path / "es"
    params = ["early_stopping=true", "n_iter_no_change=3", "learning_rate_init=0.03"]
    args = [a for p in params for a in ("--param", p)]
    result = runner.invoke(
        app, ["train", "digits", "--model", "ae", "--epochs", "40", "--out", str(out), *args]
    )
    assert result.exit_code == 0, result.output
    model = aekit.load(out / "model.safetensors")
    losses = model.history_["val_loss"]
    kept = int(np.argmin(losses)) + 1
    assert kept < model.n_iter_ and losses[kept - 1] == model.best_loss_
    values = ", ".join(f"{k} {round(v[kept - 1], 4):g}" for k, v in model.history_.items())
    assert f"kept the weights of epoch {kept} (the best on validation), {values}" in result.output
    info = " ".join(runner.invoke(app, ["info", str(out)]).output.split())
    assert f"kept epoch │ {kept} (the best on validation)" in info


def test_the_kept_epoch_follows_the_figure_early_stopping_watched():
    # A fine-tuned classifier stopped on accuracy keeps the best val_error (best_loss_ is that
    # error rate); tied epochs are kept by a figure the history lacks, so none is named.
    from types import SimpleNamespace

    from aekit.cli.common import trained

    def fitted(val_error, best):
        history = {"loss": [0.9, 0.5, 0.4, 0.3], "val_loss": [1.0, 0.8, 0.9, 0.95]}
        history["val_error"] = val_error
        return SimpleNamespace(history_=history, n_iter_=4, early_stopping=True, best_loss_=best)

    line = trained(fitted([0.5, 0.25, 0.1, 0.2], 0.1))
    assert "kept the weights of epoch 3 (the best on validation)" in line
    assert line.endswith("(the best on validation), loss 0.4, val_loss 0.9, val_error 0.1"), line
    tied = trained(fitted([0.5, 0.1, 0.1, 0.2], 0.1))
    assert "kept the weights of an earlier epoch, the best on validation (0.1)" in tied
    assert "kept" not in trained(fitted([0.5, 0.4, 0.3, 0.1], 0.1))  # the last epoch: best


def test_denoise_matches_a_files_columns_by_name(tmp_path):
    # A file with fit's columns in another order was denoised by position, silently.
    rng = np.random.RandomState(0)
    a = rng.normal(size=200)
    frame = pd.DataFrame({"a": a, "b": 2 * a, "c": rng.normal(size=200)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame[["c", "a", "b"]].to_csv(tmp_path / "r.csv", index=False)
    run = tmp_path / "dae"
    trained = runner.invoke(
        app,
        ["train", str(tmp_path / "t.csv"), "--model", "dae", "--epochs", "2", "--out", str(run)],
    )
    assert trained.exit_code == 0, trained.output
    for name in ("t", "r"):
        result = runner.invoke(
            app,
            [
                "denoise",
                str(run),
                str(tmp_path / f"{name}.csv"),
                "-o",
                str(tmp_path / f"{name}.npy"),
            ],
        )
        assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(np.load(tmp_path / "t.npy"), np.load(tmp_path / "r.npy"))
