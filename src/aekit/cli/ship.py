"""``aekit export`` and ``aekit serve``: a trained model as ONNX files, or behind an HTTP server.

Both need optional dependencies (``aekit[export]``, ``aekit[serve]``); without them the command
says which to install.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import Run, app, load_run
from aekit.cli.output_formats import check_not_stdout
from aekit.cli.outputs import check_writable_folder, is_run_folder


def _needs(extra: str, *modules: str) -> None:
    from importlib.util import find_spec

    missing = [m for m in modules if find_spec(m) is None]
    if missing:
        raise ValueError(f"this command needs {', '.join(missing)}: pip install 'aekit[{extra}]'.")


def refuse_run_folder(folder: Path) -> None:
    """An export goes into a folder of its own: in a RUN's, its graphs and manifest would lie
    among the RUN's record (with --force too)."""
    if is_run_folder(folder):
        raise ValueError(
            f"--out {folder} is a RUN folder; give the export a folder of its own, e.g. --out "
            f"{folder.resolve().name}-onnx."
        )


def check_export_folder(folder: Path, force: bool, names: list[str]) -> None:
    """Files of the ``names`` the export writes are replaced only with --force, as a RUN or a
    model file is (a graph put there by hand was replaced without a word)."""
    present = [name for name in names if (folder / name).exists()]
    if present and not force:
        earlier = " (an earlier export)" if "manifest.json" in present else ""
        raise ValueError(
            f"--out {folder} holds {', '.join(present)}{earlier}; choose another folder with "
            "--out, or pass --force to replace them (other files there are kept)."
        )


@app.command()
def export(
    run: Run,
    folder: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            "--output",
            help="Folder to write the ONNX files and manifest.json into.",
        ),
    ] = Path("onnx"),
    force: Annotated[
        bool, typer.Option(help="Replace an earlier export in the folder (its graphs).")
    ] = False,
) -> None:
    """Write RUN's model as ONNX files (encoder, decoder and score graphs, or a detector's whole
    score) and a manifest.json that says what each takes and gives (for a table with text
    columns, its "columns": where each column goes in the graphs' rows)."""
    # -o names a folder here (the files inside are replaced), so it is checked as one
    check_not_stdout(folder, "--out", "export", folder=True)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out {folder} is a file; give a folder for the ONNX files.")
    if not folder.exists() and folder.suffix.lower() == ".onnx":  # made a folder 'x.onnx'
        raise ValueError(
            f"--out {folder} names a folder, into which export writes several ONNX graphs and "
            f"a manifest.json; give a folder name, such as --out {folder.with_suffix('')}"
            " (the graphs go inside it)."
        )
    check_writable_folder(folder, "--out")
    refuse_run_folder(folder)
    _needs("export", "onnx", "onnxscript")
    from aekit.cli.tables import run_encoder
    from aekit.export import export_file_names, export_onnx, exported_files

    model = load_run(run)
    # a RUN trained on text columns: its graphs take the table's rows, as a detector's do
    table_encoder = run_encoder(run)
    try:  # a model that does not export is said so before --out's files are judged
        names = export_file_names(model)
    except TypeError as err:
        raise ValueError(str(err)) from None
    check_export_folder(folder, force, names)
    try:
        manifest = export_onnx(model, folder, table_encoder=table_encoder)
    except (RuntimeError, ImportError) as err:  # a network the exporter cannot translate, or
        raise ValueError(str(err)) from err  # a torch too old for it: one line, exit 2
    files = sorted(exported_files(folder))  # what this export wrote, not what else lies there
    typer.echo(f"{', '.join(files)} and {manifest.name}: {folder}")


@app.command()
def serve(
    run: Run,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes, each with the model.")] = 1,
    api_key_file: Annotated[
        Path | None, typer.Option(help="File with the key /v1/ requests must send (Bearer).")
    ] = None,
    insecure: Annotated[
        bool, typer.Option(help="Allow a non-loopback --host without an API key.")
    ] = False,
    max_rows: Annotated[int, typer.Option(help="Rows per request, at most.")] = 10_000,
    max_body_mb: Annotated[float, typer.Option(help="Request body size, at most (MiB).")] = 16.0,
    timeout: Annotated[
        float,
        typer.Option(help="Seconds a request's body may take to arrive, and its computation."),
    ] = 30.0,
    threads: Annotated[int, typer.Option(help="Inference threads per worker.")] = 2,
    batching: Annotated[
        bool, typer.Option(help="Compute concurrent small requests together.")
    ] = True,
) -> None:
    """Serve RUN's model over HTTP (FastAPI + uvicorn): /healthz, /v1/model, /v1/encode,
    /v1/reconstruct, /v1/score, /v1/predict (detectors), /v1/generate (VAEs); docs at /docs.
    A RUN trained on a table with text columns takes rows of that table (records, or "columns"
    and "data"), encoded as 'aekit score' encodes them."""
    _needs("serve", "fastapi", "uvicorn")
    from aekit.cli import columns
    from aekit.cli.runs import model_path
    from aekit.cli.table_options import recorded_data
    from aekit.cli.tables import encoder_file
    from aekit.serve.app import Limits
    from aekit.serve.runner import serve as run_server

    sizes = {"--max-rows": max_rows, "--max-body-mb": max_body_mb, "--timeout": timeout}
    for option, value in {**sizes, "--threads": threads}.items():
        if value <= 0:  # named one by one: "... must be positive" did not say which
            raise ValueError(f"{option} {value:g}: it must be positive.")
    limits = Limits(int(max_body_mb * 2**20), max_rows, timeout, threads, batching)
    path = model_path(run)
    # a RUN trained on text columns: requests are encoded as 'aekit score RUN DATA' encodes them
    encoder = encoder_file(run)
    # the id column (echoed as "ids"), ignored columns and label column RUN recorded: not
    # features, dropped where a request has them, as 'aekit score RUN DATA' sets them aside
    section, source = recorded_data({"run": run})
    recorded = columns.resolve(None, None, section, source)
    label = section.get("label_column")
    ignored = (*recorded.ignore_columns, *([label] if isinstance(label, str) else []))
    chosen = {"id_column": recorded.id_column, "ignore_columns": ignored}
    run_server(path, host, port, workers, api_key_file, insecure, limits, encoder, chosen)
