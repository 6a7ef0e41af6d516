"""Rows a model outputs, as the command line writes them: a table, or a PNG grid of images
(an image model's own shape, or ``--image-shape C,H,W`` for a model of flat rows), and the line
that says what was written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aekit.cli.output_formats import is_grid

if TYPE_CHECKING:
    import numpy as np

MAX_GRID = 256  # images in one PNG grid; more make an image nobody can look at


DrawnShape = Annotated[
    str | None,
    typer.Option(
        "--image-shape",
        help="C,H,W: draw the rows of a model trained on flat rows as images in a .png, .svg "
        "or .pdf grid (e.g. 1,28,28 for MNIST's 784 values).",
    ),
]


def drawn_shape(image_shape: str | None, rows, output: Path, estimator, what: str, encoder=None):
    """--image-shape for a .png of rows a model outputs (``what``: "generated", ...): the shape
    to draw each row in, checked against the rows; None for an image model's own shape. A .png
    of the flat rows of a model trained on them needs it; a table's rows (the RUN's
    ``encoder``: standardized numbers and one-hot columns) have no image to draw."""
    import numpy as np

    from aekit.cli.data import parse_ints

    values = int(np.prod(rows.shape[1:]))
    refuse_a_table_as_images(output, encoder)
    if is_grid(output):  # a sequence model's rows are no images, however shaped
        refuse_sequences(estimator)  # (they were called flat rows, --image-shape advised)
    if image_shape is None:
        if is_grid(output) and estimator.image_shape_ is None and rows.ndim == 4:
            return tuple(rows.shape[1:])  # images of their own (an .aek file of an IDX file's)
        if is_grid(output) and estimator.image_shape_ is None:
            raise ValueError(
                f"-o {output}: {type(estimator).__name__} was trained on flat rows of {values} "
                f"values; pass --image-shape C,H,W to draw them as images (e.g. "
                f"{square_shape(values)}), or write .npy, .csv or .parquet."
            )
        return None
    if not is_grid(output):
        raise ValueError(
            f"--image-shape draws a .png, .svg or .pdf grid; -o {output} is a table, leave it out."
        )
    shape = parse_ints(image_shape, 3, "--image-shape")
    own = estimator.image_shape_
    if own is not None and tuple(own) != shape:  # a 1,28,28 model's samples drawn as 1,14,56
        own_text = ",".join(str(v) for v in own)
        raise ValueError(
            f"--image-shape {image_shape}: {type(estimator).__name__} makes images of shape "
            f"{own_text}; leave --image-shape out."
        )
    check_drawable(shape, image_shape, values, what)
    return shape


def refuse_a_table_as_images(output: Path, encoder, figure: bool = False) -> None:
    """A .png (``figure``: any output, a figure of images) of a RUN trained on a table (its
    ``encoder``: standardized numbers and one-hot columns) is refused: its rows are no images
    (the advice was an --image-shape of the encoded width)."""
    if encoder is not None and (figure or is_grid(output)):
        names = ", ".join(map(str, encoder.feature_names_in_[:4]))
        more = ", ..." if encoder.n_features_in_ > 4 else ""
        instead = "" if figure else "; write .csv or .parquet"  # a traversal has no table
        raise ValueError(
            f"-o {output}: the run was trained on a table (its columns {names}{more}), whose "
            f"rows are no images{instead}."
        )


def square_shape(values: int) -> str:
    """An --image-shape that rows of ``values`` values fit, square grey or colour images, for
    the example of a message ("1,28,28 for 784"; MNIST's when none fits)."""
    from aekit.data.image_shapes import square_image_shape

    shape = square_image_shape(values)
    return f"{','.join(map(str, shape))} for {values}" if shape else "1,28,28 for 784"


def check_drawable(shape: tuple[int, ...], image_shape: str, values: int, what: str) -> None:
    """``shape``, read from ``--image-shape image_shape``, is one rows of ``values`` values
    can be drawn in: 1 or 3 channels, C*H*W equal to ``values`` (``what`` names the rows)."""
    import numpy as np

    if shape[0] not in (1, 3):  # 28,28,1 drew 28 'channels' of 28x1 strips
        example = (  # H,W,C given for C,H,W
            f"; e.g. {shape[2]},{shape[0]},{shape[1]} for {shape[0]}x{shape[1]} images"
            if shape[2] in (1, 3)
            else ""
        )
        raise ValueError(
            f"--image-shape {image_shape} is C,H,W with C the channels, 1 (gray) or 3 "
            f"(colour){example}."
        )
    if int(np.prod(shape)) != values:
        raise ValueError(
            f"--image-shape {image_shape} needs rows of {int(np.prod(shape))} values; "
            f"the {what} rows hold {values}."
        )


def write_rows(
    estimator,
    rows,
    output: Path,
    encoder=None,
    n_rows: int | None = None,
    image_shape: tuple[int, ...] | None = None,
    labels: tuple[str, np.ndarray] | None = None,
    clip: bool = False,
    ids=None,
) -> int:
    """Generated rows as a PNG grid (image models) or a .npy/.csv/.parquet table; with the
    ``encoder`` of a RUN trained on text columns, as rows of that table. ``n_rows``: the rows
    there are in all, when ``rows`` holds only the first (a PNG grid shows at most MAX_GRID).
    ``image_shape``: (C, H, W) to draw the flat rows of a model trained on them. ``labels``:
    ``(column name, each row's label)``, a last column of a .csv or .parquet table (a .npy
    holds the rows alone). ``ids``: each row's id, a pandas Series named by its column, the
    first column of a table (a .npy holds none: said). Returns the number of rows written (a
    grid's: at most MAX_GRID)."""
    import numpy as np
    import pandas as pd

    from aekit.cli.file_writers import write_frame, write_images, write_table

    if is_grid(output):
        shape = grid_shape(estimator, int(np.prod(rows.shape[1:])), image_shape)
        rows = first_shown(rows, output, n_rows)
        write_images(output, rows.reshape(len(rows), *shape))
        return len(rows)
    if output.suffix.lower() == ".npy":
        if ids is not None:
            import warnings

            warnings.warn(f"-o {output}: a .npy holds no {ids.name} column; write .csv or "
                          ".parquet to keep each row's id.", stacklevel=2)  # fmt: skip
        write_table(output, rows, [])
        return len(rows)
    if encoder is not None:  # clip: each number within its column's training range
        frame = encoder.inverse_transform(rows, clip=clip)
    else:  # a table's own column names (a model fitted on one records them), else x0, x1, ...
        width = int(np.prod(rows.shape[1:]))
        names = getattr(estimator, "feature_names_in_", None)
        names = [str(n) for n in names] if names is not None and len(names) == width else None
        frame = pd.DataFrame(
            rows.reshape(len(rows), -1), columns=names or [f"x{i}" for i in range(width)]
        )
    if labels is not None:
        # a feature of that name: the labels' column is another
        frame[_unused(labels[0], frame.columns)] = labels[1]
    if ids is not None:  # first, as every per-row table of the command line has its ids
        frame.insert(0, _unused(str(ids.name or "id"), frame.columns), ids.to_numpy())
    write_frame(output, frame)
    return len(rows)


def _unused(name: str, taken) -> str:
    """``name``, or it with underscores added until no column of ``taken`` has it."""
    while name in taken:
        name += "_"
    return name


def grid_shape(estimator, n_values: int, image_shape: tuple[int, ...] | None = None):
    """The (C, H, W) a PNG grid draws each row in: ``image_shape`` (--image-shape of a model of
    flat rows) or the model's own; a model of flat rows of ``n_values`` values without it is
    refused, before any row is computed where the caller knows the width first."""
    shape = image_shape or estimator.image_shape_
    if shape is None:
        refuse_sequences(estimator)  # a sequence model's rows: said as sequences
        raise ValueError(
            "A grid of images (-o .png, .svg or .pdf) needs images, and "
            f"{type(estimator).__name__} was trained on flat rows of {n_values} values: pass "
            "--image-shape C,H,W to draw each row as an image of that shape, or write .npy, .csv "
            "or .parquet."
        )
    return tuple(shape)


def refuse_sequences(estimator, instead: str = "write .npy, .csv or .parquet") -> None:
    """A PNG grid of a sequence model's rows refused, naming what to do ``instead``."""
    sequences = getattr(estimator, "sequence_shape_", None)
    if sequences is not None:
        raise ValueError(
            f"A grid (-o .png, .svg or .pdf) draws images, and {type(estimator).__name__} was "
            f"trained on sequences of shape {tuple(sequences)}; {instead} (a RUN's "
            "figures/reconstructions.png draws its sequences)."
        )


def first_shown(rows, output: Path, n_rows: int | None = None):
    """The rows a PNG grid shows: the first MAX_GRID of the ``n_rows`` there are in all (the
    length of ``rows`` when None), with a warning when that leaves some out."""
    import warnings

    n_rows = len(rows) if n_rows is None else n_rows
    if n_rows > MAX_GRID:
        warnings.warn(
            f"{output} shows the first {MAX_GRID} of {n_rows} images; write .npy for all.",
            stacklevel=3,  # the command's line that wrote the grid
        )
    return rows[:MAX_GRID]


def write_pairs(
    estimator, originals, reconstructions, output: Path, n_rows: int, image_shape=None
) -> int:
    """A PNG grid of the first images of an image model's input, each row of them over the
    row of their reconstructions (:func:`aekit.viz.plots.reconstruction_grid`); returns the
    number of images drawn (at most MAX_GRID of the ``n_rows`` in all). ``image_shape``: the
    (C, H, W) of a model of flat rows (--image-shape)."""
    import numpy as np

    from aekit.viz.figures import save_figure
    from aekit.viz.plots import reconstruction_grid

    shape = grid_shape(estimator, int(np.prod(np.shape(originals)[1:])), image_shape)
    originals = first_shown(originals, output, n_rows)
    reconstructions = reconstructions[: len(originals)]
    images = (np.reshape(rows, (len(originals), *shape)) for rows in (originals, reconstructions))
    # 16 a row past 64 images (each row of inputs over a row of reconstructions): 8 a row drew
    # 256 images as a strip of 64 rows
    n_cols = min(len(originals), 16 if len(originals) > 64 else 8)
    save_figure(reconstruction_grid(*images, n_cols=n_cols, image_shape=shape), output)
    return len(originals)


def written(output: Path, n_written: int, n_rows: int, what: str = "rows") -> str:
    """What a command that wrote rows says: all of them, or the first (a PNG grid)."""
    if n_written == n_rows:
        return f"{output}: {n_rows} {what}"
    return f"{output}: a grid of the first {n_written} of {n_rows} {what}"
