"""Fast JSON routes: bodies parsed and validated in one pass by pydantic-core (Rust), responses written by
its serializer; the handler runs in a worker thread so sampling and training do not block the event loop.
(FastAPI's default path runs `json.loads` then validation then `json.dumps`, ~5–10× slower on the
large token and log-prob arrays of this protocol.)"""

from collections.abc import Callable

from pydantic import BaseModel, ValidationError
from pydantic_core import to_json
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from boxed_engine.errors import EngineError


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


def json_route(app: Starlette, path: str, schema: type[BaseModel]) -> Callable:
    """Registers `handler(body) -> dict | Response` as `POST path` with `schema` as its body (a Response, e.g.
    a server-sent event stream, is sent as it is)."""
    def register(handler: Callable[[BaseModel], dict | Response]) -> Callable:
        async def endpoint(request: Request) -> Response:
            body = parse_body(schema, await request.body())
            result = await run_in_threadpool(handler, body)
            return result if isinstance(result, Response) else FastJSONResponse(result)

        app.add_route(path, endpoint, methods=["POST"], name=handler.__name__)
        return handler

    return register
