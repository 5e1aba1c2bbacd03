"""The engine's error type: every bad request becomes `{"error": {message, type, param}}` with a 4xx status."""


class EngineError(Exception):
    """An error reported to the client; `status` is the HTTP status, `param` the offending argument."""

    def __init__(self, message: str, *, status: int = 400, param: str | None = None, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.param = param
        self.kind = kind

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param}}
