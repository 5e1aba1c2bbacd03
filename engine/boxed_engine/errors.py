"""The engine's error type: every failure becomes OpenAI's `{"error": {message, type, param, code}}` with a
4xx/5xx status (`code` is the HTTP status, as vLLM's ErrorResponse has it)."""

from starlette.responses import JSONResponse


class EngineError(Exception):
    """An error reported to the client; `status` is the HTTP status, `param` the offending argument."""

    def __init__(self, message: str, *, status: int = 400, param: str | None = None, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.param = param
        self.kind = kind

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.status}}

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def internal(error: Exception) -> EngineError:
    """An unexpected exception as a 500 that names it."""
    return error if isinstance(error, EngineError) else EngineError(f"{type(error).__name__}: {error}", status=500,
                                                                    kind="internal_error")
