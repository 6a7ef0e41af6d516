"""``aekit evaluate RUN DATA``: how well the model explains DATA, read a chunk at a time.

Every figure is a mean over rows, so each chunk adds its sums and the JSON divides at the end:
memory holds one chunk whatever DATA's size (a large ``.npy`` or Parquet DATA is never read
whole). The number of active units needs the variance of each unit's posterior mean over every
row; the chunks' moments are merged by Chan et al.'s update
(:func:`aekit.data.row_stats.merge_moments`). With one chunk (up to 65,536 rows, fewer for wide
rows) the figures are those of the methods on all rows at once; with several they differ by
float64 rounding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    NormalLabel,
    Quiet,
    Run,
    a_kind,
    app,
    load_run,
    recorded_labels,
    recorded_normal_label,
    recorded_rule_label,
    run_data_options,
    warn_of_unknown_labels,
)
from aekit.cli.data import load_data, open_data
from aekit.cli.detection_figures import (
    labelled_detection_figures,
    warn_of_a_threshold_above_the_anomalies,
    warn_of_labels_not_seen,
)
from aekit.cli.evaluate_labels import is_detector, ranks_by_error, warn_of_unused_label_options
from aekit.cli.label_options import LabelsFile, check_applies
from aekit.cli.series_gaps import FillGaps, fill_gaps
from aekit.io.text import write_utf8

ACTIVITY_THRESHOLD = 0.01  # Burda et al.'s, as GenerativeMixin.active_units


class Sums:
    """Running sums of the evaluation's per-row figures over chunks."""

    def __init__(
        self,
        variational: bool,
        n_samples: int,
        normal: tuple = (None, None, None, None),
        asked: bool = False,
    ) -> None:
        self.variational, self.n_samples = variational, n_samples
        # labels typed in this call: a plain autoencoder's error is judged by them alone (a
        # digits run's classes, or a RUN's recorded target column, are no anomaly labels)
        self.asked = asked
        # (--normal-label, the one RUN recorded, its labels, its rule's label): as_anomaly
        self.normal = normal
        self.rows, self.score, self.elbo, self.nll = 0, 0.0, 0.0, 0.0
        # (n, mean, M2) of the per-row score and NLL, for their means' standard errors
        self.score_spread: tuple | None = None
        self.nll_spread: tuple | None = None
        self.unseen = 0  # a detector's rows holding a category never seen in training
        self.kl: Any = 0.0
        self.moments: tuple | None = None  # (n, mean, M2) of the posterior means, per unit
        self.detector = False
        # per-row scores (an autoencoder's: minus its reconstruction error), kept given labels
        self.scores: list = []
        self.labels: list = []
        self.flags: list = []  # a detector's flags of those rows (its predict), if it flags
        self.threshold: float | None = None  # on the anomaly score, where one flags
        self.flagged = 0  # of every row, labelled or not (an unseen category's included)
        self.flags_said = False  # whether the detector flags (a threshold or its likelihood)
        self.rule: str | None = None  # the detector's threshold rule ("auto", "mean_std", ...)
        # a ConditionalVAE's rows scored given their labels (log p(x | y)); the rest, labels
        # summed out (log p(x)); None for a model without labels
        self.labelled_rows: int | None = None
        # its classification of those rows (predict) and the labels it never learned, whose
        # rows are scored as unlabelled (as aekit predict leaves them out of its accuracy)
        self.correct, self.unknown_labels = 0, []

    def add(self, estimator, X, y) -> None:
        import numpy as np

        from aekit.data.row_stats import merge_moments

        rows = len(X)
        self.rows += rows
        if not self.variational:
            if not is_detector(estimator):
                scores = estimator.score_samples(X, y)
                if y is not None and self.asked and ranks_by_error(estimator):  # as a detector's
                    self.scores.append(-estimator.reconstruction_error(X))  # lower = anomalous
                    self.labels.append(np.asarray(y))
            else:  # a detector: its score needs no label; labels, if any, are the truth
                from aekit.anomaly.unseen import scores_with_unseen
                from aekit.cli.anomaly import as_table

                X = as_table(X)  # images as rows of pixels, as detect fitted on them
                scores = scores_with_unseen(estimator, X)  # -inf: an unseen category
                self.detector = True
                self.rule = getattr(estimator, "threshold", None)
                flags = self._flags(estimator, X, scores)
                if flags is not None:  # said with or without labels: on normal rows, false alarms
                    self.flagged += int(np.count_nonzero(flags))
                    self.flags_said = True
                if y is not None:
                    self.scores.append(scores)
                    self.labels.append(np.asarray(y))
                    self.flags.append(flags)
                unseen = np.isneginf(scores)
                self.unseen += int(unseen.sum())
                scores = scores[~unseen]  # the means are over the rows the model can score
            self.score += float(scores.sum())
            self.score_spread = _merged_spread(self.score_spread, scores)
            return
        # A VAE's score is its ELBO (score_samples, n_draws draws common to every row); the elbo
        # figure beside the NLL comes from the NLL's own k draws, so it never exceeds -NLL
        if getattr(estimator, "classes_", None) is not None:
            y = self._classify(estimator, X, y)
        scores = estimator.elbo(X, y)
        self.score += float(scores.sum())
        self.score_spread = _merged_spread(self.score_spread, scores)
        self.elbo += float(estimator.elbo_estimate(X, y, n_samples=self.n_samples).sum())
        nll = -estimator.log_likelihood(X, y, n_samples=self.n_samples)
        self.nll += float(nll.sum())
        self.nll_spread = _merged_spread(self.nll_spread, nll)
        self.kl = self.kl + estimator.kl_per_unit(X, y) * rows
        codes = estimator.transform(X, y).astype(np.float64)  # the posterior means
        mean = codes.mean(axis=0)
        part = (np.full(len(mean), float(rows)), mean, ((codes - mean) ** 2).sum(axis=0))
        self.moments = part if self.moments is None else merge_moments(self.moments, part)

    def _classify(self, estimator, X, y):
        """A ConditionalVAE's labels of DATA: rows of a label it never learned marked
        unlabelled (kept to be warned of), the others counted and classified; returns y."""
        import numpy as np

        from aekit.cli.model_labels import sorted_by_known

        self.labelled_rows = self.labelled_rows or 0
        if y is None:
            return None
        y, known, unseen = sorted_by_known(y, estimator.classes_)
        self.unknown_labels.append(y[unseen])
        y[unseen] = None  # scored with the label summed out, log p(x)
        if known.any():
            predicted = estimator.predict(X[known])
            self.correct += int(np.sum(predicted == np.asarray(y[known].tolist())))
        self.labelled_rows += int(known.sum())
        return y

    def _flags(self, estimator, X, scores):
        """The rows the detector flags: score_samples below its ``offset_`` (the threshold);
        a series flagged by its anomaly likelihood (``threshold="likelihood"``) has no line on
        the score, so its own ``predict`` says (a series is evaluated whole)."""
        if getattr(estimator, "threshold", None) == "likelihood":
            return estimator.predict(X) == -1
        offset = getattr(estimator, "offset_", None)
        if offset is None:
            return None
        self.threshold = -float(offset)  # anomaly score = -score_samples
        return scores < offset

    def result(self) -> dict[str, Any]:
        scored = self.rows - self.unseen
        out: dict[str, Any] = {"mean_score": self.score / scored if scored else None}
        if scored > 1:  # how far the mean would move with other rows of the same data
            out["mean_score_standard_error"] = standard_error(self.score_spread)
        if self.detector:  # also in scores.csv's sign: higher = more anomalous
            out["mean_anomaly_score"] = -self.score / scored if scored else None
        if self.unseen:  # scored inf, as aekit score does; left out of the means above
            out["rows_with_unseen_category"] = self.unseen
        if self.labels:
            if not self.detector:  # an autoencoder's: ranked by reconstruction error, no flags
                out["ranked_by"] = "reconstruction_error"
            flags = None if not self.detector or any(f is None for f in self.flags) else self.flags
            out.update(
                labelled_detection_figures(
                    self.scores, self.labels, *self.normal, flags, self.threshold
                )
            )
            # (the likelihood rule flags starts alone; anomalies alone have no ranking)
            if {"roc_auc", "recall"} <= set(out) and self.rule != "likelihood":
                warn_of_a_threshold_above_the_anomalies(out, self.rule)
        if self.detector and self.flags_said:  # labelled or not, one class or two
            if self.threshold is not None:  # a series flagged by likelihood has no score line
                out["threshold"] = self.threshold
            out["flagged"] = self.flagged
        if self.variational:
            n, _, m2 = self.moments
            activity = m2 / n  # A_j = Cov_x(E_q[z_j]), Burda et al. 2015, sec. 5.2
            out.update(
                elbo=self.elbo / self.rows,
                nll=self.nll / self.rows,
                nll_standard_error=standard_error(self.nll_spread),
                importance_samples=self.n_samples,
                kl_per_unit=[round(float(v), 4) for v in self.kl / self.rows],
                active_units=int((activity > ACTIVITY_THRESHOLD).sum()),
            )
            if self.labelled_rows is not None:  # the others' labels summed out
                out["rows_given_labels"] = self.labelled_rows
                if self.labelled_rows:  # predict's, on those rows
                    out["accuracy"] = self.correct / self.labelled_rows
        return out


def _merged_spread(spread: tuple | None, values) -> tuple:
    """``(n, mean, M2)`` of the values seen so far and these, merged by Chan et al.'s update
    (exact in float64 however far the mean lies from zero, unlike a sum of squares)."""
    import numpy as np

    from aekit.data.row_stats import merge_moments

    values = np.asarray(values, dtype=np.float64)
    mean = values.mean() if len(values) else 0.0
    part = (float(len(values)), mean, float(((values - mean) ** 2).sum()))
    return part if spread is None else merge_moments(spread, part)


def standard_error(spread: tuple | None) -> float | None:
    """The standard error of a mean from its values' ``(n, mean, M2)``: the sample standard
    deviation (n - 1 in its denominator) over sqrt(n); None under two values."""
    if spread is None or spread[0] < 2:
        return None
    n, _, m2 = spread
    return float((m2 / (n - 1) / n) ** 0.5)


@app.command()
def evaluate(
    run: Run,
    data: Data,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also write JSON.")] = None,
    n_samples: Annotated[
        int,
        typer.Option(help="Importance samples k for a VAE's nll and elbo (not mean_score's)."),
    ] = 100,
    quiet: Quiet = False,
    label_column: LabelColumn = None,
    normal_label: NormalLabel = None,
    labels: LabelsFile = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
    handle_missing: FillGaps = None,
) -> None:
    """Print how well the model explains DATA as JSON: mean score; for VAEs the ELBO, the
    importance-weighted NLL (nats per row), KL per unit and active units; for a detector, its
    threshold and how many rows of DATA it flags (on normal rows: its false alarms), and given
    labels (--label-column) its ROC-AUC and PR-AUC and its flags' precision and recall on the
    labelled rows (normal rows: --normal-label, else the one 'aekit detect --normal-label'
    recorded in RUN); an array DATA's labels come from --labels FILE. A plain autoencoder
    run (aekit train --model ae, sparse, denoising, contractive) given labels has its
    reconstruction error's ROC-AUC and PR-AUC (ranked_by), the normal rows read as a
    detector's. Of a run whose figures take no labels (a VAE's; a ConditionalVAE's take its
    classes, not a normal label) the label options are said to change nothing.

    A VAE's two ELBO figures (nats per row) differ by their draws: mean_score is the mean of
    score_samples (the score 'aekit score' gives each row), the ELBO over the model's n_draws
    draws of the code (16 by default) common to every row, whatever --n-samples; elbo is the
    ELBO from the --n-samples k draws that nll is estimated from (the mean of their log
    importance weights), so elbo <= -nll always, while mean_score may land above -nll. A
    ConditionalVAE's figures are given DATA's labels (log p(x | y)) where it has them and sum
    the labels out (log p(x)) where it has none (or one it never learned, warned of);
    rows_given_labels counts the first, and accuracy is its predict's on those rows.
    mean_score_standard_error and nll_standard_error are their means' standard errors over
    DATA's rows (the rows' standard deviation over the square root of their count): how far
    the figure would move on other rows of the same kind, the yardstick for two models'
    difference (a paired one, on the same rows, is usually smaller)."""
    import json
    import math

    from aekit.cli.progress import phases
    from aekit.cli.tables import encoded, run_encoder
    from aekit.estimators.streaming import chunks_of, default_batch_rows
    from aekit.io.atomic import atomic_write

    if output is not None and output.suffix.lower() != ".json":  # JSON went into e.npy, unsaid
        raise ValueError(f"-o {output}: evaluate writes JSON; name a .json file (eval.json).")
    estimator = load_run(run)
    if not hasattr(estimator, "score_samples"):  # a hasher, a compressor: no score to average
        predicts = hasattr(estimator, "predict")  # a fine-tuned classifier or regressor
        figure = "accuracy" if hasattr(estimator, "classes_") else "R^2"
        raise ValueError(
            f"{run} holds {a_kind(estimator)}, which gives no score per row; 'aekit evaluate' "
            "takes an autoencoder run ('aekit train') or a detector run ('aekit detect', "
            "'aekit detect-series')"
            + (
                f"; for its {figure} on labelled rows: aekit predict {run} DATA -o p.csv."
                if predicts
                else "."
            )
        )
    fill_gaps(estimator, handle_missing, run)
    check_applies(data, labels, label_column)
    # as the run read DATA: its label column, image size and shape
    options = run_data_options(
        run, data, label_column, image_shape, image_size, grayscale, labels
    )  # an array's labels from --labels FILE
    encoder = run_encoder(run)  # text columns are encoded as in training
    series = hasattr(estimator, "time_column")  # scored whole: a point needs its windows
    if series:
        from aekit.cli.large_csv import time_column
        from aekit.cli.series import check_series_column_kept

        with time_column(estimator.time_column):  # a large CSV's copy keeps it as written
            X, y = load_data(data, options)
        check_series_column_kept(data, X, estimator.time_column, "aekit evaluate")
    else:  # read and evaluated a chunk at a time
        X, y = open_data(data, options, text=True)  # text encoded a chunk at a time
    if series:
        batch, parts = len(X), iter([(X, y)])
    else:
        batch = default_batch_rows(X)
        parts = chunks_of(X, y, batch, estimator=estimator)
    variational = hasattr(estimator, "log_likelihood")
    normal = (
        normal_label,
        recorded_normal_label(run),
        recorded_labels(run),
        recorded_rule_label(run),
    )
    typed = {"--label-column": label_column, "--labels": labels, "--normal-label": normal_label}
    sums = Sums(variational, n_samples, normal, any(v is not None for v in typed.values()))
    with phases("evaluate", math.ceil(len(X) / batch), quiet) as start:
        for i, (part, truth) in enumerate(parts):
            start(f"rows {i * batch:,} to {min(len(X), (i + 1) * batch):,}")
            sums.add(estimator, encoded(encoder, part, model=estimator), truth)
    # once DATA was read as the run reads it: an option it refuses is said alone, not after a
    # warning that it changes nothing
    warn_of_unused_label_options(estimator, typed)
    # the figures first: the normal label the rule takes is said there, before it is said to
    # be one detect never saw (the other way round a new user read it backwards)
    result = {"model": type(estimator).__name__, "rows": len(X), **sums.result()}
    warn_of_labels_not_seen(run, sums.labels, sums.normal)
    if sums.unknown_labels:  # a ConditionalVAE's
        import numpy as np

        warn_of_unknown_labels(
            np.concatenate(sums.unknown_labels), estimator.classes_, "the model never learned",
            "scored as unlabelled rows (their label summed out) and left out of the accuracy",
        )  # fmt: skip
    text = json.dumps(result, indent=2)
    if output is not None:
        atomic_write(output, lambda tmp: write_utf8(Path(tmp), text + "\n"))
    typer.echo(text)
