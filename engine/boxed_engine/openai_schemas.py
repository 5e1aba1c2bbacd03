"""Request bodies of the OpenAI-compatible API (the subset boxed uses; unknown fields are rejected)."""

from typing import Literal

from pydantic import Field

from boxed_engine.schemas import Strict


class StreamOptions(Strict):
    include_usage: bool = False


class CommonCompletionFields(Strict):
    model: str | None = None
    n: int = Field(default=1, ge=1, le=1024)
    temperature: float = Field(default=1.0, ge=0)
    top_p: float = Field(default=1.0, gt=0, le=1)
    top_k: int = Field(default=0, ge=0)  # extension, as vLLM
    max_tokens: int | None = Field(default=None, ge=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = None
    return_token_ids: bool = False  # vLLM extra (protocol.py): each choice carries its `token_ids`


class CompletionRequest(CommonCompletionFields):
    prompt: str | list[str] | list[int] | list[list[int]]
    logprobs: int | None = Field(default=None, ge=0, le=20)
    echo: Literal[False] = False
    return_tokens_as_token_ids: bool = False  # vLLM extra: logprobs tokens as "token_id:<id>"


class TextPart(Strict):
    type: Literal["text"]
    text: str


class ChatMessage(Strict):
    role: str
    content: str | list[TextPart]

    def text(self) -> str:
        """The content as one string (OpenAI also allows a list of text parts)."""
        return self.content if isinstance(self.content, str) else "".join(part.text for part in self.content)


class ChatCompletionRequest(CommonCompletionFields):
    messages: list[ChatMessage] = Field(min_length=1)
    logprobs: bool = False
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    max_completion_tokens: int | None = Field(default=None, ge=1)
