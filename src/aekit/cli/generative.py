"""``aekit generate`` and ``aekit interpolate``: new rows decoded from a generative model's
latent space: samples drawn by its sampler (the prior, or mixtures fitted to the training codes),
or a path between two rows of DATA."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import (
    Data,
    Grayscale,
    ImageSize,
    LabelColumn,
    Run,
    a_kind,
    app,
    load_run,
    recorded_label_name,
    run_data_options,
)
from aekit.cli.drawn_rows import DrawnShape, drawn_shape, write_rows
from aekit.cli.generated_tables import warn_of_table_samples
from aekit.cli.label_options import LabelsFile, check_applies, is_array
from aekit.cli.model_labels import data_label, known_label, labels_option
from aekit.cli.output_formats import formats, is_grid


@app.command()
def generate(
    run: Run,
    n: Annotated[int, typer.Option("-n", help="Number of samples.")] = 64,
    label: Annotated[str | None, typer.Option(help="Label to generate (ConditionalVAE).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help=f"File to write: {formats('generate')}, a grid of the samples (default: "
            "samples.png for an image model or with --image-shape, else samples.csv).",
            show_default=False,
        ),
    ] = None,
    image_shape: DrawnShape = None,
    draw: Annotated[
        bool | None,
        typer.Option(
            "--draw/--mean",
            help="--draw: rows drawn from p(x|z), a table's categories drawn from their "
            "probabilities (synthetic rows); --mean: its expected values (smooth images; the "
            "default).",
            show_default=False,
        ),
    ] = None,
    clip: Annotated[
        bool,
        typer.Option(
            help="A run trained on a table: keep each number within its column's range in "
            "training (a drawn count of at least 0 came back as -4).",
        ),
    ] = False,
    label_prior: Annotated[
        str,
        typer.Option(
            help="How a ConditionalVAE draws the labels without --label: 'uniform' (as many of "
            "each class) or 'fitted' (at the shares of the training labels: synthetic rows "
            "keep the classes' balance).",
        ),
    ] = "uniform",
) -> None:
    """Draw new samples from a VAE (or of one label from a ConditionalVAE)."""
    from aekit.cli.outputs import check_file

    chosen, draw = draw is not None, bool(draw)  # --mean typed: its warning is not said

    estimator = load_run(run)
    if not hasattr(estimator, "sample"):
        raise ValueError(f"{type(estimator).__name__} is not generative; train a vae or cvae.")
    if output is None:
        drawn = estimator.image_shape_ is not None or image_shape is not None
        output = Path("samples.png" if drawn else "samples.csv")
        check_file(output)
    from aekit.cli.tables import run_encoder

    y = known_label(estimator, label) if label is not None else None
    labels = None
    if label_prior not in ("uniform", "fitted"):
        raise ValueError(f"--label-prior {label_prior}: use uniform or fitted.")
    if label_prior != "uniform" and (label is not None or not hasattr(estimator, "classes_")):
        whose = "the --label's alone" if label is not None else "a ConditionalVAE run's alone"
        raise ValueError(
            f"--label-prior {label_prior}: the labels drawn are {whose}; leave it out."
        )
    if hasattr(estimator, "classes_"):  # a ConditionalVAE: each sample's label, drawn or given
        samples, drawn = estimator.sample(
            n, y=y, random_state=seed, return_y=True, draw_x=draw, label_prior=label_prior
        )
        labels = (recorded_label_name(run) or "label", drawn)
    else:
        samples = estimator.sample(n, y=y, random_state=seed, draw_x=draw)
    encoder = run_encoder(run)
    shape = drawn_shape(image_shape, samples, output, estimator, "generated", encoder)
    if clip and encoder is None:
        raise ValueError(
            "--clip keeps a table's columns within their training ranges, which a run trained "
            "on a table with text columns keeps (its encoder.json); this run has none: leave "
            "--clip out, and clip the samples yourself (np.clip)."
        )
    if not clip:
        _warn_outside_range(encoder, samples)
    shares = hasattr(estimator, "classes_") and y is None and label_prior == "uniform"
    warn_of_table_samples(encoder, draw or chosen, output, shares)
    shown = write_rows(
        estimator, samples, output, encoder, image_shape=shape, labels=labels, clip=clip
    )
    typer.echo(f"{n} samples: {output}" + (f" (a grid of the first {shown})" if shown < n else ""))
    if labels is not None and y is None and (output.suffix.lower() == ".npy" or is_grid(output)):
        # these files hold no column for the labels drawn: said on stderr, not among results
        how = (
            "at the training labels' shares"
            if label_prior == "fitted"
            else "as many of each class, in a random order"
        )
        warnings.warn(
            f"{output.name} holds no labels: the samples' labels were drawn {how}; --label L "
            f"draws one label, and a .csv or .parquet output holds each sample's in a column "
            f"{labels[0]!r}.",
            UserWarning,
            stacklevel=2,
        )


def _warn_outside_range(encoder, samples) -> None:
    """Warn of generated table rows holding a number outside its column's training range (a
    Gaussian draw knows no bound), naming the columns and ``--clip``."""
    if encoder is None or encoder.range_ is None:
        return
    import warnings

    import numpy as np

    frame = encoder.inverse_transform(samples)  # as written: integers rounded, dummies 0/1
    frame.columns = list(encoder.feature_names_in_)  # range_'s names, whatever the labels
    outside, said = np.zeros(len(frame), dtype=bool), []
    for name, (low, high) in encoder.range_.items():
        values = frame[name].to_numpy(dtype=np.float64)
        beyond = (values < low) | (values > high)
        if beyond.any():
            outside |= beyond
            said.append(
                f"{name} {values.min():.4g}..{values.max():.4g}, trained {low:.4g}..{high:.4g}"
            )
    if outside.any():
        warnings.warn(
            f"{int(outside.sum())} of {len(frame)} rows hold a number outside its column's "
            f"range in training ({'; '.join(said[:3])}{'; ...' if len(said) > 3 else ''}): a "
            "Gaussian draw knows no bound; --clip keeps each within it.",
            stacklevel=2,
        )


@app.command()
def interpolate(
    run: Run,
    data: Data,
    start: Annotated[int, typer.Option("--from", help="Row of DATA to start from.")] = 0,
    end: Annotated[int, typer.Option("--to", help="Row of DATA to end at.")] = 1,
    steps: Annotated[int, typer.Option(help="Points on the path, endpoints included.")] = 8,
    method: Annotated[
        str,
        typer.Option(
            metavar="METHOD", help="linear or slerp (spherical, for a VAE's Gaussian codes)."
        ),
    ] = "linear",
    label: Annotated[str | None, typer.Option(help="Label (ConditionalVAE).")] = None,
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help=f"File to write: {formats('interpolate')} (a grid of the path)."
        ),
    ] = Path("interpolation.png"),
    label_column: LabelColumn = None,
    labels: LabelsFile = None,
    image_shape: Annotated[
        str | None,
        typer.Option(
            help="C,H,W: the rows of a table or array are images; for a model trained on flat "
            "rows, the shape to draw the path in a grid (e.g. 1,28,28 for 784 values).",
        ),
    ] = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """Decode a path through latent space between two rows of DATA; a ConditionalVAE's walks
    within the label the two rows share (DATA's: a table's --label-column, an .npz's y, an
    array's --labels FILE), or --label."""
    import numpy as np

    check_applies(data, labels, label_column)
    estimator = load_run(run)
    if not hasattr(estimator, "interpolate"):
        raise ValueError(
            f"{type(estimator).__name__} has no latent distribution: train a run with "
            "--model vae or cvae."
        )
    # a flat model reads DATA's rows flat: --image-shape is then how its path is drawn
    drawn = image_shape if estimator.image_shape_ is None else None
    read_shape = None if drawn is not None else image_shape
    from aekit.cli.apply import rows_for_run

    options = run_data_options(run, data, label_column, read_shape, image_size, grayscale, labels)
    # the two rows alone are read (a large table stays on disk)
    ends, shared = rows_for_run(run, estimator, data, options, {"--from": start, "--to": end})
    if start == end:  # a path of one point, drawn `steps` times
        import warnings

        warnings.warn(
            f"--from and --to are both row {start}: every point of the path is that row's code; "
            "give --to another row.",
            stacklevel=2,
        )
    rows = np.asarray(ends)
    y = known_label(estimator, label) if label is not None else None
    if y is None and shared is not None and getattr(estimator, "classes_", None) is not None:
        y = _shared_label(estimator, shared, start, end)
    hint = "the class of the path (DATA has no labels" + (
        "; an array's: --labels FILE)" if is_array(data) else ")"
    )
    with labels_option(f"{type(estimator).__name__} needs --label: {hint}."):
        path = estimator.interpolate(rows[0], rows[-1], steps=steps, method=method, y=y)
    from aekit.cli.tables import run_encoder

    encoder = run_encoder(run)
    shape = drawn_shape(drawn, path, output, estimator, "interpolated", encoder)
    if is_grid(output):  # the two rows beside their path, said as the RUN's
        ends_and_path = np.concatenate([rows[:1], np.asarray(path), rows[-1:]])
        under = "" if y is None else f", label {y}"
        title = f"{method} path from row {start} to row {end}{under}"
        _write_strip(output, estimator, ends_and_path, shape, (f"row {start}", f"row {end}"), title)
    else:
        write_rows(estimator, path, output, encoder, image_shape=shape)
    typer.echo(f"{steps} points from row {start} to row {end}: {output}")


def _write_strip(output: Path, estimator, images, shape, ends: tuple[str, str], title: str):
    """``images`` (an input, the decoded points, the other input) as one captioned row, the
    figure a RUN's interpolation.png draws ("input a, t=0, ..., t=1, input b")."""
    import numpy as np

    from aekit.cli.drawn_rows import grid_shape
    from aekit.viz.figures import save_figure
    from aekit.viz.plots import interpolation_strip

    images = np.asarray(images, dtype=np.float32)
    image_shape = grid_shape(estimator, int(np.prod(images.shape[1:])), shape)
    tiles = [ends[0], "t=0", *[""] * (len(images) - 4), "t=1", ends[1]]
    strip = interpolation_strip(
        images.reshape(len(images), *image_shape),
        image_shape=image_shape,  # tiny images (1, 4, 4) are never read as channels-last
        tile_labels=tiles,
        title=title,
    )
    save_figure(strip.figure, output)


def _shared_label(estimator, labels, start: int, end: int):
    """The label both ends of a ConditionalVAE's path share (its walk stays within one);
    ``labels``: those of rows ``start`` and ``end``."""
    a, b = labels[0], labels[-1]
    if a != b:
        raise ValueError(
            f"rows {start} and {end} have labels {a} and {b}; {a_kind(estimator)} walks "
            f"within one label: pass --label {a} (or {b}), or two rows of one label."
        )
    return data_label(estimator, a, f"rows {start} and {end}")
