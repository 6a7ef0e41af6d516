"""``aekit predict``: the labels a ConditionalVAE run gives DATA (its classifier q(y|x) when it
was trained with unlabelled rows marked -1, else Bayes' rule on the ELBO under each label), or
a fine-tuned run (``aekit finetune``) its labels or its regression targets."""

from __future__ import annotations

import dataclasses

import typer

from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    Output,
    Run,
    a_kind,
    app,
    load_run,
    run_data_options,
    warn_of_unknown_labels,
)
from aekit.cli.label_options import LabelsFile, check_applies
from aekit.cli.model_labels import known_text
from aekit.cli.recorded_paths import is_training_data
from aekit.cli.shell_words import shell_word
from aekit.cli.table_options import run_config


@app.command()
def predict(
    run: Run,
    data: Data,
    output: Output,
    label_column: LabelColumn = None,
    labels: LabelsFile = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """Write the predicted label of each row of DATA and the probability of every class
    (columns label, p_<class>...), or a regression run's predictions (columns prediction...).
    When DATA has labels (a table's --label-column, an .npz's y, an array's --labels FILE),
    print the accuracy on the rows whose label is known (rows marked -1 are left out), or a
    regression run's R^2 on the rows whose target is not blank. DATA is read, predicted and
    written a chunk at a time (DATA on disk, a large CSV's Parquet copy too, is never read
    whole)."""
    from aekit.cli.apply import encoded_chunks
    from aekit.cli.columns import with_ids
    from aekit.data.writers import write_batches

    check_applies(data, labels, label_column)
    estimator = load_run(run)
    regressor = hasattr(estimator, "y_mean_")  # a fine-tuned regressor
    if not regressor and not hasattr(estimator, "classes_"):  # it reads the labels a model learned
        flags = (  # a detector's flags are in aekit score's output
            f"; a detector's flags: aekit score {shell_word(str(run))} DATA -o scores.csv (its "
            "anomaly column)"
            if hasattr(estimator, "threshold")
            else ""
        )
        raise ValueError(
            f"{run} holds {a_kind(estimator)}; predict needs a cvae or a finetune run{flags}."
        )
    if not regressor and output.suffix.lower() == ".npy":  # numbers alone: refused before reading
        classes = estimator.classes_
        if classes.dtype.kind not in "biuf":
            raise ValueError(
                f"-o {output}: labels {classes[:3].tolist()}... are not numbers; "
                "write .csv or .parquet."
            )
    options = run_data_options(run, data, label_column, image_shape, image_size, grayscale, labels)
    if regressor:  # the label column holds its targets: -1 is a number, a blank stays NaN
        options = dataclasses.replace(options, minus_one_is_a_label=True)
    X, parts = encoded_chunks(run, estimator, data, options)
    tally = _Regression(estimator) if regressor else _Accuracy(estimator, output)
    rows, names = with_ids(data, map(tally.add, parts), tally.columns, output)  # --id-column
    n = write_batches(output, rows, len(X), names)
    measured = tally.line()
    if measured and is_training_data(run_config(run), data):  # 1.0 there said nothing
        measured += " (the training rows; new rows show how it generalizes)"
    typer.echo(f"{n} rows: {output}" + measured)


class _Accuracy:
    """A classifier's (or ConditionalVAE's) predicted labels and class probabilities, a chunk
    at a time, and its accuracy on the rows whose label it knows, summed over the chunks."""

    def __init__(self, estimator, output) -> None:
        self.estimator = estimator
        self.npy = output.suffix.lower() == ".npy"  # one numeric array: labels as numbers
        self.columns = ["label", *(f"p_{c}" for c in estimator.classes_)]
        self.correct, self.known, self.unknown = 0, 0, []

    def add(self, part):
        import numpy as np

        X, y = part
        classes = self.estimator.classes_
        proba = self.estimator.predict_proba(X)
        labels = classes[proba.argmax(axis=1)]
        if y is not None:
            from aekit.cli.model_labels import sorted_by_known

            # a row marked unlabelled (-1, empty text) is left out unsaid
            y, known, unseen = sorted_by_known(y, classes)
            self.unknown.append(y[unseen])
            self.correct += int(np.sum(labels[known] == y[known]))
            self.known += int(known.sum())
        if self.npy:
            return np.column_stack([labels.astype(np.float64), proba])
        # a table keeps each label as it is (ints stay ints, strings strings)
        return np.column_stack([labels.astype(object), proba.astype(object)])

    def line(self) -> str:
        import numpy as np

        if not self.unknown:  # DATA has no labels
            return ""
        warn_of_unknown_labels(
            np.concatenate(self.unknown), self.estimator.classes_, "the model never learned",
            "left out of the accuracy",
        )  # fmt: skip
        if not self.known:
            unknown = sum(len(u) for u in self.unknown)
            if not unknown:
                return ""
            # every label unknown: numbers against names, most likely (a finetune on names
            # given labels 0..9 exited 0 with no figure and a warning alone)
            return (
                f"; no accuracy: none of DATA's {unknown} labels is one of the model's classes "
                f"({known_text(self.estimator.classes_[:5])}"
                f"{', ...' if len(self.estimator.classes_) > 5 else ''}); give labels as the "
                "model was trained on"
            )
        return f"; accuracy {self.correct / self.known:.4f} on the {self.known} labelled rows"


class _Regression:
    """A regressor's predictions (columns prediction, or prediction_0, ... for several
    targets), a chunk at a time, and its R^2 on DATA's targets: the predictions and targets
    are kept (a few numbers a row), DATA's rows are not."""

    def __init__(self, estimator) -> None:
        self.estimator = estimator
        n = estimator.n_outputs_
        self.columns = ["prediction"] if n == 1 else [f"prediction_{i}" for i in range(n)]
        self.predictions, self.targets = [], []

    def add(self, part):
        X, y = part
        values = self.estimator.predict(X)  # (n,) for one target: a .npy keeps predict's shape
        if y is not None:
            self.predictions.append(values)
            self.targets.append(y)
        return values

    def line(self) -> str:
        import numpy as np
        from sklearn.metrics import r2_score

        if not self.targets:
            return ""
        # as the regressor's score(X, y), of all rows at once; a blank target (NaN) is no
        # target, left out and counted, not a number to score against
        y = np.concatenate([np.asarray(t, dtype=np.float64) for t in self.targets])
        predicted = np.concatenate(self.predictions)
        known = ~np.isnan(y).reshape(len(y), -1).any(axis=1)
        blank = int((~known).sum())
        if not blank:
            return f"; R^2 {r2_score(y, predicted):.4f}"
        if not known.any():
            return f"; no R^2: every one of the {blank} targets is blank"
        r2 = r2_score(y[known], predicted[known])
        return (
            f"; R^2 {r2:.4f} on the {int(known.sum())} rows with a target ({blank} blank left out)"
        )
