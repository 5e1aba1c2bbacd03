"""OpenAI-compatible `/v1/models`, `/v1/completions`, `/v1/chat/completions` over the engine's sampler,
so evaluation and test-time scaling talk to the engine as they talk to vLLM or SGLang."""

import time
import uuid
from collections.abc import Callable
from functools import partial

from fastapi import FastAPI
from starlette.responses import Response

from boxed_engine.batching import check_ids, check_length
from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.openai_schemas import ChatCompletionRequest, CommonCompletionFields, CompletionRequest
from boxed_engine.openai_stream import StreamPlan, stream_response
from boxed_engine.routing import json_route
from boxed_engine.sampling import SampledSequence, SamplingOptions

DEFAULT_MAX_TOKENS = 16  # OpenAI's default for /v1/completions


class TextTools:
    """Decoding and chat-template rendering with the model's own tokenizer files."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._chat_tokenizer = None

    def tokenizer(self):
        if self.engine.tokenizer is None:
            raise EngineError("the model directory has no tokenizer.json; the OpenAI routes need one", status=501)
        return self.engine.tokenizer

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer().decode(ids, skip_special_tokens=True)

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

    def stop_strings_checker(self, stops: list[str]):
        def should_stop(_: int, sequence: SampledSequence) -> bool:
            text = self.decode(sequence.tokens)
            return any(stop in text for stop in stops)

        return should_stop if stops else None

    def finish(self, sequence: SampledSequence, stops: list[str]) -> tuple[str, str]:
        """(text, finish_reason): the text is cut before the first stop string."""
        text = self.decode(sequence.tokens)
        cut = min((text.find(stop) for stop in stops if stop in text), default=-1)
        if cut >= 0:
            return text[:cut], "stop"
        return text, sequence.stop_reason


def stop_list(stop: str | list[str] | None) -> list[str]:
    stops = [stop] if isinstance(stop, str) else list(stop or [])
    if len(stops) > 16 or any(not item for item in stops):
        raise EngineError("stop must be up to 16 non-empty strings", param="stop")
    return stops


def prepare(engine: Engine, tools: TextTools, prompts: list[list[int]], request: CommonCompletionFields,
            max_tokens: int, top_logprobs: int) -> tuple[list[list[int]], SamplingOptions, list[str]]:
    """Checks the prompts and returns (rows: each prompt n times, sampling options, stop strings)."""
    for index, prompt in enumerate(prompts):
        if not prompt:
            raise EngineError("the prompt is empty", param="prompt")
        check_ids(prompt, engine.vocab_size, "prompt")
        check_length(len(prompt) + max_tokens, engine.max_context, "max_tokens" if index == 0 else "prompt")
    if request.stream_options is not None and not request.stream:
        raise EngineError("stream_options needs stream: true", param="stream_options")
    rows = [prompt for prompt in prompts for _ in range(request.n)]
    options = SamplingOptions(max_tokens, request.temperature, request.top_p, request.top_k, top_logprobs)
    return rows, options, stop_list(request.stop)


def respond(engine: Engine, sampler, tools: TextTools, prompts: list[list[int]], request: CommonCompletionFields,
            max_tokens: int, top_logprobs: int, build: Callable[[list[SampledSequence], list[str]], dict],
            stream_plan: Callable[..., StreamPlan]) -> dict | Response:
    """Samples all rows: at once (`build` makes the JSON body) or as an event stream (`stream_plan`)."""
    rows, options, stops = prepare(engine, tools, prompts, request, max_tokens, top_logprobs)
    checker = tools.stop_strings_checker(stops)
    if not request.stream:
        return build(sampler.run(rows, options, request.seed, set(), checker), stops)
    plan = stream_plan(
        rows=len(rows), hold=max((len(stop) for stop in stops), default=1) - 1, decode=tools.decode,
        finish_text=lambda sequence: tools.finish(sequence, stops),
        usage=lambda sequences: usage(prompts, request.n, sequences),
        include_usage=bool(request.stream_options and request.stream_options.include_usage))
    return stream_response(plan, lambda on_step: sampler.run(rows, options, request.seed, set(), checker, on_step))


def usage(prompts: list[list[int]], n: int, sequences: list[SampledSequence]) -> dict:
    prompt_tokens = sum(len(prompt) for prompt in prompts)
    completion_tokens = sum(len(sequence.tokens) for sequence in sequences)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens * n + completion_tokens}


def token_ids_field(request, sequence: SampledSequence) -> dict:
    """vLLM's `return_token_ids` (vllm/entrypoints/openai/protocol.py): the choice's generated token ids."""
    return {"token_ids": list(sequence.tokens)} if request.return_token_ids else {}


def completion_prompts(tools: TextTools, prompt) -> list[list[int]]:
    if isinstance(prompt, str):
        return [tools.encode(prompt)]
    if prompt and all(isinstance(item, int) for item in prompt):
        return [list(prompt)]
    return [tools.encode(item) if isinstance(item, str) else list(item) for item in prompt]


def completion_logprobs(tools: TextTools, sequence: SampledSequence, as_ids: bool = False) -> dict:
    """The legacy completions shape: tokens, token_logprobs, top_logprobs (token → logprob), text_offset.
    `as_ids`: tokens as "token_id:<id>" (vLLM's return_tokens_as_token_ids, serving_completion.py)."""
    tokens = [f"token_id:{token}" if as_ids else tools.decode([token]) for token in sequence.tokens]
    offsets, position = [], 0
    for token in tokens:
        offsets.append(position)
        position += len(token)
    alternatives = [{tools.decode([i]): value for i, value in step} for step in sequence.top_logprobs] or None
    return {"tokens": tokens, "token_logprobs": sequence.logprobs, "top_logprobs": alternatives, "text_offset": offsets}


def chat_logprob_step(tools: TextTools, sequence: SampledSequence, step: int) -> dict:
    def entry(token: int, logprob: float) -> dict:
        text = tools.decode([token])
        return {"token": text, "logprob": logprob, "bytes": list(text.encode("utf-8"))}

    alternatives = sequence.top_logprobs[step] if step < len(sequence.top_logprobs) else []
    return {**entry(sequence.tokens[step], sequence.logprobs[step]),
            "top_logprobs": [entry(i, value) for i, value in alternatives]}


def chat_logprobs(tools: TextTools, sequence: SampledSequence) -> dict:
    return {"content": [chat_logprob_step(tools, sequence, step) for step in range(len(sequence.tokens))]}


def envelope(kind: str, prefix: str, model: str) -> dict:
    return {"id": f"{prefix}-{uuid.uuid4().hex}", "object": kind, "created": int(time.time()), "model": model}


def chat_stream_plan(tools: TextTools, model: str, logprobs: bool) -> Callable[..., StreamPlan]:
    """Chunks `chat.completion.chunk`: a role delta, content deltas with `logprobs.content` per token, finish."""
    def choice(index: int, delta: dict, logprobs_field: dict | None = None, reason: str | None = None) -> dict:
        return {"index": index, "delta": delta, "logprobs": logprobs_field, "finish_reason": reason}

    def token_choice(index: int, text: str, sequence: SampledSequence | None) -> dict:
        step = [chat_logprob_step(tools, sequence, len(sequence.tokens) - 1)] if logprobs and sequence else None
        return choice(index, {"content": text}, {"content": step} if step else None)

    return partial(StreamPlan, envelope=envelope("chat.completion.chunk", "chatcmpl", model),
                   first_choice=lambda index: choice(index, {"role": "assistant", "content": ""}),
                   token_choice=token_choice, finish_choice=lambda index, reason: choice(index, {}, None, reason),
                   logprobs=logprobs)


def completion_stream_plan(tools: TextTools, model: str, logprobs: bool) -> Callable[..., StreamPlan]:
    """Chunks `text_completion`: text pieces, with the legacy logprobs of their token when asked, finish."""
    offsets: dict[int, int] = {}

    def token_choice(index: int, text: str, sequence: SampledSequence | None) -> dict:
        field = None
        if logprobs and sequence:
            token, offset = tools.decode(sequence.tokens[-1:]), offsets.get(index, 0)
            offsets[index] = offset + len(token)
            alternatives = [{tools.decode([i]): value for i, value in sequence.top_logprobs[-1]}] \
                if sequence.top_logprobs else None
            field = {"tokens": [token], "token_logprobs": sequence.logprobs[-1:], "top_logprobs": alternatives,
                     "text_offset": [offset]}
        return {"index": index, "text": text, "logprobs": field, "finish_reason": None}

    return partial(StreamPlan, envelope=envelope("text_completion", "cmpl", model), first_choice=None,
                   token_choice=token_choice, logprobs=logprobs,
                   finish_choice=lambda index, reason: {"index": index, "text": "", "logprobs": None,
                                                        "finish_reason": reason})


def add_openai_routes(app: FastAPI, engine: Engine, sampler) -> None:
    tools = TextTools(engine)
    model_name = engine.options.model.name

    @app.get("/v1/models")
    def models():
        return {"object": "list", "data": [{"id": model_name, "object": "model", "created": 0, "owned_by": "boxed"}]}

    @json_route(app, "/v1/completions", CompletionRequest)
    def completions(request: CompletionRequest) -> dict | Response:
        prompts = completion_prompts(tools, request.prompt)
        max_tokens = request.max_tokens or DEFAULT_MAX_TOKENS
        model = request.model or model_name

        def build(sequences: list[SampledSequence], stops: list[str]) -> dict:
            choices = []
            for index, sequence in enumerate(sequences):
                text, reason = tools.finish(sequence, stops)
                logprobs = (completion_logprobs(tools, sequence, request.return_tokens_as_token_ids)
                            if request.logprobs is not None else None)
                choices.append({"index": index, "text": text, "logprobs": logprobs, "finish_reason": reason,
                                **token_ids_field(request, sequence)})
            return {**envelope("text_completion", "cmpl", model), "choices": choices,
                    "usage": usage(prompts, request.n, sequences)}

        plan = completion_stream_plan(tools, model, request.logprobs is not None)
        return respond(engine, sampler, tools, prompts, request, max_tokens, request.logprobs or 0, build, plan)

    @json_route(app, "/v1/chat/completions", ChatCompletionRequest)
    def chat_completions(request: ChatCompletionRequest) -> dict | Response:
        prompts = [tools.render_chat([{"role": m.role, "content": m.text()} for m in request.messages])]
        max_tokens = request.max_completion_tokens or request.max_tokens or (engine.max_context - len(prompts[0]))
        top = (request.top_logprobs or 0) if request.logprobs else 0
        model = request.model or model_name

        def build(sequences: list[SampledSequence], stops: list[str]) -> dict:
            choices = []
            for index, sequence in enumerate(sequences):
                text, reason = tools.finish(sequence, stops)
                choices.append({"index": index, "message": {"role": "assistant", "content": text},
                                "logprobs": chat_logprobs(tools, sequence) if request.logprobs else None,
                                "finish_reason": reason, **token_ids_field(request, sequence)})
            return {**envelope("chat.completion", "chatcmpl", model), "choices": choices,
                    "usage": usage(prompts, request.n, sequences)}

        plan = chat_stream_plan(tools, model, request.logprobs)
        return respond(engine, sampler, tools, prompts, request, max_tokens, top, build, plan)
