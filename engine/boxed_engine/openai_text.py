"""Text for the OpenAI routes: decoding and chat rendering with the model's tokenizer, stop strings, and the
log-prob shapes of both APIs (tokens as text, or as "token_id:N" with vLLM's `return_tokens_as_token_ids`)."""

import time
import uuid
from dataclasses import dataclass

from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.sampling import SampledSequence


class TextTools:
    """Decoding and chat-template rendering with the model's own tokenizer files."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._chat_tokenizer = None

    def tokenizer(self):
        if self.engine.tokenizer is None:
            raise EngineError("the model directory has no tokenizer.json; the OpenAI routes need one", status=501)
        return self.engine.tokenizer

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        return self.tokenizer().decode(ids, skip_special_tokens=skip_special_tokens)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer().encode(text, add_special_tokens=False).ids

    def render_chat(self, messages: list[dict]) -> list[int]:
        if self._chat_tokenizer is None:
            from transformers import AutoTokenizer

            self._chat_tokenizer = AutoTokenizer.from_pretrained(self.engine.options.model)
        if not getattr(self._chat_tokenizer, "chat_template", None):
            raise EngineError("the model's tokenizer_config.json has no chat_template", param="messages")
        text = self._chat_tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return self.encode(text)


@dataclass
class Rendering:
    """How one request turns tokens into text (vLLM's skip_special_tokens, include_stop_str_in_output,
    return_tokens_as_token_ids)."""
    tools: TextTools
    stops: list[str]
    skip_special_tokens: bool = True
    include_stop: bool = False
    as_ids: bool = False

    def decode(self, ids: list[int]) -> str:
        return self.tools.decode(ids, self.skip_special_tokens)

    def token(self, token: int) -> str:
        """One token as the log-prob fields show it; special tokens are shown even when skipped in the text."""
        return f"token_id:{token}" if self.as_ids else self.tools.decode([token], skip_special_tokens=False)

    def stop_checker(self):
        def should_stop(_: int, sequence: SampledSequence) -> bool:
            text = self.decode(sequence.tokens)
            return any(stop in text for stop in self.stops)

        return should_stop if self.stops else None

    def finish(self, sequence: SampledSequence) -> tuple[str, str]:
        """(text, finish_reason): the text ends before the first stop string (or after it, include_stop)."""
        text = self.decode(sequence.tokens)
        found = [(text.find(stop), stop) for stop in self.stops if stop in text]
        if found:
            cut, stop = min(found)
            return text[:cut + len(stop) * self.include_stop], "stop"
        return text, sequence.stop_reason

    def hold(self) -> int:
        """Characters a stream holds back so that no part of a stop string is sent (none with include_stop)."""
        return 0 if self.include_stop else max((len(stop) for stop in self.stops), default=1) - 1


def stop_list(stop: str | list[str] | None) -> list[str]:
    stops = [stop] if isinstance(stop, str) else list(stop or [])
    if len(stops) > 16 or any(not item for item in stops):
        raise EngineError("stop must be up to 16 non-empty strings", param="stop")
    return stops


def completion_logprobs(rendering: Rendering, tokens: list[int], logprobs: list[float | None],
                        top: list[list[tuple[int, float]] | None], offset: int = 0) -> dict:
    """The legacy completions shape: tokens, token_logprobs, top_logprobs (token → logprob), text_offset."""
    texts = [rendering.token(token) for token in tokens]
    offsets, position = [], offset
    for token in tokens:
        offsets.append(position)
        position += len(rendering.decode([token]))
    alternatives = [None if step is None else {rendering.token(i): value for i, value in step} for step in top]
    return {"tokens": texts, "token_logprobs": logprobs, "top_logprobs": alternatives or None, "text_offset": offsets}


def chat_logprob_step(rendering: Rendering, sequence: SampledSequence, step: int) -> dict:
    def entry(token: int, logprob: float) -> dict:
        text = rendering.token(token)
        return {"token": text, "logprob": logprob, "bytes": list(text.encode("utf-8"))}

    alternatives = sequence.top_logprobs[step] if step < len(sequence.top_logprobs) else []
    return {**entry(sequence.tokens[step], sequence.logprobs[step]),
            "top_logprobs": [entry(i, value) for i, value in alternatives]}


def chat_logprobs(rendering: Rendering, sequence: SampledSequence) -> dict:
    return {"content": [chat_logprob_step(rendering, sequence, step) for step in range(len(sequence.tokens))]}


def envelope(kind: str, prefix: str, model: str) -> dict:
    return {"id": f"{prefix}-{uuid.uuid4().hex}", "object": kind, "created": int(time.time()), "model": model}
