"""``aekit predict``: the labels a ConditionalVAE run gives DATA (its classifier q(y|x) when it
was trained with unlabelled rows marked -1, else Bayes' rule on the ELBO under each label), or
a fine-tuned run (``aekit finetune``) its labels or its regression targets."""

from __future__ import annotations

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
    read_for_run,
    warn_of_unknown_labels,
)


@app.command()
def predict(
    run: Run,
    data: Data,
    output: Output,
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """Write the predicted label of each row of DATA and the probability of every class
    (columns label, p_<class>...), or a regression run's predictions (columns prediction...).
    When DATA has labels, print the accuracy on the rows whose label is known (rows marked -1
    are left out), or a regression run's R^2 on the rows whose target is not blank."""
    import numpy as np

    from aekit.cli.columns import with_ids_table
    from aekit.cli.data import write_table

    estimator = load_run(run)
    regressor = hasattr(estimator, "y_mean_")  # a fine-tuned regressor: y holds its targets
    X, y = read_for_run(
        run, data, label_column, image_shape, image_size, grayscale, estimator, regressor
    )
    if regressor:
        _write_predictions(estimator, X, y, output, data)
        return
    if not hasattr(estimator, "classes_"):  # the command reads the labels a model learned
        raise ValueError(
            f"{run} holds {a_kind(estimator)}; predict needs a cvae or a finetune run."
        )
    proba = estimator.predict_proba(X)
    labels = estimator.classes_[proba.argmax(axis=1)]
    if output.suffix.lower() == ".npy":  # one numeric array: the labels must be numbers
        if labels.dtype.kind not in "biuf":
            raise ValueError(
                f"-o {output}: labels {labels[:3].tolist()}... are not numbers; "
                "write .csv or .parquet."
            )
        values = np.column_stack([labels.astype(np.float64), proba])
    else:  # a table keeps each label as it is (ints stay ints, strings strings)
        values = np.column_stack([labels.astype(object), proba.astype(object)])
    names = ["label", *(f"p_{c}" for c in estimator.classes_)]
    write_table(output, *with_ids_table(data, values, names, output))  # --id-column first
    message = f"{len(values)} rows: {output}"
    if y is not None:
        from aekit.data.validation import known_labels

        # labels of another type are the classes they write (7 is the class '7' of folder
        # names), as every method of the model reads them
        y = known_labels(np.asarray(y, dtype=object), estimator.classes_)
        classes = set(estimator.classes_.tolist())
        known = np.array([v in classes for v in y.tolist()], dtype=bool)
        warn_of_unknown_labels(
            np.asarray(y)[~known], estimator.classes_, "the model never learned",
            "left out of the accuracy",
        )  # fmt: skip
        if known.any():
            accuracy = float(np.mean(labels[known] == np.asarray(y)[known]))
            message += f"; accuracy {accuracy:.4f} on the {int(known.sum())} labelled rows"
    typer.echo(message)


def _write_predictions(estimator, X, y, output, data: str) -> None:
    """A regressor's predictions (columns prediction, or prediction_0, ... for several
    targets; DATA's --id-column first) and, given DATA's targets, its R^2 on them."""
    import numpy as np

    from aekit.cli.columns import with_ids_table
    from aekit.cli.data import write_table

    values = estimator.predict(X)  # (n,) for one target: a .npy keeps predict's shape
    names = (
        ["prediction"]
        if values.ndim == 1 or values.shape[1] == 1
        else [f"prediction_{i}" for i in range(values.shape[1])]
    )
    write_table(output, *with_ids_table(data, values, names, output))
    message = f"{len(values)} rows: {output}"
    if y is not None:
        message += _r2_on_targets(estimator, X, np.asarray(y, dtype=np.float64))
    typer.echo(message)


def _r2_on_targets(estimator, X, y) -> str:
    """The regressor's R^2 on the rows whose target is known: a blank cell (NaN) is no target,
    left out and counted, not a number to score against."""
    import numpy as np

    known = ~np.isnan(y).reshape(len(y), -1).any(axis=1)
    blank = int((~known).sum())
    if not blank:
        return f"; R^2 {estimator.score(X, y):.4f}"
    if not known.any():
        return f"; no R^2: every one of the {blank} targets is blank"
    r2 = estimator.score(np.asarray(X)[known], y[known])
    return f"; R^2 {r2:.4f} on the {int(known.sum())} rows with a target ({blank} blank left out)"
