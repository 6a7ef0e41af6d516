"""The scoring server's test client, limits and fitted models, shared by test_serve.py and
test_serve_limits.py (the models they serve: tests/serve_models.py)."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():  # starlette's notice about the httpx it still uses
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from aekit.serve.app import Limits, create_app  # noqa: E402

KEY = "s3cret-key-for-tests"
AUTH = {"Authorization": f"Bearer {KEY}"}
LIMITS = Limits(max_body_bytes=200_000, max_rows=100, timeout_s=10.0)


def client(model, limits=LIMITS, api_key=None) -> TestClient:
    return TestClient(create_app(model, limits, api_key), raise_server_exceptions=False)


def api_message(fn, *args) -> str:
    """The message the Python API gives for the same input."""
    with pytest.raises((ValueError, TypeError)) as info:
        fn(*args)
    return str(info.value)
