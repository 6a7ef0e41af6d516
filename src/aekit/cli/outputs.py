"""Outputs are checked before any work: every command resolves the files and folders it will
write and refuses, in one line, a folder where a file is expected, a path it cannot write, or an
existing RUN without ``--force``, before it reads DATA or trains.

A RUN folder is claimed at once and exclusively: its staging folder ``.RUN.aekit-staging`` beside
it is created with ``mkdir`` (which only one process can do) and holds a file locked with
``flock`` for the life of the command. A second command writing the same RUN is refused; the
staging folder of a killed command (its lock released by the kernel) is removed by the next
command that writes a RUN in the same folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from aekit.cli.one_process import refuse_several_processes
from aekit.cli.output_formats import check_figure, check_format, check_not_stdout
from aekit.cli.output_links import refuse_link
from aekit.cli.recorded_paths import refuse_training_data_as_output
from aekit.io.atomic import UMASK, short_name
from aekit.io.inputs import refuse_input_as_output
from aekit.io.paths import is_run_folder

STAGING = ".aekit-staging"
_LOCK = ".lock"


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_writable_folder(folder: Path, option: str) -> None:
    """``folder`` exists and can take new files, or can be created: checked by creating one."""
    base = _nearest_existing(folder)
    if not base.is_dir():
        raise ValueError(f"{option}: {base} is a file, not a folder.")
    try:
        with tempfile.TemporaryFile(dir=base):
            pass
    except OSError as err:
        raise ValueError(f"cannot write {option} under {base}: {err.strerror}.") from None


def check_file(path: Path | None, option: str = "-o/--output") -> None:
    """``path`` can be written as a file: not a folder, in a folder that takes new files."""
    if path is None:
        return
    if path.is_dir():
        raise ValueError(f"{option} {path} is a folder; give a file name inside it.")
    refuse_link(path, option, "file")
    if not path.absolute().parent.exists():  # a typo in a folder name is not a request for one
        folder = path.parent
        raise ValueError(f"{option} {path}: folder {folder} does not exist; create it first.")
    check_writable_folder(path.parent, option)


def check_model_file(path: Path, option: str, overwrite: bool, index: bool = False) -> None:
    """A model file (or index) is named as what it is, and not replaced without --force, as a
    RUN is not."""
    from aekit.hashing.index import INDEX
    from aekit.io.files import check_file_name
    from aekit.io.model_file import MODEL

    fmt = INDEX if index else MODEL
    try:
        check_file_name(path, fmt)
    except ValueError as err:  # said as the option: "-o h.txt: aekit writes JSON + ..."
        said = str(err).removeprefix(f"cannot save {fmt.a_noun} as {path}: ")
        raise ValueError(f"{option} {path}: {said}") from None
    if path.exists() and not overwrite:
        raise ValueError(f"{option} {path} exists; choose another or pass --force.")


# Commands whose --out folder is not a RUN but holds these files alone: --force replaces them
# (a second 'make demo' was refused, and --force with it, as a folder that is not a RUN).
OWN_FILES = {"demo": frozenset({"model.safetensors", "samples.png"})}


# The --out folders of the commands that have a default one (train, detect, finetune,
# detect-series)
DEFAULT_RUNS = frozenset(map(Path, ("run", "detect-run", "finetune-run", "series-run")))


def check_out(out: Path, overwrite: bool, own: frozenset[str] = frozenset()) -> None:
    """``--out`` can become a RUN folder: a new folder's name, not a file, not a non-empty
    folder without --force, and with --force only a RUN (whatever else a folder holds, a
    data file, notes, is not aekit's to delete: the audit's ``--out . --force`` and ``--out
    data_folder --force`` would have deleted the DATA they read)."""
    default = " (the default RUN folder)" if out in DEFAULT_RUNS else ""  # maybe never typed
    if out.name in ("", ".", ".."):
        raise ValueError(f"--out {out} is not a new folder's name; give one, e.g. --out RUN.")
    refuse_link(out, "--out", "folder")  # replacing it would move the link, not its RUN
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder.")
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise ValueError(
                f"--out {out}{default} exists and is not empty; choose another with --out, or "
                "pass --force to replace it."
            )
        only_own = own and {p.name for p in out.iterdir()} <= own  # listed only for own files
        if not (out / "config.toml").is_file() and not only_own:
            raise ValueError(
                f"--out {out} holds files but is not a RUN folder (it has no config.toml), and "
                "--force replaces only a RUN: choose a new folder."
            )
    if out.is_dir() and not os.access(out, os.W_OK):  # replaced, it would lose its permissions
        raise ValueError(f"--out {out}{default} is a folder you cannot write to; choose another.")
    check_writable_folder(out.parent, f"--out {out}{default}")


# The arguments naming the data a command reads (not a RUN, a model kind or a config, which
# belong to the RUN they come from): what --force must not delete with an old RUN.
DATA_INPUTS = {"data": "DATA", "query": "QUERY", "file": "FILE", "index_file": "INDEX"}


def check_not_replaced(out: Path, arguments: dict[str, object]) -> None:
    """No data the command reads lies inside the RUN folder ``out`` that --force replaces: it
    would be deleted with the old RUN (``aekit detect RUN/new.csv --out RUN --force``; a
    dataset or model kind named like the folder, ``detect digits --out digits``, is no file
    inside it)."""
    if not out.is_dir():
        return
    inside = out.resolve()
    for name, argument in DATA_INPUTS.items():
        source = arguments.get(name)
        if not isinstance(source, (str, Path)):
            continue
        path = Path(source).resolve()
        if path != inside and path.is_relative_to(inside):
            raise ValueError(
                f"{argument} {source} is inside --out {out}, which --force replaces: it would be "
                "deleted with the old RUN. Move it out first, or choose another --out."
            )


def staging_folder(out: Path) -> Path:
    return out.parent / f".{short_name(out.name)}{STAGING}"


def remove_stale_staging(folder: Path) -> None:
    """Remove the staging folders in ``folder`` that no live command holds (left by a killed
    one), with a warning each."""
    if not folder.is_dir():
        return
    for staging in folder.glob(f".*{STAGING}"):
        try:
            handle = open(staging / _LOCK)  # noqa: SIM115 (held while the folder moves)
        except OSError:
            continue  # being committed or removed by its owner
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live command holds it
            doomed = staging.with_name(f"{staging.name}.stale-{os.getpid()}")
            try:
                staging.rename(doomed)
            except OSError:
                continue
        shutil.rmtree(doomed, ignore_errors=True)
        warnings.warn(f"removed {staging}, left by an interrupted aekit command.", stacklevel=2)


@contextlib.contextmanager
def claimed_run(out: Path, overwrite: bool) -> Iterator[Path]:
    """Claim ``out`` and yield its staging folder; the staging folder becomes ``out`` when the
    block finishes without error and is removed on any error."""
    check_out(out, overwrite)
    made = _missing_folders(out.parent)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out.parent)
    staging = staging_folder(out)
    # The staging folder appears under its name already holding its locked file: made under a
    # private name, locked, then renamed, which fails if the name is taken (never empty).
    claim = Path(tempfile.mkdtemp(prefix=f".{short_name(out.name)}.claim-", dir=out.parent))
    lock = open(claim / _LOCK, "a")  # noqa: SIM115 (held for the whole command)
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        claim.rename(staging)
    except OSError:
        lock.close()
        shutil.rmtree(claim, ignore_errors=True)
        _remove_empty(made)
        raise ValueError(
            f"another aekit command is writing --out {out} now; wait for it or choose another."
        ) from None
    try:
        staging.chmod(0o777 & ~UMASK)  # mkdtemp makes it private; a RUN is an ordinary folder
        yield staging
        _commit(staging, out, overwrite)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)  # a failed command leaves nothing, the folders it made included
        raise
    finally:
        lock.close()


def _missing_folders(folder: Path) -> list[Path]:
    """The folders ``folder`` and its parents that do not exist yet, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) that are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # no longer empty: another command writes there now
            return


def _commit(staging: Path, out: Path, overwrite: bool) -> None:
    (staging / _LOCK).unlink()
    if out.exists() and not overwrite and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"--out {out} was created by someone else meanwhile; nothing written.")
    if out.exists():  # --force: move the old run aside first, so a crash never leaves neither
        old = out.with_name(f".{short_name(out.name)}.replaced")
        _remove(old)
        out.rename(old)
        staging.rename(out)
        _remove(old)
    else:
        staging.rename(out)


def _remove(path: Path) -> None:
    """Remove a folder, or a link (which ``shutil.rmtree`` refuses, silently when told to
    ignore errors: a link left as ``.RUN.replaced`` made every later --force fail)."""
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


# The options through which commands write, by parameter name: files, except ``--out`` of the
# commands that create a folder.
FILE_OPTIONS = {
    "output": "-o/--output",
    "save_model": "--save-model",
    "figure": "--figure",
    "out": "--out",
}
FOLDER_COMMANDS = {
    "train",
    "detect",
    "demo",
    "finetune",
    "detect-series",
    "impute",
    "train-hasher",
    "train-compressor",
}
MODEL_SUFFIX = ".safetensors"  # train-hasher/-compressor --out NAME.safetensors: a model file
# The file options through which a command writes a model (an index holds its hasher), by
# command. An existing model, like an existing RUN, is refused without --force; the files of
# results (-o codes, scores, figures) are replaced.
MODEL_FILES = {
    "train-hasher": {"output", "out"},
    "train-compressor": {"output", "out"},
    "impute": {"save_model"},
    "index": {"out"},
}


# The arguments through which commands read files, by parameter name: an output that is one of
# them would be replaced by what was computed from it.
DATA_ARGUMENTS = {"data", "query"}  # folders of images or Parquet files: every file is data
INPUT_ARGUMENTS = {
    "data": "DATA",
    "query": "QUERY",
    "file": "FILE",
    "index_file": "INDEX",
    "run": "RUN",
    "model": "--model",
    "config": "--config",
}


# What a RUN records of itself: 'report', 'info' and the commands on the RUN read them back
RUN_RECORD = frozenset(
    {"config.toml", "command.txt", "metrics.csv", "scores.csv", "model.safetensors", "encoder.json"}
)


def check_not_run_record(path: Path, option: str) -> None:
    """``path`` is no file of a RUN's own record: ``score RUN DATA -o RUN/metrics.csv`` replaced
    the training history, and ``report`` then showed the scores as the run's metrics. A
    scores.csv is a detector run's record alone (a train run's was refused once written)."""
    recorded = path.name in RUN_RECORD and path.is_file() and is_run_folder(path.absolute().parent)
    if recorded and path.name == "scores.csv":
        from aekit.io.files import stored_class  # (imported here: 'aekit --help' stays quick)

        recorded = "Detector" in (stored_class(path.parent / "model.safetensors") or "")
    if recorded:
        raise ValueError(
            f"{option} {path} is RUN {path.parent}'s own {path.name}: writing it would replace "
            "what the run recorded, which 'report' and later commands read; choose another name "
            f"(e.g. {path.parent / ('new-' + path.name)}) or another folder."
        )


def check_not_input(path: Path, option: str, arguments: dict[str, object]) -> None:
    """``path`` is none of the files the command reads (links and relative paths resolved),
    nor inside a DATA folder it reads, nor the data RUN was trained on: writing it would destroy
    the input, or make the output one of the folder's images or tables."""
    for name, argument in INPUT_ARGUMENTS.items():
        source = arguments.get(name)
        if isinstance(source, (str, Path)):  # a RUN folder may take outputs; a DATA folder not
            refuse_input_as_output(path, source, f"{option} {path}", argument,
                                   folder_is_data=name in DATA_ARGUMENTS)  # fmt: skip
    refuse_training_data_as_output(path, option, arguments.get("run"))


def check_outputs(command: str, arguments: dict[str, object]) -> None:
    """Check every output path among a command's ``arguments`` (see :data:`FILE_OPTIONS`)."""
    for name, option in FILE_OPTIONS.items():
        path = arguments.get(name)
        if not isinstance(path, Path):
            continue
        folder = name == "out" and command in FOLDER_COMMANDS and path.suffix != MODEL_SUFFIX
        check_not_stdout(path, option, command, folder)
        # first: a link to DATA is DATA; a RUN in an image folder would join its images
        check_not_input(path, option, arguments)
        force = bool(arguments.get("force"))
        if folder:
            check_out(path, force, OWN_FILES.get(command, frozenset()))  # a RUN: claimed again
            check_not_replaced(path, arguments)
        else:
            check_file(path, option)
            if name == "output":  # a kind it cannot write first: the names advised below are
                check_format(command, path)  # of the kind the path has
            check_not_run_record(path, option)
            if name in MODEL_FILES.get(command, ()):
                check_model_file(path, option, force, index=command == "index")
        if name == "figure":
            check_figure(path, option)


def check_outputs_first(app: typer.Typer) -> None:
    """Make every command of ``app`` check its output paths before it does any work."""
    for info in app.registered_commands:
        callback = info.callback
        if callback is None or getattr(callback, "_outputs_checked", False):
            continue
        name = info.name or callback.__name__.replace("_", "-")
        info.callback = _checked(callback, name)


# The running command: its name, function and arguments (what command.txt spells out).
current_call: tuple[str, Callable[..., object], dict[str, object]] | None = None


def _home_expanded(name: str, value: object) -> object:
    """A path argument starting with ``~`` as the shell would have expanded it: quoted
    (``--out "~/runs/a"``, a script's variable), ``--out`` made a folder named ``~`` here while
    pandas, which expands it, wrote metrics.csv under the home folder, and the run was lost."""
    if isinstance(value, Path) and value.parts and value.parts[0].startswith("~"):
        return value.expanduser()
    if isinstance(value, str) and name in INPUT_ARGUMENTS and value.startswith("~"):
        return os.path.expanduser(value)  # DATA is a string: a file, or a bundled dataset's name
    return value


def given_outputs() -> list[str]:
    """The files and folders the running command was given to write (its -o, --out, ...)."""
    arguments = {} if current_call is None else current_call[2]
    return [str(arguments[name]) for name in FILE_OPTIONS if isinstance(arguments.get(name), Path)]


def _checked(callback: Callable[..., object], name: str) -> Callable[..., object]:
    @functools.wraps(callback)
    def command(*args: object, **kwargs: object) -> object:
        global current_call
        kwargs = {key: _home_expanded(key, value) for key, value in kwargs.items()}
        current_call = (name, callback, kwargs)
        refuse_several_processes(name)
        check_outputs(name, kwargs)
        return callback(*args, **kwargs)

    command._outputs_checked = True  # type: ignore[attr-defined]
    return command
