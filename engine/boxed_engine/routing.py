"""Fast JSON routes: bodies parsed and validated in one pass by pydantic-core (Rust), responses written by
its serializer; the handler runs in a worker thread so sampling and training do not block the event loop.
While it runs, the endpoint listens for the client's `http.disconnect` (ASGI) and sets the request's `cancel`
event, so a non-streamed sampling request whose client went away stops decoding at the next step.
(FastAPI's default path runs `json.loads` then validation then `json.dumps`, ~5–10× slower on the
large token and log-prob arrays of this protocol.)"""

import asyncio
import threading
from collections.abc import Callable

from pydantic import BaseModel, ValidationError
from pydantic_core import to_json
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from boxed_engine.errors import EngineError, internal


class FastJSONResponse(Response):
    media_type = "application/json"

    def render(self, content) -> bytes:
        return to_json(content, inf_nan_mode="null")


def describe_errors(errors: list[dict]) -> tuple[str, str | None]:
    """One readable clause per validation error, naming the field (`data.0.weights.1: Input should be ...`)."""
    messages, first_param = [], None
    for item in errors:
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        first_param = first_param or location or None
        messages.append(f"{location or 'body'}: {item.get('msg')}")
    return "; ".join(messages), first_param


def parse_body(schema: type[BaseModel], raw: bytes) -> BaseModel:
    try:
        return schema.model_validate_json(raw or b"{}")
    except ValidationError as error:
        message, param = describe_errors(error.errors())
        raise EngineError(message, param=param) from None


async def until_disconnected(request: Request, cancel: threading.Event) -> None:
    """Sets `cancel` when the client disconnects (the body has been read, so the next message is the disconnect)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
    cancel.set()


async def run_watched(request: Request, handler: Callable, body: BaseModel, cancel: threading.Event):
    work = asyncio.ensure_future(run_in_threadpool(handler, body, cancel))
    watcher = asyncio.ensure_future(until_disconnected(request, cancel))
    try:
        return await work
    finally:
        watcher.cancel()


def json_route(app: Starlette, path: str, schema: type[BaseModel], *, cancellable: bool = False) -> Callable:
    """Registers `handler(body) -> dict | Response` as `POST path` with `schema` as its body (a Response, e.g. a
    server-sent event stream, is sent as it is). `cancellable`: the handler is `handler(body, cancel)` and
    `cancel` (threading.Event) is set when the client has gone. Every exception becomes an error response, so
    the connection is never dropped."""
    def register(handler: Callable[..., dict | Response]) -> Callable:
        call = handler if cancellable else (lambda body, _: handler(body))

        async def endpoint(request: Request) -> Response:
            try:
                body = parse_body(schema, await request.body())
                result = await run_watched(request, call, body, threading.Event())
            except Exception as error:  # reported to the client, never a dropped connection
                return internal(error).response()
            return result if isinstance(result, Response) else FastJSONResponse(result)

        app.add_route(path, endpoint, methods=["POST"], name=handler.__name__)
        return handler

    return register
