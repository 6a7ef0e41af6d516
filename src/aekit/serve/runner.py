"""Starting the scoring server: the checks before it binds, and uvicorn with one or more workers.

The model is loaded in the starting process first, so a missing, corrupt or unservable model file
stops ``aekit serve`` with one line before anything listens. With one worker that model is
served as it is; with ``workers > 1`` uvicorn starts worker processes that each load it once,
from the settings this process leaves in the environment (:func:`app_from_environment`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import sys
from dataclasses import asdict
from typing import Any

from aekit.io.paths import user_path
from aekit.serve.app import Limits, create_app

ENVIRONMENT = "AEKIT_SERVE_SETTINGS"  # JSON settings for uvicorn's worker processes


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # another host name: it may resolve to any interface
        return False


def check_bind(host: str, api_key: str | None, insecure: bool) -> None:
    """Refuse to listen beyond this machine without an API key, unless told to."""
    if not is_loopback(host) and api_key is None and not insecure:
        raise ValueError(
            f"--host {host} accepts connections from other machines: give --api-key-file, or "
            "--insecure to serve without a key."
        )


def check_port(host: str, port: int) -> None:
    """Refuse a port outside 0..65535, or one this host cannot listen on (taken), before the
    model is loaded: uvicorn said so in a traceback (OverflowError) or its own log line."""
    import errno
    import socket

    if not 0 <= port <= 65535:
        raise ValueError(f"--port {port} is not a port; give one in 0..65535 (e.g. 8000).")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as err:
            taken = err.errno == errno.EADDRINUSE
            fix = "choose another --port (or stop what holds it)" if taken else "check --host"
            raise ValueError(
                f"cannot listen on {host} port {port}: {err.strerror or err}; {fix}."
            ) from None


def read_api_key(path: str | os.PathLike | None) -> str | None:
    """The key in ``path`` (its first line, stripped), or None without a path."""
    if path is None:
        return None
    try:  # a pipe (<(...), /dev/stdin) reads as a file does
        lines = user_path(path).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, IsADirectoryError) as err:  # "No such file or directory: key"
        what = "is a folder" if isinstance(err, IsADirectoryError) else "does not exist"
        raise FileNotFoundError(
            f"the API key file {path} (--api-key-file) {what}; give the file whose first line "
            "holds the key."
        ) from None
    key = lines[0].strip() if lines else ""
    if len(key) < 8:
        raise ValueError(f"{path} holds no API key of at least 8 characters on its first line.")
    return key


def load_encoder(path: str | os.PathLike | None, model: Any) -> Any:
    """The table encoder a RUN keeps beside its model (``encoder.json``), or None; checked to
    write the rows ``model`` reads (an edited or swapped encoder.json was served, and every
    request then failed)."""
    if path is None:
        return None
    from aekit.data.encoder_file import read_encoder

    return read_encoder(path, model)


def load_model(path: str | os.PathLike) -> Any:
    """The model a file holds, checked to be one the server serves (one-line errors)."""
    from aekit.io.model_file import load
    from aekit.serve.inference import Served

    model = load(path)
    Served(model)  # TypeError for a model the server does not serve
    return model


def _torch_threads(workers: int, threads: int) -> None:
    """Share the CPUs between the workers' inference threads instead of oversubscribing them."""
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 1) // (workers * threads)))


def _absolute(path: str | os.PathLike) -> str:
    return os.fspath(user_path(path).resolve())


def app_from_environment():
    """uvicorn's factory in each worker process: the model loaded once, from the settings."""
    settings = json.loads(os.environ[ENVIRONMENT])
    limits = Limits(**settings["limits"])
    _torch_threads(settings["workers"], limits.threads)
    model = load_model(settings["model"])
    encoder = load_encoder(settings.get("encoder"), model)
    key = read_api_key(settings["api_key_file"])
    columns = settings.get("columns", {})
    return create_app(model, limits, key, encoder, **columns)


# Whether this process has started serving (uvicorn running): a stop before, while the model
# loads, is no failure (aekit.cli.running exits 0); one after, uvicorn's graceful stop aside, is
# a forced one (a second Ctrl-C), which exits 130 or 143 as any command's stop does.
serving = False

# What a stop signal's graceful shutdown waits past the timeout, for answers on their way out.
SHUTDOWN_GRACE_S = 1.0


def uvicorn_options(host: str, port: int, limits: Limits) -> dict[str, Any]:
    """uvicorn's settings for ``aekit serve``. A stop signal waits for the requests in flight
    at most twice ``--timeout`` (and a second): a request's body may stall up to ``--timeout``
    before its 408 and its computation take as long before its 504, and without a bound one
    stalled client kept the server "Waiting for connections to close" forever (a body still
    coming, part by part, past it is cut off)."""
    return {
        "host": host,
        "port": port,
        "access_log": False,
        "log_level": "info",
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 2 * limits.timeout_s + SHUTDOWN_GRACE_S,
    }


def _serve_one(app: Any, options: dict[str, Any]) -> None:
    """``uvicorn.run(app, **options)`` in this process, ended by SIGINT or SIGTERM as with more
    workers, by returning: uvicorn (>= 0.29) raises the signal again once it has shut down, for
    the handler it had replaced, and the command line's said 'terminated' and exited 143."""
    import uvicorn
    from uvicorn.main import STARTUP_FAILURE

    server = _graceful_server(uvicorn.Config(app, **options))
    server.run()
    if not server.started:  # as uvicorn.run: the app or the socket failed, and uvicorn said so
        sys.exit(STARTUP_FAILURE)


def _graceful_server(config: Any) -> Any:
    """A ``uvicorn.Server`` that does not raise again a stop signal it has handled by shutting
    down gracefully (a second Ctrl-C, which forces the exit, still is)."""
    import uvicorn

    class GracefulServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            with super().capture_signals():
                try:
                    yield
                finally:
                    handled = getattr(self, "_captured_signals", None)
                    if isinstance(handled, list) and not self.force_exit:
                        handled.clear()

    return GracefulServer(config)


def serve(
    model_path: str | os.PathLike,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    api_key_file: str | os.PathLike | None = None,
    insecure: bool = False,
    limits: Limits | None = None,
    encoder_path: str | os.PathLike | None = None,
    columns: dict[str, Any] | None = None,
) -> None:
    """Serve a model file until interrupted.

    Parameters
    ----------
    model_path : str or path
        A model file from ``estimator.save`` (an autoencoder or an AnomalyDetector).
    host : str, default="127.0.0.1"
        Where to listen; other than loopback only with an API key or ``insecure``.
    port : int, default=8000
    workers : int, default=1
        Worker processes, each with its own copy of the model.
    api_key_file : str or path, default=None
        A file whose first line is the key every ``/v1/`` request must send as
        ``Authorization: Bearer <key>``.
    insecure : bool, default=False
        Allow a non-loopback ``host`` without a key.
    limits : Limits, default=None
        None: ``Limits()``.
    encoder_path : str or path, default=None
        A RUN's ``encoder.json`` (a model trained on a table with text columns): requests send
        the table's columns, encoded through it.
    columns : dict, default=None
        ``id_column`` and ``ignore_columns`` of :func:`aekit.serve.app.create_app` (a RUN's
        recorded ``--id-column`` and ``--ignore-column``).

    Returns once SIGINT or SIGTERM has shut the server down gracefully, with any number of
    workers (``systemctl stop`` of an ``aekit serve`` unit leaves it stopped, not failed).

    Raises
    ------
    ValueError, FileNotFoundError, TypeError
        Before listening: a bad model file, key file or binding.
    """
    import uvicorn

    limits = Limits() if limits is None else limits
    if workers < 1:
        raise ValueError(f"--workers {workers} must be at least 1.")
    api_key = read_api_key(api_key_file)
    check_port(host, port)  # first: a host that is no address ('not a host') is said as such
    check_bind(host, api_key, insecure)
    model = load_model(model_path)  # fails here, with one line, before anything listens
    encoder = load_encoder(encoder_path, model)
    options = uvicorn_options(host, port, limits)
    global serving  # from here a stop is uvicorn's (or a forced one), no longer one before it
    serving = True
    if workers == 1:
        _torch_threads(1, limits.threads)
        _serve_one(create_app(model, limits, api_key, encoder, **(columns or {})), options)
        return
    settings = {  # absolute paths, ~ expanded: the worker processes read them
        "model": _absolute(model_path),
        "api_key_file": None if api_key_file is None else _absolute(api_key_file),
        "encoder": None if encoder_path is None else _absolute(encoder_path),
        "limits": asdict(limits),
        "columns": columns or {},
        "workers": workers,
    }
    os.environ[ENVIRONMENT] = json.dumps(settings)
    del model, encoder  # each worker loads its own
    uvicorn.run("aekit.serve.runner:app_from_environment", factory=True, workers=workers, **options)
