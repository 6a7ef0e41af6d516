"""The scoring server's FastAPI application: endpoints, limits, errors, authentication.

``create_app(model)`` builds it around one loaded model (loaded once per worker process by
:mod:`aekit.serve.runner`). Inference runs in a bounded pool of threads, never on the event
loop, so health checks and other requests are answered while a large batch computes; a request
that waits or computes longer than the timeout gets 504 (a computation already running finishes
in its thread, its result dropped: Python cannot stop a thread).

Status codes: 401 without the API key (when one is set), 413 for a body or a row count over the
limit (the message names the limit and the server option that raises it), 415 for an unknown
content type, 422 for invalid input with the Python API's own message (and for a label sent to
``/v1/generate`` of a model that takes none, or a query parameter an endpoint does not take),
408 for a body that has not all come within the timeout (a stalled client held its connection,
and the server's shutdown, forever), 504 for a computation past the timeout, and 500 with no
traceback for anything else (the traceback goes to the server's log).
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aekit._version import __version__
from aekit.serve.batching import Batcher
from aekit.serve.bodies import (
    CONTENT_TYPES,
    JSON,
    NPY,
    BodyError,
    answer_type,
    media_type,
    parse,
    refuse_encoded,
    split_columns,
    to_npy,
)
from aekit.serve.inference import Served
from aekit.serve.request_reading import read_body, refuse_query

log = logging.getLogger("aekit.serve")


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server."""

    max_body_bytes: int = 16 * 2**20  # 16 MiB: 4,000 rows of 1,000 float32 features in .npy
    max_rows: int = 10_000
    timeout_s: float = 30.0
    threads: int = 2  # inference threads per worker process
    batching: bool = True  # merge concurrent small requests (aekit.serve.batching)


class GenerateRequest(BaseModel):
    """``POST /v1/generate``: how many samples, of which label, from which seed."""

    # A field of another name is refused: "lable": 7 was answered with samples of every label.
    model_config = ConfigDict(extra="forbid", strict=True)  # "2" and true are no count of 2 or 1

    n: int = Field(1, ge=1, description="Number of samples.")
    label: Any = Field(None, description="ConditionalVAE: the label of every sample.")
    # Fresh samples by default, as the Python API's ``sample(n)`` draws them; a seed repeats them.
    seed: int | None = Field(
        None,
        description="Random seed, for the same samples again; omitted or null: fresh samples.",
    )
    draw: bool = Field(
        False,
        description="Rows drawn from p(x|z), as sample(draw_x=True): a table's categories drawn "
        "from their probabilities; false: its expected values.",
    )
    label_prior: Literal["uniform", "fitted"] = Field(
        "uniform",
        description="ConditionalVAE without a label: labels drawn uniformly, or at the shares "
        "of the training labels (as sample(label_prior=...)).",
    )
    clip: bool = Field(
        False,
        description="A table's numbers kept within their columns' training ranges (as "
        "TabularEncoder.inverse_transform(clip=True)).",
    )


def generate_request(body: bytes) -> GenerateRequest:
    """The body of ``/v1/generate`` (empty: the defaults), or 422 in one readable line:
    pydantic's own text ran over several lines with a link per error."""
    try:
        return GenerateRequest.model_validate_json(body.strip() or b"{}")
    except ValidationError as err:
        said = []
        for error in err.errors():
            where = ".".join(str(part) for part in error["loc"])
            if error["type"] == "json_invalid":
                said.append(
                    f"the body is not valid JSON ({error['msg'].removeprefix('Invalid JSON: ')})"
                )
            elif error["type"] == "model_type":
                said.append('the body must be a JSON object, e.g. {"n": 2, "seed": 0}')
            elif error["type"] == "extra_forbidden":
                said.append(
                    f"/v1/generate takes n, label, seed, draw, label_prior and clip, not {where!r}"
                )
            else:
                said.append(f"{where}: {error['msg'][:1].lower()}{error['msg'][1:]}")
        raise BodyError(422, "; ".join(said) + ".") from None


_GENERATE_BODY = {  # the body of /v1/generate, for the OpenAPI docs
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": GenerateRequest.model_json_schema()}},
    }
}

# At module level: FastAPI reads the dependencies' annotations in this module's namespace.
_BEARER = HTTPBearer(auto_error=False, description="The key of --api-key-file.")
BINARY = CONTENT_TYPES[1:]
_ROWS_BODY = {  # the request body of the row endpoints, for the OpenAPI docs
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "rows": {"type": "array", "items": {}},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "data": {"type": "array", "items": {"type": "array", "items": {}}},
                        "labels": {"type": "array", "items": {}},
                    },
                },
                "example": {"rows": [[0.1, 0.2, 0.3]]},
            },
            **{
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in CONTENT_TYPES[1:]
            },
        },
    }
}


def create_app(
    model: Any,
    limits: Limits | None = None,
    api_key: str | None = None,
    encoder: Any = None,
    id_column: str | None = None,
    ignore_columns: tuple[str, ...] = (),
) -> FastAPI:
    """The server's application for a fitted model.

    Parameters
    ----------
    model : aekit autoencoder or AnomalyDetector
        Fitted; served as it is (loaded once, by the caller).
    limits : Limits, default=None
        Body size, rows per request, timeout, inference threads; None: ``Limits()``.
    api_key : str, default=None
        When given, every ``/v1/`` request must send ``Authorization: Bearer <api_key>``.
    encoder : TabularEncoder, default=None
        The table encoding of a RUN trained on text columns (``RUN/encoder.json``): requests
        send the table's columns and are encoded as ``aekit score`` encodes them.
    id_column : str, default=None
        A column of the rows that identifies them, not a feature (a RUN's recorded
        ``--id-column``): left out of what the model reads, and echoed as ``"ids"`` in a JSON
        answer to rows that carry it.
    ignore_columns : tuple of str, default=()
        Columns of the rows that are no features (a RUN's ``--ignore-column``): left out.

    Returns
    -------
    app : FastAPI
    """
    served = Served(model, encoder)
    limits = Limits() if limits is None else limits
    pool = ThreadPoolExecutor(max_workers=limits.threads, thread_name_prefix="aekit-inference")
    app = FastAPI(
        title=f"aekit: {type(model).__name__}",
        version=__version__,
        description="Scores, codes and samples of one aekit model. See GET /v1/model.",
    )
    app.state.served, app.state.limits = served, limits
    app.router.add_event_handler("shutdown", functools.partial(pool.shutdown, wait=False))

    def authorized(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    ) -> None:
        if api_key is None:
            return
        given = "" if credentials is None else credentials.credentials
        if not hmac.compare_digest(given.encode(), api_key.encode()):
            raise HTTPException(
                401,
                "missing or wrong API key: send the header 'Authorization: Bearer <key>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )

    async def in_time(awaitable: Awaitable[Any]) -> Any:
        """``awaitable``'s result, or 504 once the timeout has passed."""
        try:
            return await asyncio.wait_for(awaitable, limits.timeout_s)
        except TimeoutError:
            raise BodyError(
                504,
                f"the request took longer than the timeout of {limits.timeout_s:g} s; send (or "
                "ask for) fewer rows per request, or start the server with a larger --timeout.",
            ) from None

    async def infer(fn: Callable[[], Any]) -> Any:
        """``fn()`` in the inference pool, within the timeout."""
        return await in_time(asyncio.get_running_loop().run_in_executor(pool, fn))

    batcher = Batcher(served, infer, limits.threads, limits.max_rows) if limits.batching else None

    def respond(
        answer: str, result: tuple[np.ndarray, dict[str, Any]], ids: list | None = None
    ) -> Response:
        """``result`` as ``answer``, the media type the request's Accept header asked for."""
        array, document = result
        if answer == NPY:  # bulk clients: the main array as .npy
            return Response(to_npy(array), media_type=NPY)
        if ids is not None:  # each row's id beside its result
            document = {"ids": ids, **document}
        return JSONResponse(document)

    def refuse_npy_of_text(answer: str, verb: str) -> None:
        """406 for a .npy of a table's rows: they hold text, which a .npy cannot."""
        if served.encoder is not None and answer == NPY:
            raise BodyError(
                406,
                f"this model {verb} rows of a table with text columns, which a .npy cannot "
                "hold; ask for JSON (drop 'Accept: application/x-npy').",
            )

    def read_rows(body: bytes, content_type: str | None, label: str | None):
        """The body's rows and their ids (the --id-column's, if any), its ignored columns
        left out."""
        rows = parse(body, content_type, label)
        return split_columns(rows, id_column, tuple(ignore_columns))

    def rows_endpoint(name: str, doc: str) -> None:
        async def endpoint(
            request: Request,
            label: str | None = Query(None, description="One label for every row (CVAE)."),
        ) -> Response:
            # ?label=: one label for the rows of a body that cannot hold it (.npy)
            refuse_query(request, ("label",), "its rows (and their labels) in the request body")
            answer = answer_type(request.headers.get("accept"))  # 406 before the body is read
            if name == "reconstruct":
                refuse_npy_of_text(answer, "reconstructs")
            refuse_encoded(request.headers.getlist("content-encoding"))
            body = await read_body(request, limits.max_body_bytes, limits.timeout_s)
            # parsed off the event loop: four 12 MB bodies held /healthz for over a second
            rows, ids = await asyncio.to_thread(
                read_rows, body, request.headers.get("content-type"), label
            )
            if len(rows) > limits.max_rows:
                raise BodyError(
                    413,
                    f"{len(rows)} rows exceed the limit of {limits.max_rows} rows per request; "
                    "send fewer, or start the server with a larger --max-rows.",
                )
            if batcher is not None and batcher.accepts(name, rows):
                result = await in_time(batcher.submit(name, rows))
            else:
                compute = getattr(served, name)  # looked up per request: tests replace it
                result = await infer(functools.partial(compute, rows))
            return await asyncio.to_thread(respond, answer, result, ids)  # JSON written off it

        app.post(
            f"/v1/{name}",
            summary=doc,
            dependencies=[Depends(authorized)],
            openapi_extra=_ROWS_BODY,
        )(endpoint)

    # Query parameters are not refused here: a probe's cache-buster must not read as a dead
    # server.
    @app.get("/healthz", summary="Liveness: the model is loaded and the server answers.")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "model": type(model).__name__}

    @app.get("/v1/model", summary="The model: class, parameters, features, labels, version.")
    async def describe(request: Request, _: None = Depends(authorized)) -> dict[str, Any]:
        refuse_query(request, inputs="no inputs")
        return {**served.describe(), "limits": limits.__dict__}

    # HEAD as GET without the body (RFC 9110): load balancers probe with it (it was 405). Kept
    # out of the OpenAPI schema, where a second operation of one function had a duplicate id.
    for path, answer in (("/healthz", healthz), ("/v1/model", describe)):
        app.head(path, include_in_schema=False)(answer)

    docs = {
        "encode": "Latent codes of the rows (posterior means for VAEs).",
        "reconstruct": "The rows passed through the autoencoder, on their scale.",
        "score": "Per-row score, higher = more normal (log-likelihood; detector: score_samples).",
        "predict": "Detector: anomaly flag, probability, score and top features per row.",
    }
    for name in served.endpoints:
        if name != "generate":
            rows_endpoint(name, docs[name])

    if served.generative:

        @app.post(
            "/v1/generate",
            summary="New samples (of one label for a ConditionalVAE).",
            openapi_extra=_GENERATE_BODY,
            responses={422: {"description": "A body that is not {n, label, seed}, said."}},
        )
        async def generate(request: Request, _: None = Depends(authorized)) -> Response:
            # the body read here, after the key: FastAPI's own reading of a model's body came
            # first, and answered a compressed one 400 with no reason
            refuse_query(request)
            answer = answer_type(request.headers.get("accept"))
            refuse_npy_of_text(answer, "generates")
            refuse_encoded(request.headers.getlist("content-encoding"))
            kind = media_type(request.headers.get("content-type"))
            if kind != JSON:
                raise BodyError(415, f"Content-Type {kind!r} is not supported; send {JSON}.")
            spec = generate_request(
                await read_body(request, limits.max_body_bytes, limits.timeout_s)
            )
            if spec.n > limits.max_rows:
                raise BodyError(
                    413,
                    f"n={spec.n} exceeds the limit of {limits.max_rows} rows per request; "
                    "ask for fewer, or start the server with a larger --max-rows.",
                )
            call = functools.partial(
                served.generate,
                spec.n,
                spec.label,
                spec.seed,
                spec.draw,
                spec.label_prior,
                spec.clip,
            )
            return await asyncio.to_thread(respond, answer, await infer(call))

    def absent_endpoint(name: str) -> None:
        """An endpoint this kind of model lacks says so, and names those it has: a bare
        "Not Found" read as a wrong URL or a server down (user review)."""
        paths = ", ".join(f"/v1/{n}" for n in served.endpoints)

        async def absent(_: None = Depends(authorized)) -> Response:
            raise BodyError(
                404,
                f"this model ({type(model).__name__}) has no /v1/{name}; its endpoints are "
                f"{paths} (GET /v1/model describes it).",
            )

        app.post(f"/v1/{name}", include_in_schema=False)(absent)

    for name in ("encode", "reconstruct", "score", "predict", "generate"):
        if name not in served.endpoints:
            absent_endpoint(name)

    @app.exception_handler(BodyError)
    async def refused(request: Request, err: BodyError) -> JSONResponse:
        # a body that did not all come (408) may still come: it must not be read as the next
        # request on this connection
        headers = {"connection": "close"} if err.status == 408 else None
        return JSONResponse({"detail": str(err)}, status_code=err.status, headers=headers)

    @app.exception_handler(ValueError)
    @app.exception_handler(TypeError)
    async def invalid(request: Request, err: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=422)  # the Python API's message

    @app.exception_handler(Exception)
    async def failed(request: Request, err: Exception) -> JSONResponse:
        # One line, no traceback: Starlette re-raises what reaches this handler, and the
        # server (uvicorn: "Exception in ASGI application") logs its traceback after it.
        log.error("%s %s failed: %s: %s", request.method, request.url.path, type(err).__name__, err)
        return JSONResponse({"detail": "internal server error (see the server's log)."}, 500)

    return app
