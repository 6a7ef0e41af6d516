"""Run reports: the figures of a fitted model, and one self-contained HTML page per run folder.

A run folder (``aekit train DATA --out RUN``) holds ``model.safetensors``, ``config.toml``,
``metrics.csv``, ``command.txt`` and ``figures/*.png``. :func:`write_figures` draws the figures
that apply to a fitted estimator; :func:`write_report` gathers whatever the folder holds into
``RUN/report.html``, every figure embedded, so the page needs no other file and no network.
"""

from __future__ import annotations

import base64
import csv
import functools
import numbers
import os
import tomllib
import warnings
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from aekit.io.atomic import atomic_write
from aekit.viz import denoising
from aekit.viz import plots as plotting
from aekit.viz.figures import new_figure, save_figure
from aekit.viz.report_generative import figure_manifold, figure_traversal
from aekit.viz.report_style import CSS

__all__ = ["write_figures", "write_report"]

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
        X = _rows(X, index)  # a DataFrame stays one, so the estimator sees its column names
        self.estimator, self.name = estimator, type(estimator).__name__
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
    axes = plotting.feature_reconstructions(data.flat, data.X_hat, feature_names=data.features)
    d = data.flat.shape[1]
    shown = f"the first {len(axes)} of {d} features" if d > len(axes) else "every feature"
    axes[0].figure.suptitle(f"{data.name}: reconstruction of {shown}", y=1.02)
    return axes[0].figure


def _figure_latent(data: _Data):
    given = "" if data.cond is None else " given their labels"
    title = f"{data.name}: codes of {len(data.Z)} training rows{given}"
    colour = data.colour
    if colour is not None and getattr(data.estimator, "classes_", None) is not None:
        colour = _unlabelled_named(colour)
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
    if data.image_shape is None:  # tables: real against generated rows, same labels
        generated = estimator.sample(n, y=data.cond, random_state=0)  # same labels, if any
        title = f"{data.name}: {n} real and {n} generated rows"
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


_FIGURES = {
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
    random_state: int = 0, feature_names: Any = None,
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

    Returns
    -------
    paths : list of Path
        The PNG files written; a figure that fails is left out with a ``RuntimeWarning``.
    """
    folder = Path(run_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    data = _Data(estimator, X, y, max_rows, random_state, feature_names)
    written = []
    for name, draw in _FIGURES.items():
        try:
            fig = draw(data)
            if fig is not None:
                written.append(save_figure(fig, folder / name, dpi=110))
        except Exception as err:  # one broken figure must not cost the others (or the run)
            message = f"aekit.viz.report: {name} not drawn: {type(err).__name__}: {err}"
            warnings.warn(message, RuntimeWarning, stacklevel=2)
    return written


# ---- the HTML page --------------------------------------------------------------------------
_CAPTIONS = {
    "loss_curves.png": "The objective per epoch (nats per row): training solid, validation dashed.",
    "reconstructions.png": "Training data against its reconstruction through the bottleneck.",
    "latent.png": "Codes of training rows in 2-D (principal components for wider codes).",
    "samples.png": "New data generated by the model.",
    "interpolation.png": "Decoded points on the line between two training inputs' codes.",
    "denoising.png": "Training images under the model's noise, denoised, and clean.",
    "traversal.png": "One latent unit varied at a time (most informative units first).",
    "manifold.png": "Codes on a grid at the prior's quantiles, decoded.",
}


def _float(text: str | None) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def _number(text: str | None) -> str:
    return f"{_float(text):.5g}" if _float(text) == _float(text) else (text or "–")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    return "[" + ", ".join(map(_value, v)) + "]" if isinstance(v, list) else str(v)


def _metrics(rows: list[dict[str, str]]) -> dict[str, Any]:
    """The last row of metrics.csv: one table row per term, training and validation side by
    side, and a note on the epoch and the best validation loss."""
    last = rows[-1]
    columns = [c for c in last if c and c != "epoch"]
    terms = [c for c in columns if not c.startswith("val_")]
    terms += [c[4:] for c in columns if c.startswith("val_") and c[4:] not in terms]
    has_val = any(c.startswith("val_") for c in columns)
    table = [[t, _number(last.get(t)), *([_number(last.get(f"val_{t}"))] * has_val)] for t in terms]
    note = f"Epoch {last.get('epoch') or len(rows)}, the last of {len(rows)} recorded."
    val = [(_float(r.get("val_loss")), r.get("epoch") or k + 1) for k, r in enumerate(rows)]
    if val := [v for v in val if v[0] == v[0]]:  # not NaN
        note += " Best validation loss {:.5g} at epoch {}.".format(*min(val))
    return {"note": note, "head": ["term", "training", *(["validation"] * has_val)], "rows": table}


def _params(config: dict) -> dict[str, Any]:
    """config.toml as tables: its top-level keys, then one table per section (sub-sections
    flattened to dotted keys)."""

    def flat(table: dict, prefix: str = "") -> list[list[str]]:
        return [
            row
            for key, v in table.items()
            for row in (
                flat(v, f"{prefix}{key}.") if isinstance(v, dict) else [[prefix + key, _value(v)]]
            )
        ]

    top = [[k, _value(v)] for k, v in config.items() if not isinstance(v, dict)]
    tables = [(k, flat(v)) for k, v in config.items() if isinstance(v, dict)]
    return {"top": top, "tables": tables}


def _model_class(config: dict) -> str | None:
    model = config.get("model")
    for source in (model if isinstance(model, dict) else {}, config):
        for key in ("class", "name", "kind", "estimator"):
            if isinstance(source.get(key), str):
                return source[key]
    return model if isinstance(model, str) else None


def _embedded(path: Path) -> dict[str, str | None]:
    """A figure for the page: its PNG as base64 (None for a file that is not a PNG)."""
    data = path.read_bytes()
    png = data.startswith(b"\x89PNG\r\n\x1a\n")
    return {
        "name": path.name,
        "stem": path.stem,
        "caption": _CAPTIONS.get(path.name, path.stem.replace("_", " ").capitalize() + "."),
        "png": base64.b64encode(data).decode("ascii") if png else None,
    }


@functools.cache
def _template() -> jinja2.Template:
    # Autoescaping everywhere: a run folder's text (a config value, the command) is never markup.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("aekit.viz"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("report.html")


def write_report(run_dir: str | os.PathLike) -> Path:
    """Write ``run_dir / "report.html"`` (atomically): one self-contained page with the model
    class, the final training and validation metrics (last row of ``metrics.csv``), the
    parameters (``config.toml``), the command that reproduces the run (``command.txt``) and
    every ``figures/*.png`` embedded as base64 data. Sections whose files are missing or
    unreadable are left out, and a note names those files. Returns the report's path.
    """
    from aekit._version import __version__

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise FileNotFoundError(f"run folder {run_dir} does not exist.")
    names = ["config.toml", "metrics.csv", "command.txt", "model.safetensors", "figures/"]
    missing = [n for n in names if not (run_dir / n).exists()]
    notes = [f"Not in this run folder: {', '.join(missing)}."] if missing else []
    config, rows, command = {}, [], ""
    try:
        if (run_dir / "config.toml").is_file():
            config = tomllib.loads((run_dir / "config.toml").read_text(encoding="utf-8"))
    except ValueError as err:  # not TOML, or not UTF-8
        notes.append(f"config.toml not shown: {err}")
    try:
        if (run_dir / "metrics.csv").is_file():
            with (run_dir / "metrics.csv").open(newline="", encoding="utf-8") as handle:
                rows = [row for row in csv.DictReader(handle) if any(row.values())]
    except (csv.Error, ValueError) as err:
        notes.append(f"metrics.csv not shown: {err}")
    if (run_dir / "command.txt").is_file():
        command = (run_dir / "command.txt").read_text(encoding="utf-8", errors="replace").strip()
    order = list(_FIGURES)
    figures = sorted(
        (run_dir / "figures").glob("*.png"),
        key=lambda p: (order.index(p.name) if p.name in order else len(order), p.name),
    )
    meta = f"aekit {__version__} · run folder {run_dir.resolve().name}"
    if (model := run_dir / "model.safetensors").is_file():
        meta += f" · model.safetensors {model.stat().st_size / 1e6:.2f} MB"
    page = _template().render(
        name=_model_class(config) or "aekit run",
        meta=meta,
        notes=notes,
        css=CSS,
        metrics=_metrics(rows) if rows else None,
        params=_params(config) if config else None,
        command=command,
        figures=[_embedded(path) for path in figures],
    )
    atomic_write(run_dir / "report.html", lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    return run_dir / "report.html"
