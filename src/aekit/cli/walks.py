"""``aekit traverse`` and ``aekit manifold``: figures of a VAE's latent space."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    Run,
    a_kind,
    app,
    load_run,
    run_data_options,
)
from aekit.cli.data import parse_ints
from aekit.cli.drawn_rows import DrawnShape, check_drawable, square_shape
from aekit.cli.model_labels import data_label, known_label, labels_option
from aekit.cli.output_formats import FIGURES

Label = Annotated[str | None, typer.Option(help="Label to decode under (ConditionalVAE).")]
Figure = Annotated[Path, typer.Option("-o", "--output", help=f"Figure to write: {FIGURES}.")]


def _image_vae(estimator):
    if not hasattr(estimator, "traverse"):
        raise ValueError(
            f"{type(estimator).__name__} has no latent distribution: train a run with "
            "--model vae or cvae."
        )
    if estimator.image_shape_ is None:
        from aekit.cli.drawn_rows import refuse_sequences

        # a sequence model's rows are no flat rows to reshape; its codes' rows are written so
        refuse_sequences(estimator, "'aekit generate' writes its rows as .npy")
        raise ValueError(
            f"{type(estimator).__name__} was trained on flat rows of {estimator.n_features_in_} "
            "values: pass --image-shape C,H,W to draw them as images (e.g. "
            f"{square_shape(estimator.n_features_in_)})."
        )
    return estimator


def _label(estimator, label: str | None):
    """The model's label for ``--label``, or None: the model says whether it needs one."""
    return None if label is None else known_label(estimator, label)


def _needs_label(estimator):
    return labels_option(f"{a_kind(estimator)} needs --label: the class to decode under.")


def _values(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"--values {text!r} must be numbers separated by commas.") from None
    if not values:
        raise ValueError("--values needs at least one number, e.g. -2,-1,0,1,2.")
    return values


@app.command()
def traverse(
    run: Run,
    data: Data,
    index: Annotated[int, typer.Option(help="Row of DATA whose code is traversed.")] = 0,
    values: Annotated[str, typer.Option(help="Values each unit takes, comma-separated.")] = (
        "-3,-2,-1,0,1,2,3"
    ),
    units: Annotated[int, typer.Option(help="Show the N most informative units (by KL).")] = 10,
    label: Label = None,
    output: Figure = Path("traversal.png"),
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """Latent traversals around one row of DATA: one row of images per latent unit, each
    decoding the row's code with that unit set to each of --values."""
    import numpy as np

    from aekit.cli.drawn_rows import refuse_a_table_as_images
    from aekit.cli.tables import run_encoder
    from aekit.viz.figures import save_figure
    from aekit.viz.generative import latent_traversal

    estimator = load_run(run)
    refuse_a_table_as_images(output, run_encoder(run), figure=True)  # a traversal of images
    y = _label(estimator, label)  # an unknown label said before how the images are drawn
    drawn = None
    if getattr(estimator, "image_shape_", 1) is None and image_shape is not None:
        # a model of flat rows: DATA stays flat rows, and --image-shape draws the decodings
        drawn = _flat_rows_drawn(estimator, image_shape)
        image_shape = None
    else:
        estimator = _image_vae(estimator)
    grid_values = _values(values)
    if units < 1:
        raise ValueError(f"--units {units} must be at least 1.")
    # as in training: the label column left out, the images at the recorded size
    options = run_data_options(run, data, label_column, image_shape, image_size, grayscale)
    from aekit.cli.apply import rows_for_run

    rows, labels = rows_for_run(run, estimator, data, options, {"--index": index})  # that row
    rows = np.asarray(rows)
    if y is None and labels is not None and getattr(estimator, "classes_", None) is not None:
        y = data_label(estimator, labels[0], f"row {index}")  # its own, as interpolate's ends
    kl = estimator.kl_per_unit(rows, None if y is None else [y])
    shown = np.argsort(-kl, kind="stable")[:units]
    with _needs_label(estimator):
        grid = estimator.traverse(rows[0], grid_values, y=y)[shown]
    under = "" if y is None else f", decoded as label {y}"  # a 0 decoded as a 7 is said so
    title = f"row {index}: one latent unit at a time{under}"
    ax = latent_traversal(
        grid, grid_values, [int(u) for u in shown], drawn or estimator.image_shape_, title=title,
        latent_dim=len(kl),
    )  # fmt: skip
    save_figure(ax, output)
    typer.echo(f"{len(shown)} units x {len(grid_values)} values around row {index}: {output}")


def _flat_rows_drawn(estimator, image_shape: str | None) -> tuple[int, ...] | None:
    """The shape ``--image-shape`` draws a model of flat rows in, checked; None for an image
    model (which refuses the option as its own shape is known)."""
    if image_shape is None:
        return None
    if not hasattr(estimator, "traverse"):
        _image_vae(estimator)  # says which models have a latent distribution
    if estimator.image_shape_ is not None:
        raise ValueError(
            f"--image-shape {image_shape}: {type(estimator).__name__} makes images of its own "
            "shape; leave --image-shape out."
        )
    drawn = parse_ints(image_shape, 3, "--image-shape")
    check_drawable(drawn, image_shape, estimator.n_features_in_, "model's")
    return drawn


MAX_SIDE = 100  # manifold's -n: 10,000 images, a figure of 2,800 x 2,800 pixels of 28 x 28 ones


@app.command()
def manifold(
    run: Run,
    n: Annotated[
        int, typer.Option("-n", help=f"Images per side of the grid, 2 to {MAX_SIDE}.")
    ] = 12,
    label: Label = None,
    output: Figure = Path("manifold.png"),
    image_shape: DrawnShape = None,
) -> None:
    """The learned 2-D manifold of a VAE with latent_dim 2: an n x n grid of codes at the
    prior's quantiles, decoded."""
    from aekit.viz.figures import save_figure
    from aekit.viz.generative import latent_manifold

    if not 2 <= n <= MAX_SIDE:  # n = 100,000 asked numpy for 74.5 GiB, with a traceback
        raise ValueError(f"-n {n}: the grid takes 2 to {MAX_SIDE} images per side.")
    estimator = load_run(run)
    if not hasattr(estimator, "traverse"):
        _image_vae(estimator)  # says which models have a latent distribution
    # the grid first: a code that is not 2-D stops the command, said before how its images
    # would be drawn (--image-shape)
    with _needs_label(estimator):
        grid = estimator.manifold_grid(n, y=_label(estimator, label))
    drawn = _flat_rows_drawn(estimator, image_shape)
    if drawn is None:
        estimator = _image_vae(estimator)
    shape = drawn or estimator.image_shape_
    save_figure(latent_manifold(grid, shape, title="2-D latent manifold"), output)
    typer.echo(f"{n} x {n} manifold: {output}")
