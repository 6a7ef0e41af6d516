"""Fine-tuning estimators: which layers train under each strategy, the pretrained autoencoder
left as it was, model files, bad input, and the command line (finetune, then predict)."""

from __future__ import annotations

import re
import shlex
import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
import typer.main
from conftest import CPU, assert_same_numbers
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_score
from typer.testing import CliRunner

import aekit
from aekit.cli import app
from aekit.data.datasets import load_digits
from aekit.pretraining.network import layers_with_weights

X, Y = load_digits()
X_L, Y_L = X[:300], Y[:300]
QUICK = dict(max_iter=2, min_rows_per_epoch=300, early_stopping=False, random_state=0)


@pytest.fixture(scope="module")
def ae():
    return aekit.Autoencoder(**{**CPU, "max_iter": 5}).fit(X[:600])


def weights(module: torch.nn.Module) -> list[torch.Tensor]:
    return [layer.weight.detach().cpu().clone() for layer in layers_with_weights(module)]


def changed(before: list[torch.Tensor], module: torch.nn.Module) -> list[bool]:
    return [not torch.equal(b, a) for b, a in zip(before, weights(module))]


def test_each_strategy_trains_the_layers_it_says(ae):
    start = weights(ae.encoder_module())  # the encoder every fine-tuner starts from
    assert len(start) == 2  # the hidden layer and the code layer
    head = aekit.FineTunedClassifier(ae, fine_tune="head", **QUICK).fit(X_L, Y_L)
    assert changed(start, head.network_.encoder) == [False, False]
    every = aekit.FineTunedClassifier(ae, fine_tune="all", **QUICK).fit(X_L, Y_L)
    assert changed(start, every.network_.encoder) == [True, True]
    # gradual: the head alone in epoch 0, the code layer joins in epoch 1, the next in epoch 2
    for epochs, expected in [(1, [False, False]), (2, [False, True]), (3, [True, True])]:
        params = {**QUICK, "max_iter": epochs}
        gradual = aekit.FineTunedClassifier(ae, fine_tune="gradual", **params).fit(X_L, Y_L)
        assert changed(start, gradual.network_.encoder) == expected, epochs
    # the pretrained autoencoder is left as it was
    assert not any(changed(start, ae.encoder_module()))


def test_the_encoder_learns_slower_than_the_head(ae):
    """encoder_lr_factor scales the pretrained layers' steps against the head's (Adam's step is
    about the learning rate, so the first step moves each weight by about lr * factor)."""
    params = {**QUICK, "max_iter": 1, "min_rows_per_epoch": 1, "batch_size": 300}
    start = weights(ae.encoder_module())
    steps = {}
    for factor in (1.0, 0.01):
        fitted = aekit.FineTunedClassifier(ae, encoder_lr_factor=factor, **params).fit(X_L, Y_L)
        after = weights(fitted.network_.encoder)
        steps[factor] = max(float((a - b).abs().max()) for a, b in zip(after, start))
    lr = QUICK.get("learning_rate_init", 1e-3)
    assert steps[1.0] == pytest.approx(lr, rel=0.01)
    assert steps[0.01] == pytest.approx(0.01 * lr, rel=0.01)


def test_random_init_is_the_same_network_from_scratch(ae):
    scratch = aekit.FineTunedClassifier(ae, init="random", **QUICK).fit(X_L, Y_L)
    shapes = [w.shape for w in weights(scratch.network_.encoder)]
    assert shapes == [w.shape for w in weights(ae.encoder_module())]
    assert all(changed(weights(ae.encoder_module()), scratch.network_.encoder))


def test_an_unfitted_autoencoder_is_fitted_on_X_and_X_unlabeled():
    rng = np.random.RandomState(0)
    X_lab, X_unl = rng.normal(size=(40, 5)), rng.normal(loc=3.0, size=(160, 5))
    y = (X_lab[:, 0] > 0).astype(int)
    given = aekit.Autoencoder(**CPU)
    clf = aekit.FineTunedClassifier(given, **QUICK).fit(X_lab, y, X_unlabeled=X_unl)
    assert not hasattr(given, "model_")  # a clone was fitted, not the parameter
    # its standardization is that of all 200 rows (Gaussian data), not of the 40 labelled
    stacked = np.vstack([X_lab, X_unl]).astype(np.float32)
    np.testing.assert_allclose(clf.autoencoder_.data_mean_, stacked.mean(axis=0), atol=1e-5)


def test_cross_validation_fine_tunes_the_given_fitted_autoencoder(ae):
    """clone (hence cross_val_score) keeps a fitted autoencoder: each fold scores exactly as a
    fine-tuner fitted by hand on it, and the user's autoencoder is left as it was."""
    before = {k: v.clone() for k, v in ae.model_.state_dict().items()}
    params = {**QUICK, "fine_tune": "head", "max_iter": 10, "learning_rate_init": 0.01}
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    X_cv, y_cv = X[600:750], Y[600:750]
    cv_scores = cross_val_score(aekit.FineTunedClassifier(ae, **params), X_cv, y_cv, cv=folds)
    by_hand = [
        aekit.FineTunedClassifier(ae, **params).fit(X_cv[fit], y_cv[fit]).score(X_cv[s], y_cv[s])
        for fit, s in folds.split(X_cv, y_cv)
    ]
    np.testing.assert_array_equal(cv_scores, by_hand)
    after = ae.model_.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    cloned = clone(aekit.FineTunedRegressor(ae, **params))
    assert cloned.autoencoder is not ae  # a copy: set_params on a clone cannot reach the user's
    unfitted = clone(aekit.FineTunedClassifier(aekit.Autoencoder(**CPU), **params)).autoencoder
    assert isinstance(unfitted, aekit.Autoencoder) and not hasattr(unfitted, "model_")


def test_save_and_load_give_the_same_predictions_and_the_autoencoder(ae, tmp_path):
    clf = aekit.FineTunedClassifier(ae, head_layer_sizes=(8,), **QUICK).fit(X_L, Y_L.astype(str))
    clf.save(tmp_path / "clf.safetensors")
    same = aekit.load(tmp_path / "clf.safetensors")
    assert_same_numbers(same.predict_proba(X[600:]), clf.predict_proba(X[600:]))
    assert list(same.predict(X[600:620])) == list(clf.predict(X[600:620]))
    assert_same_numbers(same.autoencoder_.transform(X[:50]), ae.transform(X[:50]))
    reg = aekit.FineTunedRegressor(ae, **QUICK).fit(X_L, np.column_stack([Y_L, -Y_L]))
    reg.save(tmp_path / "reg.safetensors")
    loaded = aekit.load(tmp_path / "reg.safetensors")
    assert loaded.predict(X[:5]).shape == (5, 2)
    assert_same_numbers(loaded.predict(X[600:]), reg.predict(X[600:]))


def test_early_stopping_on_accuracy_keeps_the_best_validation_accuracy(ae, tmp_path):
    """The validation error rate (1 - accuracy, in steps of 1/30 for 30 validation rows) is
    what stopping watched, and the saved file keeps the setting."""
    params = {**QUICK, "early_stopping": True, "max_iter": 8, "n_iter_no_change": 3}
    clf = aekit.FineTunedClassifier(ae, early_stopping_metric="accuracy", **params)
    clf.fit(X_L, Y_L)
    errors = np.array(clf.history_["val_error"])
    assert clf.best_loss_ == pytest.approx(errors.min())
    np.testing.assert_allclose(errors * 30, np.round(errors * 30), atol=1e-4)
    by_loss = aekit.FineTunedClassifier(ae, **params).fit(X_L, Y_L)
    assert by_loss.best_loss_ == pytest.approx(min(by_loss.history_["val_loss"]))
    clf.save(tmp_path / "clf.safetensors")
    assert aekit.load(tmp_path / "clf.safetensors").early_stopping_metric == "accuracy"


def test_checkpoints_resume_to_the_weights_of_an_uninterrupted_run(ae, tmp_path):
    params = {**QUICK, "checkpoint_dir": tmp_path}
    aekit.FineTunedClassifier(ae, **{**params, "max_iter": 1}).fit(X_L, Y_L)
    resumed = aekit.FineTunedClassifier(ae, **params).fit(X_L, Y_L)
    whole = aekit.FineTunedClassifier(ae, **QUICK).fit(X_L, Y_L)
    np.testing.assert_array_equal(resumed.predict_proba(X[600:]), whole.predict_proba(X[600:]))


def test_a_regressor_learns_a_target_of_the_rows(ae):
    """The ink of a digit (its mean pixel) from the encoder: R^2 far above predicting the mean."""
    ink = X.mean(axis=1) * 100.0
    reg = aekit.FineTunedRegressor(ae, learning_rate_init=0.01, random_state=0).fit(
        X[:600], ink[:600]
    )
    assert reg.score(X[600:], ink[600:]) > 0.8


def test_bad_input_is_a_clear_value_error(ae):
    with pytest.raises(ValueError, match="X has 10 features but the autoencoder takes 64"):
        aekit.FineTunedClassifier(ae, **QUICK).fit(X_L[:, :10], Y_L)
    clf = aekit.FineTunedClassifier(ae, **QUICK).fit(X_L, Y_L % 3)
    # labels never seen in fit count as wrong predictions, as labelled_accuracy counts them (a
    # cross-validation fold without a class raised here; user review)
    with pytest.warns(UserWarning, match=r"labels the model never saw in fit: \[7, 9\] \(2 rows"):
        unseen = clf.score(X[:20], np.r_[Y[:18] % 3, 7, 9])
    assert unseen == pytest.approx(clf.score(X[:18], Y[:18] % 3) * 18 / 20)
    # Labels written as text ('0', '1', '2', as a CSV column of names gives them) are the
    # classes they write, as ConditionalVAE reads them; they were an accuracy of 0.
    assert clf.score(X[:20], (Y[:20] % 3).astype(str)) == clf.score(X[:20], Y[:20] % 3)
    with pytest.raises(ValueError, match="takes numeric targets; y holds text such as 'a'"):
        aekit.FineTunedRegressor(ae, **QUICK).fit(X_L[:4], ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="early_stopping_metric='accuracy' is for classifiers"):
        aekit.FineTunedRegressor(ae, early_stopping_metric="accuracy", **QUICK).fit(X_L, Y_L)
    cvae = aekit.ConditionalVAE(**CPU).fit(X_L, Y_L)
    with pytest.raises(ValueError, match="encodes rows given their labels"):
        aekit.FineTunedClassifier(cvae, **QUICK).fit(X_L, Y_L)


def test_finetune_then_predict_on_the_command_line(ae, tmp_path):
    runner = CliRunner()
    ae.save(tmp_path / "ae.safetensors")
    table = tmp_path / "rows.csv"
    frame = np.column_stack([X[:200], Y[:200]])
    np.savetxt(
        table,
        frame,
        delimiter=",",
        header=",".join([*map(str, range(64)), "y"]),
        comments="",
        fmt="%g",
    )
    out = tmp_path / "ft"
    args = [
        "finetune",
        tmp_path / "ae.safetensors",
        table,
        "--label-column",
        "y",
        "--out",
        out,
        "--epochs",  # as 'aekit train' takes it (finetune had only --param max_iter)
        "3",
        "--quiet",
    ]
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    assert "FineTunedClassifier: 3 epochs," in result.output
    files = {p.name for p in out.iterdir()}
    assert files == {"model.safetensors", "metrics.csv", "command.txt", "config.toml", "figures"}
    # what every RUN records (the README says so; a finetune RUN had no [params], [run] or
    # figures): its own loss curve, its parameters (the autoencoder is the RUN it names)
    assert [p.name for p in (out / "figures").iterdir()] == ["loss_curves.png"]
    config = tomllib.loads((out / "config.toml").read_text())
    assert config["run"]["rows"] == 200 and config["params"]["max_iter"] == 3
    assert "autoencoder" not in config["params"]
    # --epochs, which the command reruns with another --epochs added to (--param max_iter was
    # refused beside it)
    command = (out / "command.txt").read_text()
    assert " --epochs 3 " in command and "max_iter" not in command, command
    assert isinstance(aekit.load(out / "model.safetensors"), aekit.FineTunedClassifier)
    # info lists the head beside the encoder's layers (it showed the encoder alone)
    shown = runner.invoke(app, ["info", str(out)]).output
    head = aekit.load(out / "model.safetensors").network_.head
    assert re.search(rf"│ head +│ {ae.latent_dim} -> {head[-1].out_features} +│", shown), shown
    args = ["predict", out, table, "--label-column", "y", "-o", tmp_path / "p.csv"]
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0 and "accuracy" in result.output, result.output
    again = runner.invoke(app, ["finetune", str(out), str(table), "--out", str(tmp_path / "x")])
    assert again.exit_code != 0 and "needs an autoencoder run" in str(again.exception)


def test_minus_one_beside_other_classes_is_a_class_with_a_warning(ae):
    """ConditionalVAE reads -1 as an unlabelled row; a classifier learns it as a class, and
    says so when it looks like that mark (beside 0..9), not for a {-1, 1} labelling."""
    marked = np.where(np.arange(len(Y_L)) % 3 == 0, Y_L, -1)
    with pytest.warns(UserWarning, match="-1 beside 10 other classes.*X_unlabeled"):
        clf = aekit.FineTunedClassifier(ae, **QUICK).fit(X_L, marked)
    assert clf.classes_.tolist() == list(range(-1, 10))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        binary = aekit.FineTunedClassifier(ae, **QUICK).fit(X_L, np.where(Y_L < 5, -1, 1))
    assert binary.classes_.tolist() == [-1, 1]
    gap = np.where(np.arange(len(Y_L)) == 2, np.nan, Y_L)
    with pytest.raises(ValueError, match="1 row of missing labels .* at row 2; .*X_unlabeled"):
        aekit.FineTunedClassifier(ae, **QUICK).fit(X_L, gap)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):  # not a reshape's
        aekit.FineTunedClassifier(ae, **QUICK).fit(X_L, [])


def test_an_autoencoder_changed_after_its_fit_is_refused_naming_the_change(ae):
    # set_params(autoencoder__latent_dim=2) on a fitted one raised torch's size error (and
    # scored nan in a grid search without a word of why)
    tuner = clone(aekit.FineTunedClassifier(ae, **QUICK))
    tuner.set_params(autoencoder__latent_dim=2)
    with pytest.raises(ValueError, match=r"changed after it was fitted: latent_dim \(fitted"):
        tuner.fit(X_L, Y_L)
    assert ae.latent_dim != 2  # the user's autoencoder is left as it was


def finetune_settings(words: list[str]) -> dict:
    """What 'aekit finetune WORDS' fits with: its options as parsed, its --param resolved (and
    --epochs as max_iter, --seed as random_state, its default as the command sets it)."""
    from aekit.cli import runs

    command = typer.main.get_command(app).commands["finetune"]
    settings = command.make_context("finetune", list(words)).params
    params = runs.resolve_params(aekit.FineTunedClassifier, {}, settings.pop("param") or [])
    epochs, seed = settings.pop("epochs"), settings.pop("seed")
    params |= {} if epochs is None else {"max_iter": epochs}
    params |= {"random_state": 0 if seed is None else seed}
    del settings["quiet"]  # how to watch the fit, not what it fits: command.txt leaves it out
    return {**settings, "params": params}


def test_finetune_records_a_command_that_reruns_as_typed(ae, tmp_path):
    # command.txt wrote --param values as Python's repr: 'head_layer_sizes=(8, 4)' and
    # 'early_stopping=False', which --param read back as text (a rerun was refused)
    ae.save(tmp_path / "ae.safetensors")
    frame = pd.DataFrame(X[:90], columns=[f"p{i}" for i in range(64)])
    frame["y"] = Y[:90] % 2
    frame.to_csv(tmp_path / "rows.csv", index=False)
    typed = [tmp_path / "ae.safetensors", tmp_path / "rows.csv", "--label-column", "y"]
    typed += ["--epochs", "1", "--quiet", "--out", tmp_path / "ft"]
    for pair in ("head_layer_sizes=[8, 4]", "early_stopping=false", "fine_tune=head",
                 "validation_fraction=0.25", "checkpoint_dir=none"):  # fmt: skip
        typed += ["--param", pair]
    typed = [str(word) for word in typed]
    result = CliRunner().invoke(app, ["finetune", *typed])
    assert result.exit_code == 0, result.output
    recorded = shlex.split((tmp_path / "ft" / "command.txt").read_text())
    assert recorded[:2] == ["aekit", "finetune"], recorded
    assert finetune_settings(recorded[2:]) == finetune_settings(typed)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_finetune_leaves_out_blank_labels_beside_a_minus_one_class(ae, tmp_path, task):
    # Labels -1 / 0 / 1 (a sentiment) with blank cells: the blanks stay NaN (as -1 they would
    # be a class) and finetune stopped on them: "Input y contains NaN".
    ae.save(tmp_path / "ae.safetensors")
    frame = pd.DataFrame(X[:90], columns=[f"p{i}" for i in range(64)])
    frame["y"] = np.tile([-1.0, 0.0, 1.0], 30)
    frame.loc[[0, 1, 2, 3], "y"] = np.nan
    frame.to_csv(tmp_path / "rows.csv", index=False)
    args = ["finetune", tmp_path / "ae.safetensors", tmp_path / "rows.csv", "--label-column", "y"]
    args += ["--task", task, "--out", tmp_path / task, "--epochs", "1", "--quiet"]
    with pytest.warns(UserWarning, match="4 rows have no label .*: read as unlabelled"):
        result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    left_out = 4 + 28 * (task == "classification")  # and the other -1 rows, unlabelled marks
    assert f"{left_out} unlabelled rows left out" in result.output


def test_finetune_regression_leaves_out_blank_targets(ae, tmp_path):
    # where -1 was no target in the column, a blank cell was read as -1 (the unlabelled mark
    # of a class) and the regressor fitted those rows to the target -1
    ae.save(tmp_path / "ae.safetensors")
    frame = pd.DataFrame(X[:90], columns=[f"p{i}" for i in range(64)])
    frame["y"] = np.linspace(0.5, 3.0, 90)
    frame.loc[[0, 1, 2, 3], "y"] = np.nan
    frame.to_csv(tmp_path / "rows.csv", index=False)
    args = ["finetune", tmp_path / "ae.safetensors", tmp_path / "rows.csv", "--label-column", "y"]
    args += ["--task", "regression", "--out", tmp_path / "ft", "--epochs", "1", "--quiet"]
    with pytest.warns(UserWarning, match=r"4 rows have no label .*: read as unlabelled\.$"):
        result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    assert "4 unlabelled rows left out" in result.output
    config = tomllib.loads((tmp_path / "ft" / "config.toml").read_text())
    assert config["run"]["rows"] == 86  # fitted on the rows with a target


def test_predict_leaves_blank_targets_out_of_a_regressions_r2(ae, tmp_path):
    # a blank target cell was read as -1 (a class's unlabelled mark) and R^2 was computed with
    # those rows' targets as -1
    ae.save(tmp_path / "ae.safetensors")
    frame = pd.DataFrame(X[:90], columns=[f"p{i}" for i in range(64)])
    frame["y"] = np.linspace(0.5, 3.0, 90)
    frame.to_csv(tmp_path / "rows.csv", index=False)
    args = ["finetune", tmp_path / "ae.safetensors", tmp_path / "rows.csv", "--label-column", "y"]
    args += ["--task", "regression", "--out", tmp_path / "ft", "--epochs", "2", "--quiet"]
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    frame.loc[[0, 1, 2, 3], "y"] = np.nan
    frame.to_csv(tmp_path / "blank.csv", index=False)
    args = ["predict", tmp_path / "ft", tmp_path / "blank.csv", "-o", tmp_path / "p.csv"]
    with pytest.warns(UserWarning, match=r"4 rows have no label .*: read as unlabelled\.$"):
        result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    regressor = aekit.load(tmp_path / "ft" / "model.safetensors")
    r2 = regressor.score(X[4:90], frame["y"].to_numpy()[4:])
    assert f"R^2 {r2:.4f} on the 86 rows with a target (4 blank left out)" in result.output
    assert len(pd.read_csv(tmp_path / "p.csv")) == 90  # every row is predicted


def test_finetune_keeps_the_column_names_and_reads_them_by_name(tmp_path):
    # rows left out (an unlabelled -1 here) turned DATA into an array: the model had no column
    # names, so predict read a file with its columns in another order by position, unsaid; and
    # DATA's columns in another order than the autoencoder's fed its encoder by position
    names = [f"p{i}" for i in range(64)]
    frame = pd.DataFrame(X[:90], columns=names)
    aekit.Autoencoder(**CPU).fit(frame).save(tmp_path / "ae.safetensors")
    frame["y"] = Y[:90] % 2
    frame.loc[[0, 1, 2], "y"] = -1
    frame.to_csv(tmp_path / "rows.csv", index=False)
    frame[[*names[::-1], "y"]].to_csv(tmp_path / "reordered.csv", index=False)
    predicted = []
    for fitted in ("rows.csv", "reordered.csv"):
        run = tmp_path / f"ft_{fitted}"
        args = ["finetune", tmp_path / "ae.safetensors", tmp_path / fitted, "--label-column", "y"]
        result = CliRunner().invoke(app, [str(a) for a in [*args, "--out", run, "--epochs", "1"]])
        assert result.exit_code == 0 and "3 unlabelled rows left out" in result.output
        assert list(aekit.load(run / "model.safetensors").feature_names_in_) == names
        for name in ("rows.csv", "reordered.csv"):
            args = ["predict", run, tmp_path / name, "-o", tmp_path / "p.csv"]
            result = CliRunner().invoke(app, [str(a) for a in args])
            assert result.exit_code == 0, result.output
            predicted.append(pd.read_csv(tmp_path / "p.csv"))
    for other in predicted[1:]:  # the same model (its seed), whichever order it read
        pd.testing.assert_frame_equal(predicted[0], other)


def test_one_class_is_refused_naming_the_label_as_written(ae):
    """The label read 'np.int64(0)' (numpy's repr), not the 0 the user gave."""
    X = np.random.default_rng(0).random((20, ae.n_features_in_))
    with pytest.raises(ValueError, match=r"y has 1 class only \(0\); a classifier needs at least"):
        aekit.FineTunedClassifier(ae, max_iter=1).fit(X, np.zeros(20, int))


def test_the_networks_forward_without_targets_names_its_outputs(ae):
    # network_(x) failed with "'bool' object has no attribute 'float'"
    clf = aekit.FineTunedClassifier(ae, max_iter=1, random_state=0).fit(X[:100], Y[:100])
    rows = torch.as_tensor(X[:3], dtype=torch.float32)
    with pytest.raises(ValueError, match=r"needs the targets y.*network_\.outputs\(x\)"):
        clf.network_(rows)
    logits = clf.network_.outputs(rows)
    predicted = clf.classes_[logits.argmax(dim=1).cpu().numpy()]
    np.testing.assert_array_equal(predicted, clf.predict(X[:3]))
