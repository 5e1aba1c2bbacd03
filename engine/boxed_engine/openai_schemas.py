"""Request bodies of the OpenAI-compatible API. Names, defaults and bounds follow vLLM's
`vllm/entrypoints/openai/protocol.py` (CompletionRequest, ChatCompletionRequest and their "extra params"):
unknown fields are accepted and ignored, and logged once per field name (vLLM's OpenAIBaseModel does the same);
NaN and infinity are still rejected."""

import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from boxed_engine.schemas import INT64_MAX, INT64_MIN

LOGGER = logging.getLogger("boxed_engine")
_logged_fields: set[str] = set()


class Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)

    def log_ignored(self, where: str) -> None:
        """Logs each ignored field name once per process (a client sends the same body shape every time)."""
        for name in sorted(self.model_extra or {}):
            key = f"{where}.{name}"
            if key not in _logged_fields:
                _logged_fields.add(key)
                LOGGER.warning("ignoring the unsupported field %r of %s (logged once)", name, where)


class StreamOptions(Lenient):
    include_usage: bool = False


class CommonCompletionFields(Lenient):
    model: str | None = None
    n: int = Field(default=1, ge=1, le=1024)
    temperature: float | None = Field(default=None, ge=0)  # None: 1.0
    top_p: float | None = Field(default=None, gt=0, le=1)  # None: 1.0
    top_k: int | None = Field(default=None, ge=-1)  # None, 0 or -1: off (vLLM)
    min_p: float = Field(default=0.0, ge=0, le=1)
    repetition_penalty: float = Field(default=1.0, gt=0)
    presence_penalty: float = Field(default=0.0, ge=-2, le=2)
    frequency_penalty: float = Field(default=0.0, ge=-2, le=2)
    logit_bias: dict[str, float] | None = None  # token id (as a string) → added to its logit
    max_tokens: int | None = Field(default=None, ge=0)
    min_tokens: int = Field(default=0, ge=0)
    stop: str | list[str] | None = None
    stop_token_ids: list[int] | None = None
    ignore_eos: bool = False
    include_stop_str_in_output: bool = False
    skip_special_tokens: bool = True
    return_tokens_as_token_ids: bool = False  # log-prob tokens as "token_id:N"
    return_token_ids: bool = False  # each choice carries its generated `token_ids`
    prompt_logprobs: int | None = Field(default=None, ge=0, le=20)
    seed: int | None = Field(default=None, ge=INT64_MIN, le=INT64_MAX)
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = None
    return_token_ids: bool = False  # vLLM extra (protocol.py): each choice carries its `token_ids`


class CompletionRequest(CommonCompletionFields):
    prompt: str | list[str] | list[int] | list[list[int]]
    logprobs: int | None = Field(default=None, ge=0, le=20)
    echo: bool = False  # the prompt is prepended to the text (and to the log-probs, the first token's is null)


class TextPart(Lenient):
    type: Literal["text"]
    text: str


class ChatMessage(Lenient):
    role: str
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        """The content as one string (OpenAI also allows a list of text parts, or none)."""
        if self.content is None or isinstance(self.content, str):
            return self.content or ""
        return "".join(part.text for part in self.content)


class ChatCompletionRequest(CommonCompletionFields):
    messages: list[ChatMessage] = Field(min_length=1)
    logprobs: bool = False
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    max_completion_tokens: int | None = Field(default=None, ge=1)
