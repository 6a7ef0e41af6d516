"""Layer 8: the ``aekit`` command line, a thin typer layer over the Python API.

Heavy imports (torch, the estimators) happen inside commands so ``aekit --help`` answers at once.
Errors in the user's input end the program with one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="aekit: every kind of autoencoder, practical.",
)


@app.callback()
def _root() -> None:
    """aekit: every kind of autoencoder, practical."""


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the model and the figure.")] = Path(
        "aekit-demo"
    ),
    epochs: Annotated[int, typer.Option(help="Training epochs.")] = 40,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Train a ConditionalVAE on the bundled digits and draw ten samples of every digit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import aekit
    from aekit.plotting import image_grid

    X, y = aekit.datasets.load_digits()
    cvae = aekit.ConditionalVAE(
        latent_dim=8, max_iter=epochs, random_state=0, verbose=not quiet
    ).fit(X, y)
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / "model.safetensors"
    cvae.save(model_path)
    labels = np.repeat(cvae.classes_, 10)
    samples = cvae.sample(len(labels), y=labels, random_state=0).reshape(-1, 8, 8)
    ax = image_grid(
        samples,
        n_cols=10,
        row_labels=[str(c) for c in cvae.classes_],
        title="ConditionalVAE samples: one row per requested digit",
    )
    figure_path = out / "samples.png"
    ax.figure.savefig(figure_path, dpi=120, bbox_inches="tight")
    plt.close(ax.figure)
    typer.echo(f"model:   {model_path}\nsamples: {figure_path}")


def main() -> None:
    """Entry point. Usage errors are typer's (exit 2); errors in the user's input or files end
    with one line on stderr and exit 2 (``--debug`` shows the traceback instead)."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        app()
    except (ValueError, FileNotFoundError, TypeError) as err:
        if debug:
            raise
        typer.echo(f"aekit: error: {err}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
