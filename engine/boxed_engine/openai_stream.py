"""`stream: true` for the OpenAI routes: server-sent events in OpenAI's chunk format — `data: {…}\\n\\n` per
decoding step (one chunk per generated token of each choice), each choice's `finish_reason` in its last
chunk, a usage chunk (`choices: []`) when `stream_options.include_usage`, then `data: [DONE]`.

The sampler (the same batched decode loop as non-streaming requests) runs in its own thread and hands each
step to the event loop through a queue, so decoding never waits on a slow reader and never holds one of the
worker threads training calls use. When the client disconnects, Starlette cancels the response's generator
(ASGI 2.3: it listens for `http.disconnect`); the generator's `finally` sets a flag that the decode loop
reads after every step (sampling.StepListener), so a dead request stops decoding at the next step.
"""

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from pydantic_core import to_json
from starlette.responses import StreamingResponse

from boxed_engine.errors import EngineError
from boxed_engine.openai_text import Rendering, chat_logprob_step, envelope
from boxed_engine.sampling import SampledSequence, StepListener

DONE = b"data: [DONE]\n\n"


def sse(payload: dict) -> bytes:
    return b"data: " + to_json(payload, inf_nan_mode="null") + b"\n\n"


class RowText:
    """The text of one choice sent so far. Byte-level tokens may end inside a UTF-8 character, so pending
    tokens are committed only once they decode without a trailing U+FFFD; the last `hold` characters stay
    back so that no part of a stop string is sent (the final text is cut before it, as without streaming)."""

    def __init__(self, hold: int):
        self.hold, self.start, self.committed, self.sent = hold, 0, "", 0

    def advance(self, decode: Callable[[list[int]], str], tokens: list[int]) -> str:
        piece = decode(tokens[self.start:])
        if not piece.endswith("\ufffd"):
            self.committed, self.start = self.committed + piece, len(tokens)
        end = max(self.sent, len(self.committed) - self.hold)
        delta, self.sent = self.committed[self.sent:end], end
        return delta

    def rest(self, final_text: str) -> str:
        return final_text[self.sent:]


@dataclass
class StreamPlan:
    """What differs between chat and legacy completions, plus the request's text rules."""
    envelope: dict  # id, object, created, model
    first_choice: Callable[[int], dict] | None  # (index) → opening choice (chat: the assistant role)
    token_choice: Callable[[int, str, SampledSequence | None], dict]  # (index, text, sequence with logprobs)
    finish_choice: Callable[[int, str], dict]  # (index, finish_reason) → the choice's last chunk
    decode: Callable[[list[int]], str]
    finish_text: Callable[[SampledSequence], tuple[str, str]]  # (text cut at stop strings, finish_reason)
    usage: Callable[[list[SampledSequence]], dict]
    rows: int
    hold: int  # longest stop string − 1
    logprobs: bool
    include_usage: bool


def write_stream(plan: StreamPlan, sample: Callable[[StepListener], list[SampledSequence]],
                 put: Callable[[bytes | None], None], cancel: threading.Event) -> None:
    """Runs in the sampler thread: samples with a per-step listener and puts the encoded events."""
    texts = [RowText(plan.hold) for _ in range(plan.rows)]
    finished = [False] * plan.rows
    usage_field = {"usage": None} if plan.include_usage else {}

    def chunk(choice: dict) -> bytes:
        return sse({**plan.envelope, "choices": [choice], **usage_field})

    def finish(row: int, sequence: SampledSequence) -> list[bytes]:
        text, reason = plan.finish_text(sequence)
        rest, finished[row] = texts[row].rest(text), True
        return ([chunk(plan.token_choice(row, rest, None))] if rest else []) + [chunk(plan.finish_choice(row, reason))]

    def on_step(stepped: list[tuple[int, SampledSequence]]) -> bool:
        if cancel.is_set():
            return True
        events = []
        for row, sequence in stepped:
            # A row that stops here may have a stop string inside this token: its text comes cut, from finish().
            delta = texts[row].advance(plan.decode, sequence.tokens) if sequence.stop_reason != "stop" else ""
            if delta or plan.logprobs:
                events.append(chunk(plan.token_choice(row, delta, sequence)))
            if sequence.stop_reason == "stop":
                events += finish(row, sequence)
        if events:
            put(b"".join(events))
        return False

    try:
        if plan.first_choice is not None:
            put(b"".join(chunk(plan.first_choice(row)) for row in range(plan.rows)))
        sequences = sample(on_step)
        if cancel.is_set():
            return
        events = [event for row, sequence in enumerate(sequences) if not finished[row] for event in finish(row, sequence)]
        if plan.include_usage:
            events.append(sse({**plan.envelope, "choices": [], "usage": plan.usage(sequences)}))
        put(b"".join(events) + DONE)
    except Exception as error:  # the status line is sent already: report the error as an event
        failure = error if isinstance(error, EngineError) else EngineError(
            f"{type(error).__name__}: {error}", status=500, kind="internal_error")
        put(sse(failure.body()) + DONE)
    finally:
        put(None)


def stream_response(plan: StreamPlan, sample: Callable[[StepListener], list[SampledSequence]]) -> StreamingResponse:
    """The event stream; decoding starts when the response starts and stops when the client goes away."""
    cancel = threading.Event()

    async def events():
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        def put(item: bytes | None) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the event loop is closed (shutdown): nobody reads any more
                cancel.set()

        threading.Thread(target=write_stream, args=(plan, sample, put, cancel), daemon=True,
                         name="boxed-engine-stream").start()
        try:
            while (item := await queue.get()) is not None:
                yield item
        finally:
            cancel.set()

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache", "x-accel-buffering": "no"})


def chat_stream_plan(rendering: Rendering, model: str, logprobs: bool) -> Callable[..., StreamPlan]:
    """Chunks `chat.completion.chunk`: a role delta, content deltas with `logprobs.content` per token, finish."""
    def choice(index: int, delta: dict, logprobs_field: dict | None = None, reason: str | None = None) -> dict:
        return {"index": index, "delta": delta, "logprobs": logprobs_field, "finish_reason": reason}

    def token_choice(index: int, text: str, sequence: SampledSequence | None) -> dict:
        step = [chat_logprob_step(rendering, sequence, len(sequence.tokens) - 1)] if logprobs and sequence else None
        return choice(index, {"content": text}, {"content": step} if step else None)

    return partial(StreamPlan, envelope=envelope("chat.completion.chunk", "chatcmpl", model),
                   first_choice=lambda index: choice(index, {"role": "assistant", "content": ""}),
                   token_choice=token_choice, finish_choice=lambda index, reason: choice(index, {}, None, reason),
                   logprobs=logprobs)


def completion_stream_plan(rendering: Rendering, model: str, logprobs: bool) -> Callable[..., StreamPlan]:
    """Chunks `text_completion`: text pieces, with the legacy logprobs of their token when asked, finish."""
    offsets: dict[int, int] = {}

    def token_choice(index: int, text: str, sequence: SampledSequence | None) -> dict:
        field = None
        if logprobs and sequence:
            token, offset = sequence.tokens[-1], offsets.get(index, 0)
            offsets[index] = offset + len(rendering.decode([token]))
            alternatives = [{rendering.token(i): value for i, value in sequence.top_logprobs[-1]}] \
                if sequence.top_logprobs else None
            field = {"tokens": [rendering.token(token)], "token_logprobs": sequence.logprobs[-1:],
                     "top_logprobs": alternatives, "text_offset": [offset]}
        return {"index": index, "text": text, "logprobs": field, "finish_reason": None}

    return partial(StreamPlan, envelope=envelope("text_completion", "cmpl", model), first_choice=None,
                   token_choice=token_choice, logprobs=logprobs,
                   finish_choice=lambda index, reason: {"index": index, "text": "", "logprobs": None,
                                                        "finish_reason": reason})
