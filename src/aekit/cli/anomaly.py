"""``aekit detect``: fit an AnomalyDetector on DATA and leave model, scores and figures in RUN.
``aekit score RUN DATA`` on a detector run writes the richer table of :func:`detector_table`.

Labels (``--label-column``, ``y`` in a .npz, an array's ``--labels FILE``) are never used for
training; they only draw the ROC and precision-recall curves and give the printed ROC-AUC and
PR-AUC. Any label other than the normal one (``--normal-label``; by default 0, False or
"normal" when present, else the most frequent label) counts as an anomaly.
Scores are anomaly scores, higher = more anomalous, on the scale of the printed threshold.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Annotated

import typer

from aekit.cli import common
from aekit.cli.anomaly_labels import (
    by_label,
    check_labels_before_fit,
    chosen_normal_label,
    seen_labels,
)
from aekit.cli.common import (
    Data,
    Grayscale,
    ImageSize,
    LabelColumn,
    NormalLabel,
    Quiet,
    app,
    open_data,
)
from aekit.cli.data_fingerprint import NoDataHash, taken
from aekit.cli.detection_figures import detection_figures, label_line
from aekit.cli.figure_option import Figures
from aekit.cli.fitted_images import RECORDED_KEY, image_shape_of, recorded_shape
from aekit.cli.label_options import LabelsFile, check_applies
from aekit.cli.seeding import Seed, seeded

TOP_FEATURES = 3


def detector_table(detector, X, y, image_shape=None):
    """One row per row of X: anomaly score (higher = more anomalous, the scale of the detector's
    ``threshold_``), anomaly flag, probability of being an anomaly, the top contributing
    features; and the given label, if any. A row holding a category never seen in training is
    scored ``inf`` and flagged, its unseen cell named first
    (:func:`aekit.anomaly.unseen.explained_rows`). Images' pixels are named by their place
    (``ch0_row6_col1``): X's images' ``(C, H, W)``, or ``image_shape`` where X holds them as
    rows of pixels (detect's)."""
    import numpy as np
    import pandas as pd

    from aekit.anomaly.inputs import check_width
    from aekit.anomaly.unseen import explained_rows

    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X).reshape(len(X), -1))
    if not isinstance(X, pd.DataFrame):
        names = list(detector.encoder_.feature_names_in_)
        check_width(frame.shape[1], len(names))  # else pandas' "Length mismatch" below
        frame.columns = names
    shape = image_shape_of(X) if image_shape is None else image_shape
    columns = explained_rows(detector, frame, TOP_FEATURES, shape)
    columns["top_features"] = [";".join(names) for names in columns["top_features"]]
    if y is not None:
        columns["label"] = np.asarray(y)
    values = np.column_stack([np.asarray(v, dtype=object) for v in columns.values()])
    return values, list(columns)


@app.command()
def detect(
    data: Data,
    out: Annotated[Path, typer.Option(help="RUN folder to create.")] = Path("detect-run"),
    contamination: Annotated[
        str,
        typer.Option(
            help="The share of DATA's rows to flag, or 'auto' (no rate needed). New rows score "
            "higher than DATA's own (each its own nearest neighbour, and trained on), so a "
            "rate flags more of them: see the README."
        ),
    ] = "auto",
    threshold: Annotated[
        str,
        typer.Option(
            metavar="RULE", help="contamination, mean_std, pot, or validation (--normal-rows)."
        ),
    ] = "contamination",
    normal_rows: Annotated[
        str | None,
        typer.Option(
            help="Rows known to be normal (a table with DATA's columns), for --threshold "
            "validation: the threshold is the percentile (--param percentile, default 99) of "
            "their scores."
        ),
    ] = None,
    seed: Seed = None,
    normal_label: NormalLabel = None,
    handle_missing: Annotated[  # one flag: '--handle-missing / --no-handle-missing' made the
        # help too wide for rich's panels at 80 columns
        bool, typer.Option("--handle-missing", help="Fill missing values (default: off).")
    ] = False,
    param: Annotated[
        list[str] | None, typer.Option(help="A detector parameter, name=value; repeatable.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing RUN folder.")] = False,
    quiet: Quiet = False,
    label_column: LabelColumn = None,
    labels: LabelsFile = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
    no_data_hash: NoDataHash = False,
    figures: Figures = True,
) -> None:
    """Fit an anomaly detector on DATA; write RUN/model.safetensors, RUN/scores.csv and the
    score histogram (plus ROC and precision-recall curves when DATA has labels)."""
    from aekit.cli.data import data_path

    if data != "digits":  # a mistyped DATA or rate said at once, before torch is imported
        data_path(data)
    rate = contamination if contamination == "auto" else _fraction(contamination)
    import pandas as pd

    from aekit import AnomalyDetector
    from aekit.cli import runs
    from aekit.cli.column_warnings import warn_of_misread_columns
    from aekit.cli.progress import phases
    from aekit.cli.tables import check_no_typos
    from aekit.core import distributed

    check_applies(data, labels, label_column)
    # A setting the threshold rule does not read is warned of by fit (thresholds.
    # warn_unused_options), in the command line's words (aekit.cli.errors).
    params = runs.resolve_params(AnomalyDetector, {}, param or [])
    params = runs.with_options(
        params, contamination=rate, threshold=threshold, handle_missing=handle_missing
    )
    params = seeded(params, seed)
    writes = distributed.rank() == 0  # under torchrun every process fits, rank 0 writes RUN
    taken(data, not no_data_hash)  # DATA's digest before the fit, recorded in RUN
    with runs.claimed_run(out, force) if writes else contextlib.nullcontext() as staging:
        # A large .npy or Parquet DATA stays on disk: fit reads its max_samples rows, and the
        # rows are scored a chunk at a time.
        # an image folder's images resized (--image-size) or read as one channel (--grayscale),
        # as its errors of mixed sizes or modes advise, and recorded for the commands after it
        images = (image_size, bool(grayscale))
        X, y = open_data(data, label_column, None, *images, common.LAZY_BYTES, labels)
        if y is None and normal_label is not None:  # it was accepted and did nothing
            raise ValueError(
                f"--normal-label {normal_label} names a label, but DATA has none: name their "
                "column with --label-column, or give them with --labels FILE."
            )
        if y is not None:  # before the fit, not after it
            check_labels_before_fit(y, normal_label)
        warn_of_misread_columns(X, label_column, data=data)
        shape = recorded_shape(X)  # of DATA's images, before they are rows of pixels
        image_shape = image_shape_of(X)  # None for rows
        X = as_table(X)
        if isinstance(X, pd.DataFrame):
            # a typo or '?' among numbers is refused as train and a large CSV refuse it: the
            # detector alone warns and makes every number of the column its own category
            check_no_typos(X)
        clean = (
            None
            if normal_rows is None
            else _normal_rows(normal_rows, label_column, X, y, normal_label, threshold, images)
        )
        started = runs.Stopwatch()
        with phases("detect", 3, quiet or not writes) as start:
            detector = AnomalyDetector(**params)
            start(f"fitting {detector.n_estimators} autoencoder(s) on {len(X)} rows")
            detector.fit(X, X_normal=clean)
            if not writes:
                return
            start("scoring and explaining every row")
            scores_file = staging / "scores.csv"
            anomaly_scores, flagged = _write_scores(scores_file, detector, X, y, data, image_shape)
            labelled, anomalous = (anomaly_scores, None)  # the rows with a label, and theirs
            if y is not None:
                labelled, anomalous = by_label(anomaly_scores, y, normal_label)
            start("writing the model" + (" and figures" if figures else ""))
            detector.save(staging / runs.MODEL_FILE)
            # evaluate reads the same normal rows, and says which labels detect never saw
            recorded = {
                "label_column": label_column,
                "labels_file": None if labels is None else str(labels),
                "labels": seen_labels(y),
                # the label the rule took, for evaluate to read new rows of these labels by
                "normal_label_by_rule": chosen_normal_label(y, normal_label),
                "image_size": image_size,
                "grayscale": bool(grayscale),
                RECORDED_KEY: shape,  # so that images of another size are said as such
            }
            runs.write_record(staging, detector, data, started, len(X), recorded, normal_label)
            if figures:
                from aekit.cli.run_figures import write_detection_figures

                scored = (anomaly_scores, labelled, anomalous)
                write_detection_figures(staging, detector, X, scored, image_shape)
    if found := _one_hot_groups(detector.encoder_):
        typer.echo(f"one-hot columns modelled as categorical: {found}")
    typer.echo(f"{flagged} of {len(X)} rows flagged (threshold {detector.threshold_:.4g})")
    if flagged == 0 and detector.contamination == "auto":  # "0 flagged" read as "0 anomalies"
        # a rate is read by the contamination rule alone: under another it would do nothing
        rate = "" if detector.threshold == "contamination" else "--threshold contamination "
        typer.echo(
            "  if some are anomalies (many, clustered or subtle ones stay under a threshold "
            f"found without their share), give {rate}--contamination RATE, or rank the rows by "
            "their score (the run's scores.csv)"
        )
    if anomalous is not None:
        flags = labelled > detector.threshold_  # scores.csv's anomaly column
        measured = detection_figures(labelled, anomalous, flags)
        if measured:  # labels all one: a warning said so, and why there are no figures
            typer.echo(label_line(label_column, measured, anomalous, labels_file=labels))
    typer.echo(f"run: {out}")


def _normal_rows(
    path: str,
    label_column: str | None,
    data,
    y=None,
    normal_label=None,
    rule="validation",
    images: tuple = (None, False),
):
    """The rows of ``--normal-rows`` as DATA's rows are read (a label column among them is left
    out, so a labelled file of clean rows serves as it is, and so are the rows it labels
    anomalies, by DATA's normal label ``normal_label`` or the one detect's rule takes of
    DATA's labels ``y``), checked against DATA's columns before any training; its errors name
    the option, not DATA. Under another ``rule`` than validation the rows set nothing (fit
    says so), and nothing is said of their labels or their number."""
    import pandas as pd

    from aekit.cli import columns
    from aekit.cli.common import read_data
    from aekit.data.validation import reject_complex

    try:
        with columns.where_present():  # DATA's id and ignored columns are left out, if there
            X, _ = read_data(path, None, None, *images)  # (image size, grayscale) as DATA's
        reject_complex(X, path)  # the detector's own refusal would call the file X
    except (OSError, ValueError) as err:
        text = str(err).replace(f"DATA {path!r}: ", "").replace(" (or use 'digits')", "")
        text = text.replace("DATA ", "the file ")
        raise ValueError(f"--normal-rows {path}: {text}") from None
    validation = rule == "validation"
    if isinstance(X, pd.DataFrame) and label_column in X.columns:
        labels = X[label_column].to_numpy(dtype=object)
        X = X.drop(columns=label_column)
        if validation:
            named = f"--normal-rows {path}"
            X = _labelled_normal(X, labels, named, label_column, y, normal_label)
    if validation and len(X) < FEW_NORMAL_ROWS:
        warnings.warn(
            f"--normal-rows {path} has {len(X)} rows: the threshold, a high percentile of their "
            "scores, rests on the top one or two of them; give a few hundred normal rows.",
            stacklevel=2,
        )
    columns = list(getattr(data, "columns", []))
    if isinstance(X, pd.DataFrame) and columns and list(X.columns) != columns:
        missing = [c for c in columns if c not in X.columns]
        extra = [c for c in X.columns if c not in columns]
        said = [f"lacks {missing[:10]}"] if missing else []
        said += [f"has {extra[:10]} besides"] if extra else []
        found = " and ".join(said) or "has them in another order"  # ("has [] besides" was said)
        raise ValueError(
            f"--normal-rows {path} must have DATA's columns in DATA's order {columns[:10]}; it "
            f"{found}."
        )
    return as_table(X)


# below this many normal rows a high percentile of their scores is one of the top few
FEW_NORMAL_ROWS = 100


def _labelled_normal(X, labels, named: str, label_column: str, y, normal_label):
    """The rows of X whose label is DATA's normal one (blank labels kept): a test file with
    its anomalies passed as normal rows set a threshold above most of them, unsaid."""
    import numpy as np

    from aekit.cli.anomaly_labels import chosen_normal_label, is_label, labelled_rows

    normal = normal_label if normal_label is not None else chosen_normal_label(y)
    has_label = labelled_rows(labels)
    if normal is None or not has_label.any():
        return X
    # DATA's normal label as written, or the same number (0 and 0.0); a blank label is kept
    anomalous = has_label & np.array([not is_label(str(v), str(normal)) for v in labels])
    if anomalous.all():
        found = ", ".join(sorted({str(v) for v in labels})[:10])
        raise ValueError(
            f"{named}: no row has DATA's normal label {normal!r} in its {label_column} column "
            f"(its labels: {found}); give rows known to be normal."
        )
    if anomalous.any():
        n = int(anomalous.sum())
        warnings.warn(
            f"{named}: {n} of its {len(X)} rows "
            f"{'is labelled an anomaly' if n == 1 else 'are labelled anomalies'} "
            f"by {label_column} (the normal label is {normal!r}): left out, the threshold is "
            f"fitted on the other {int((~anomalous).sum())}.",
            stacklevel=3,
        )
    return X[~anomalous].reset_index(drop=True)


def _one_hot_groups(encoder, shown: int = 3) -> str:
    """The dummy groups the encoder found, as ``a..c (3 columns)``, the first ``shown`` of them."""
    found = [f"{c[0]}..{c[-1]} ({len(c)} columns)" for c in encoder.one_hot_columns_]
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return ", ".join(found[:shown]) + more


def as_table(X):
    """Images as rows of pixels (the detector scores them as columns), on disk or in memory."""
    from aekit.data.lazy import Dataset

    if isinstance(X, Dataset):
        X.reader.row_shape = (X.reader.n_features,)
        return X
    return X.reshape(len(X), -1) if getattr(X, "ndim", 2) > 2 else X


def _write_scores(path: Path, detector, X, y, data: str, image_shape=None):
    """RUN/scores.csv (:func:`detector_table`, DATA's id column first; the pixels of images of
    ``image_shape`` named by place), computed and written a chunk at a time; every row's
    anomaly score (for the figures) and the number of rows flagged."""
    import itertools

    import numpy as np

    from aekit.cli.anomaly_labels import labelled_rows
    from aekit.cli.columns import with_ids
    from aekit.data.writers import write_batches
    from aekit.estimators.streaming import chunks_of

    scores, flagged, columns = [], [0], []
    if y is not None:  # a blank label cell written blank, not as the -1 it is read as (which
        # reads as scikit-learn's anomaly label)
        y = np.where(labelled_rows(y), np.asarray(y, dtype=object), None)

    def tables():
        for part, labels in chunks_of(X, y, estimator=detector):  # memory: one chunk
            values, names = detector_table(detector, part, labels, image_shape)
            columns[:] = names
            scores.append(values[:, 0].astype(float))
            flagged[0] += int(values[:, 1].astype(bool).sum())
            yield values

    chunks, names = with_ids(data, tables(), columns, path)
    first = next(chunks)  # names the columns
    write_batches(path, itertools.chain([first], chunks), len(X), names)
    return np.concatenate(scores), flagged[0]


def _fraction(text: str) -> float:
    """--contamination's rate; a percentage ('5%', or 5) is refused naming the fraction."""
    percent = text.strip().endswith("%")
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        value = -1.0
    if percent or not 0 < value <= 0.5:
        share = value / 100 if percent or 1 <= value <= 50 else None
        meant = f" (a share, not a percentage: {share:g}?)" if share and 0 < share <= 0.5 else ""
        raise ValueError(
            f"--contamination must be 'auto' or a number in (0, 0.5]; got {text!r}{meant}."
        )
    return value
