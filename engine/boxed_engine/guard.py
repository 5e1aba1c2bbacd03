"""The gate every request passes before any route (ASGI middleware, so unknown paths are covered too):
the bearer token, then a JSON content type for requests with a body, then the body size limit.

Token: `Authorization: Bearer <token>`, the scheme case-insensitive (RFC 9110 §11.1), the token compared in
constant time (hmac.compare_digest). A JSON content type is what a web page cannot send without a CORS
preflight (Fetch standard, "CORS-safelisted request-header"), so a page cannot post blind requests to a loopback engine.
"""

import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from boxed_engine.errors import EngineError

BODY_METHODS = {"POST", "PUT", "PATCH"}


def bearer_token(headers: dict[bytes, bytes]) -> bytes | None:
    scheme, _, value = headers.get(b"authorization", b"").strip().partition(b" ")
    return value.strip() if scheme.lower() == b"bearer" and value.strip() else None


def is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))


class Guard:
    def __init__(self, app: ASGIApp, *, token: str | None, max_body_bytes: int):
        self.app = app
        self.token = token.encode() if token else None
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        refusal = self.refusal(scope["method"], headers)
        if refusal is not None:
            return await refusal.response({"www-authenticate": "Bearer"} if refusal.status == 401 else None)(
                scope, receive, send)
        await self.app(scope, self.limited(receive), send)

    def refusal(self, method: str, headers: dict[bytes, bytes]) -> EngineError | None:
        if self.token is not None:
            given = bearer_token(headers)
            if given is None or not hmac.compare_digest(given, self.token):
                return EngineError("missing or wrong bearer token (send `Authorization: Bearer <token>`)",
                                   status=401, kind="authentication_error")
        if method in BODY_METHODS and not is_json(headers.get(b"content-type", b"")):
            shown = headers.get(b"content-type", b"none").decode("latin-1")
            return EngineError(f"the body must be JSON (Content-Type: application/json), got {shown}", status=415,
                               param="content-type")
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body_bytes:
            return self.too_large()
        return None

    def too_large(self) -> EngineError:
        return EngineError(f"the body exceeds the engine's limit of {self.max_body_bytes} bytes (--max-body-bytes)",
                           status=413, param="body")

    def limited(self, receive: Receive) -> Receive:
        """Counts body bytes as they arrive (chunked bodies have no content-length) and stops at the limit."""
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise self.too_large()  # an EngineError: the app's handler answers 413
            return message

        return wrapped
