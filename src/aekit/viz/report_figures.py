"""The figures of a run: :func:`write_figures` draws those that apply to a fitted estimator into
``RUN/figures/`` (the HTML page of :mod:`aekit.viz.report` embeds them). Every figure is drawn
from one view of the training data (``_Data``: a subsample, its codes and reconstructions), so
the model is run once for all of them; a figure that does not apply returns None.
"""

from __future__ import annotations

import numbers
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from aekit.viz import denoising
from aekit.viz import plots as plotting
from aekit.viz.figures import glyphs_said_once, new_figure, save_figure
from aekit.viz.notebook_figures import drawn_for_files
from aekit.viz.report_generative import figure_manifold, figure_traversal

_N_IMAGES, _N_SAMPLES, _N_STEPS = 16, 40, 8  # reconstructed, sampled, interpolated images
_MAX_CLASSES = 20  # rows of samples.png for a ConditionalVAE (10 samples each)


def _rows(values: Any, index: np.ndarray) -> Any:
    """``values[index]`` for a DataFrame / Series (kept as such), tensor, array or list."""
    if hasattr(values, "iloc"):
        return values.iloc[index]
    return np.asarray(values.detach().cpu() if hasattr(values, "detach") else values)[index]


def _spread(labels: np.ndarray | None, k: int) -> np.ndarray:
    """Indices of ``k`` rows, taking the classes in turn when there are labels."""
    if labels is None:
        return np.arange(k)
    _, inverse = np.unique(labels, return_inverse=True)
    rank = np.empty(len(labels), dtype=np.int64)
    for c in range(inverse.max() + 1):
        rank[inverse == c] = np.arange(np.sum(inverse == c))
    return np.lexsort((inverse, rank))[:k]


def _conditioning_labels(estimator: Any, X: Any, labels: np.ndarray | None) -> np.ndarray | None:
    """The labels a model that learned some (``classes_``: a ConditionalVAE) conditions the rows
    on: the given ones, rows without a known label (-1: unlabelled) taking the predicted one.
    None for a model without labels: the user's labels then only colour the figures."""
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        return None
    known = None if labels is None else np.isin(labels, classes)
    if known is not None and known.all():
        return labels
    predicted = np.asarray(estimator.predict(X))
    return predicted if known is None else np.where(known, labels, predicted)


class _Data:
    """A random subsample of the training data and the estimator's view of it: ``flat`` rows,
    labels for colouring (``colour``: the user's) and conditioning (``cond``: those a
    ConditionalVAE conditions on, given or predicted; None for other models), codes ``Z`` and
    reconstructions ``X_hat``. Every model is called with ``cond`` as its ``y``."""

    def __init__(
        self, estimator: Any, X: Any, y: Any, max_rows: int, random_state: int,
        feature_names: Any = None,
    ) -> None:  # fmt: skip
        rng = np.random.default_rng(random_state)
        index = np.sort(rng.choice(len(X), size=min(len(X), max_rows), replace=False))
        self.index = index  # the rows of X drawn, in order
        X = _rows(X, index)  # a DataFrame stays one, so the estimator sees its column names
        # a network inside a public estimator is titled as that one (a SemanticHasher's
        # figures said "BinaryAutoencoder", which no user made)
        self.estimator = estimator
        self.name = getattr(estimator, "_shown_name", type(estimator).__name__)
        names = getattr(estimator, "feature_names_in_", None)
        names = names if feature_names is None else feature_names
        self.features = None if names is None else [str(v) for v in names]
        self.flat = np.asarray(X, dtype=np.float64).reshape(len(index), -1)
        self.colour = None if y is None else np.asarray(_rows(y, index)).ravel()
        self.cond = _conditioning_labels(estimator, X, self.colour)
        self.Z = np.asarray(estimator.transform(X, self.cond))
        self.X_hat = self.decode(self.Z, self.cond).astype(np.float64).reshape(len(index), -1)
        shape = getattr(estimator, "image_shape_", None)
        self.image_shape = None if shape is None else tuple(int(v) for v in shape)
        self.low, self.high = float(self.flat.min()), float(self.flat.max())
        self.units: str | None = None  # what a table's values are, said on its axes

    def decode(self, Z: np.ndarray, labels: Any) -> np.ndarray:
        """``inverse_transform`` under ``labels`` (ignored by models without labels)."""
        return np.asarray(self.estimator.inverse_transform(Z, labels))

    def images(self, rows: np.ndarray) -> np.ndarray:
        """Rows as (n, C, H, W) on [0, 1], scaled like the training data when it is not."""
        rows = np.asarray(rows, dtype=np.float32).reshape(len(rows), *self.image_shape)
        if self.low < 0 or self.high > 1:
            rows = (rows - self.low) / max(self.high - self.low, 1e-12)
        return rows


def _figure_loss(data: _Data):
    history = dict(getattr(data.estimator, "history_", None) or {})
    if not history:
        return None
    # The loss on its own scale, and beside it its terms when it has more than one.
    loss = {k: history.pop(k) for k in ("loss", "val_loss") if k in history}
    split = bool(loss) and len({k.removeprefix("val_") for k in history}) >= 2
    panels = [(loss, "loss"), (history, "its terms")] if split else [({**loss, **history}, "")]
    fig = new_figure((6.4 * len(panels), 4.2))
    axes = fig.subplots(1, len(panels), squeeze=False)
    for ax, (part, what) in zip(axes[0], panels):
        plotting.loss_curves(part, ax=ax, title=f"{data.name}: {what or 'objective'} per epoch")
    return fig


def _figure_reconstructions(data: _Data):
    if data.image_shape is not None:
        pick = _spread(data.colour, min(_N_IMAGES, len(data.flat)))
        originals, reconstructions = data.images(data.flat[pick]), data.images(data.X_hat[pick])
        title = f"{data.name}: training inputs and their reconstructions"
        return plotting.reconstruction_grid(
            originals, reconstructions, image_shape=data.image_shape, title=title
        ).figure
    shape = getattr(data.estimator, "sequence_shape_", None)
    if shape is not None:  # a beat over its reconstruction, not its first steps as features
        from aekit.viz.sequences import sequence_reconstructions

        pick = _spread(data.colour, min(6, len(data.flat)))
        titles = [  # the row of the training data, as the other figures' sample names it
            f"row {data.index[i]}" + ("" if data.colour is None else f" ({data.colour[i]})")
            for i in pick
        ]
        axes = sequence_reconstructions(data.flat[pick], data.X_hat[pick], shape, titles=titles)
        axes[0].figure.suptitle(
            f"{data.name}: training sequences (solid) and their reconstructions (dashed)", y=1.02
        )
        return axes[0].figure
    d = data.flat.shape[1]
    # an encoded table's columns all vary alike (standardized): the worst reconstructed say
    # most; of raw rows (an image's pixels), those that vary most (lowest R² picked its blank
    # border pixels)
    worst = _worst_reconstructed(data.flat, data.X_hat, _N_FEATURES) if data.units else None
    axes = plotting.feature_reconstructions(
        data.flat, data.X_hat, feature_names=data.features, units=data.units, features=worst
    )
    chosen = "it reconstructs worst (lowest R²)" if worst is not None else "that vary most"
    shown = f"the {len(axes)} of {d} features {chosen}" if d > len(axes) else "every feature"
    axes[0].figure.suptitle(f"{data.name}: reconstruction of {shown}", y=1.02)
    return axes[0].figure


_N_FEATURES = 8  # panels of a table's reconstruction figure


def _worst_reconstructed(X: np.ndarray, X_hat: np.ndarray, k: int) -> list[int]:
    """The ``k`` features of lowest R² (1 - squared error / variance: unit-free, where the
    variance of a standardized table's columns, all 1, chose among ties), in column order; a
    constant feature, of no R², last. Every feature where there are at most ``k``."""
    if X.shape[1] <= k:
        return list(range(X.shape[1]))
    variance = X.var(axis=0)
    error = np.mean((X - X_hat) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(variance > 0, 1 - error / variance, np.inf)
    r2 = np.where(np.isnan(r2), -np.inf, r2)  # a NaN reconstruction is the worst of all
    return sorted(np.argsort(r2, kind="stable")[:k].tolist())


def _figure_latent(data: _Data):
    given = "" if data.cond is None else " given their labels"
    title = f"{data.name}: codes of {len(data.Z)} training rows{given}"
    colour = data.colour
    if colour is not None and getattr(data.estimator, "classes_", None) is not None:
        colour = _unlabelled_named(colour)
        unlabelled = np.array([v is None for v in colour])
        if unlabelled.any():  # coded under the label it predicts: coloured by it too (a few
            # labels drew the figure grey but for a dot in ten)
            colour = np.where(unlabelled, data.cond, colour)
            title += f" ({int(unlabelled.sum())} unlabelled: the label it predicts)"
    return plotting.latent_scatter(data.Z, colour, title=title).figure


def _unlabelled_named(labels: np.ndarray) -> np.ndarray:
    """The unlabelled rows of few-label training (-1 or None) as None, which latent_scatter
    draws grey as 'unlabelled'."""
    marks = [v is None or (isinstance(v, numbers.Number) and v == -1) for v in labels]
    if not any(marks):
        return labels
    return np.array([None if m else v for v, m in zip(labels, marks, strict=True)], dtype=object)


def _figure_samples(data: _Data):
    estimator, n = data.estimator, len(data.flat)
    if not hasattr(estimator, "sample") or (data.image_shape is None and data.flat.shape[1] < 2):
        return None
    if getattr(estimator, "sequence_shape_", None) is not None:
        return _sequence_samples(data)  # beats as lines: a scatter of two steps said little
    if data.image_shape is None:  # tables: real against generated rows, same labels
        # drawn from p(x|z) for Gaussian columns, as synthetic rows are (the decoder's means
        # lay on a line beside the data, as if the VAE had collapsed); a Bernoulli model's
        # draws are 0s and 1s (the corners), its means the probabilities
        drawn = getattr(estimator, "likelihood_", None) == "gaussian"
        generated = estimator.sample(n, y=data.cond, random_state=0, draw_x=drawn)
        kind = "drawn from p(x|z)" if drawn else "the decoder's means"
        title = f"{data.name}: {n} real and {n} generated rows ({kind})"
        ax = plotting.real_vs_generated(data.flat, generated, None, data.features, title=title)
        return ax.figure
    if data.cond is None:  # no labels to give each row of images
        samples = data.images(estimator.sample(_N_SAMPLES, random_state=0))
        title = f"{data.name}: samples"
        return plotting.image_grid(samples, 10, title=title, image_shape=data.image_shape).figure
    classes = estimator.classes_[:_MAX_CLASSES]
    samples = estimator.sample(len(classes) * 10, y=np.repeat(classes, 10), random_state=0)
    more = f" (first {_MAX_CLASSES})" if len(estimator.classes_) > _MAX_CLASSES else ""
    title = f"{data.name} samples: one row per label{more}"
    labels = [str(c) for c in classes]
    images = data.images(samples)
    return plotting.image_grid(images, 10, labels, title=title, image_shape=data.image_shape).figure


def _sequence_samples(data: _Data):
    """A sequence model's samples (the decoder's means) as lines, dashed, over training rows."""
    from aekit.viz.sequences import sequence_reconstructions

    k = min(6, len(data.flat))
    labels = None if data.cond is None else data.cond[:k]
    generated = data.estimator.sample(k, y=labels, random_state=0)
    titles = [f"row {i}, sample {i}" for i in range(k)]
    names = ("training row", "sample")
    shape = data.estimator.sequence_shape_
    axes = sequence_reconstructions(data.flat[:k], generated, shape, titles=titles, names=names)
    means = "samples (dashed: the decoder's means) beside training rows"
    axes[0].figure.suptitle(f"{data.name}: {means}")
    return axes[0].figure


def _figure_interpolation(data: _Data):
    if not hasattr(data.estimator, "sample") or data.image_shape is None or len(data.flat) < 2:
        return None
    rows, label = np.arange(len(data.flat)), None
    if data.cond is not None:  # rows of one label, decoded under that label
        values, counts = np.unique(data.cond, return_counts=True)
        if counts.max() < 2:
            return None
        label = values[np.argmax(counts)]
        rows = np.flatnonzero(data.cond == label)
    rows = rows[:50]  # of these, the two codes farthest apart: the most telling line
    distance = np.sum((data.Z[rows, None] - data.Z[None, rows]) ** 2, axis=-1)
    a, b = rows[list(np.unravel_index(np.argmax(distance), distance.shape))]
    t = np.linspace(0, 1, _N_STEPS)[:, None]
    decoded = data.decode((1 - t) * data.Z[a] + t * data.Z[b], label)
    strip = data.images(np.concatenate([data.flat[[a]], decoded.reshape(_N_STEPS, -1),
                                        data.flat[[b]]]))  # fmt: skip
    tiles = ["input a", "t=0"] + [""] * (_N_STEPS - 2) + ["t=1", "input b"]
    under = f", label {label}" if label is not None else ""
    title = f"{data.name}: decoded (1-t)·μ(a) + t·μ(b){under}"
    return plotting.interpolation_strip(
        strip, image_shape=data.image_shape, tile_labels=tiles, title=title
    ).figure


# file name -> what draws it (None where it does not apply); the report page keeps this order
FIGURES = {
    "loss_curves.png": _figure_loss,
    "reconstructions.png": _figure_reconstructions,
    "latent.png": _figure_latent,
    "samples.png": _figure_samples,
    "interpolation.png": _figure_interpolation,
    "denoising.png": denoising.run_figure,
    "traversal.png": figure_traversal,
    "manifold.png": figure_manifold,
}


def write_figures(
    run_dir: str | os.PathLike, estimator: Any, X: Any, y: Any = None, *, max_rows: int = 300,
    random_state: int = 0, feature_names: Any = None, units: str | None = None,
) -> list[Path]:  # fmt: skip
    """Draw the figures that apply to a fitted estimator into ``run_dir / "figures"``.

    ``loss_curves.png`` (``history_``); ``reconstructions.png`` (images: inputs over their
    reconstructions; tables: true against reconstructed per feature); ``latent.png`` (codes in
    2-D, coloured by ``y``); for variational models ``samples.png`` (one row per label for a
    ConditionalVAE; tables: real against generated rows) and, for images,
    ``interpolation.png`` (a line between two codes, decoded), ``traversal.png`` (one latent
    unit at a time) and, when ``latent_dim == 2``, ``manifold.png``.

    Parameters
    ----------
    run_dir : path
        The run folder (``figures/`` is created in it).
    estimator : fitted aekit estimator
        The fitted model whose figures are drawn; those that do not apply to it are left out.
    X : array-like or DataFrame
        The training data as given to ``fit``; ``max_rows`` random rows of it are used.
    y : array-like of shape (n_samples,), default=None
        Labels: colour the latent plot and condition a ConditionalVAE (whose own predictions
        are used when None).
    max_rows, random_state : int, default=300, 0
        Size and seed of the subsample.
    feature_names : sequence of str, default=None
        The names of X's columns in the figures of a table, for an X without them (the
        encoded matrix of a table with text columns: ``TabularEncoder.get_feature_names_out()``);
        None: the estimator's ``feature_names_in_``, else ``x0, x1, ...``.
    units : str, default=None
        What X's values are, said on the axes of a table's reconstructions (e.g. the encoded
        matrix's "standardized"); None: nothing said.

    Returns
    -------
    paths : list of Path
        The PNG files written; a figure that fails is left out with a ``RuntimeWarning``.
    """
    folder = Path(run_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    data = _Data(estimator, X, y, max_rows, random_state, feature_names)
    data.units = units
    written = []
    for name, draw in FIGURES.items():
        try:
            # drawn for the files alone: in a notebook, not shown in the cell too
            with glyphs_said_once(name), drawn_for_files():  # text warns, a line a glyph
                fig = draw(data)
            if fig is not None:
                written.append(save_figure(fig, folder / name, dpi=110))
        except Exception as err:  # one broken figure must not cost the others (or the run)
            message = f"aekit.viz.report: {name} not drawn: {type(err).__name__}: {err}"
            warnings.warn(message, RuntimeWarning, stacklevel=2)
    return written
