"""How the server reads a request before its rows: the body within the size and time limits,
and no query parameter an endpoint does not take. Each refusal is a :class:`BodyError` whose
message names the server option that raises the limit."""

from __future__ import annotations

import asyncio

from fastapi import Request

from aekit.serve.bodies import BodyError


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes (declared or sent), and
    with 408 when no part of it came for ``timeout_s`` seconds: a client that declared 100
    bytes and stopped sending held its connection, and the server's shutdown, forever. (A
    deadline on the whole body refused slow but steady uploads.) Each message names the server
    option that raises the limit."""
    message = (
        f"the request body exceeds the limit of {limit} bytes ({limit / 2**20:g} MiB); "
        "send fewer rows per request, or start the server with a larger --max-body-mb."
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyError(413, message)
    chunks: list[bytes] = []
    size = 0
    stream = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(anext(stream), timeout_s)
        except StopAsyncIteration:
            return b"".join(chunks)
        except TimeoutError:
            of = f" of the {declared} declared" if declared.isdigit() else ""
            raise BodyError(
                408,
                f"no part of the request body came for {timeout_s:g} s ({size} bytes{of} had "
                "come); send the whole body, or start the server with a larger --timeout.",
            ) from None
        size += len(chunk)
        if size > limit:
            raise BodyError(413, message)
        chunks.append(chunk)


def refuse_query(
    request: Request, taken: tuple[str, ...] = (), inputs: str = "its inputs in the JSON body"
) -> None:
    """422 for a query parameter the endpoint does not take (``taken`` are those it does):
    ``/v1/score?lable=7`` scored the rows without their label, and ``/v1/generate?label=7``
    drew samples of every label, both without a word."""
    import difflib

    repeated = [name for name in taken if len(request.query_params.getlist(name)) > 1]
    if repeated:  # ?label=1&label=2 took one of them
        raise BodyError(422, f"?{repeated[0]}= is given more than once; give it once.")
    unknown = [name for name in request.query_params if name not in taken]
    if not unknown:
        return
    close = difflib.get_close_matches(unknown[0], taken, n=1)
    meant = f" (did you mean {close[0]!r}?)" if close else ""
    query = f", and only {', '.join(f'?{n}=' for n in taken)} in the query" if taken else ""
    raise BodyError(
        422,
        f"{request.url.path} takes no query parameter {unknown[0]!r}{meant}; it takes "
        f"{inputs}{query}.",
    )
