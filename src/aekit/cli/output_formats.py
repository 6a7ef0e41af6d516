"""The formats each command's output options write (``-o``, ``--figure``): the table their help
texts are made from and the checks run before any work (:mod:`aekit.cli.outputs`)."""

from __future__ import annotations

from pathlib import Path


def check_figure(path: Path, option: str) -> None:
    """``path`` names a format matplotlib writes (PNG when it has no suffix, as save_figure)."""
    import shutil

    import matplotlib
    from matplotlib.backend_bases import FigureCanvasBase

    formats = dict(FigureCanvasBase.get_supported_filetypes())
    if shutil.which(matplotlib.rcParams["pgf.texsystem"]) is None:
        # LaTeX's pgf needs a TeX system: without one it was a traceback after the work
        formats.pop("pgf", None)
    fmt = path.suffix.lstrip(".").lower() or "png"
    if fmt not in formats:
        raise ValueError(
            f"{option} {path}: cannot draw a figure as .{fmt}; use .png, .svg or .pdf "
            f"(or {', '.join(sorted(set(formats) - {'png', 'svg', 'pdf'}))})."
        )


# The formats -o/--output takes, by command, and a note on them for the message: checked before
# any work (the writers check again, but only once the first chunk is computed).
TABLES = (".npy", ".csv", ".parquet")
# a grid of images: a figure, so in the formats traverse and manifold write too (.svg and .pdf
# were refused, where -o of a figure of the same rows took them)
GRIDS = (".png", ".svg", ".pdf")
ROWS = ((*TABLES, *GRIDS), ".png, .svg or .pdf: a grid of the images of an image model")
OUTPUT_FORMATS: dict[str, tuple[tuple[str, ...], str]] = {
    "encode": (TABLES, ""),
    "reconstruct": (
        (*TABLES, *GRIDS),
        ".png, .svg or .pdf: a grid of an image model's inputs over their reconstructions",
    ),
    "score": (TABLES, ""),
    "predict": (TABLES, ""),
    "impute": (TABLES, ""),
    "denoise": ROWS,
    "generate": ROWS,
    "interpolate": ROWS,
    "decompress": ROWS,
    "search": ((".csv", ".parquet"), "the hits are a table with named columns"),
    "compress": ((".aek",), "aekit's compressed rows, read by 'aekit decompress'"),
}
FIGURE_OUTPUTS = {"traverse", "manifold"}  # -o is a figure
FIGURES = ".png, .svg, .pdf or another format matplotlib writes"  # check_figure's


def is_grid(path: Path) -> bool:
    """``path`` (-o of a command that writes rows) asks for a grid of images, not a table."""
    return path.suffix.lower() in GRIDS


def listed(suffixes: tuple[str, ...]) -> str:
    """Suffixes as a sentence says them: ".npy, .csv or .parquet"."""
    return f"{', '.join(suffixes[:-1])} or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]


def formats(command: str) -> str:
    """The formats -o/--output of ``command`` takes, as its help says them (from
    :data:`OUTPUT_FORMATS`, which :func:`check_format` enforces)."""
    if command in FIGURE_OUTPUTS:
        return FIGURES
    return listed(OUTPUT_FORMATS[command][0])


def check_format(command: str, path: Path) -> None:
    """``path`` (-o/--output of ``command``) ends in a suffix the command writes."""
    if command in FIGURE_OUTPUTS:
        check_figure(path, "-o/--output")
        return
    suffixes, note = OUTPUT_FORMATS.get(command, ((), ""))
    if suffixes and path.suffix.lower() not in suffixes:
        raise ValueError(f"-o {path}: write {listed(suffixes)}{f' ({note})' if note else ''}.")


# What the commands that print their result print without -o: '-o -' is not needed there.
PRINTED = {"search": "the hits", "evaluate": "its JSON"}


def check_not_stdout(path: Path, option: str, command: str, folder: bool = False) -> None:
    """``path`` is not '-': aekit writes its files whole and atomically, never to standard
    output ('-o -' was refused as a format: "write .npy, .csv or .parquet")."""
    if str(path) != "-":
        return
    named = option.split("/")[0]
    if folder:
        what = "a folder name"
    elif command in FIGURE_OUTPUTS or option == "--figure":
        what = f"a file name, e.g. {named} out.png"
    elif command in OUTPUT_FORMATS and option == "-o/--output":
        what = f"a file name, e.g. {named} out{OUTPUT_FORMATS[command][0][0]}"
    else:
        what = "a file name"
    if command in PRINTED:
        what += f"; without it, 'aekit {command}' prints {PRINTED[command]}"
    raise ValueError(f"{named} -: writing to standard output is not supported; give {what}.")
