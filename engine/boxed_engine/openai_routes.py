"""OpenAI-compatible `/v1/models`, `/v1/completions`, `/v1/chat/completions` over the engine's scheduler, so
evaluation and test-time scaling talk to the engine as they talk to vLLM. Parameters and their semantics follow
vLLM's `vllm/entrypoints/openai/protocol.py` and `serving_completion.py` (echo, prompt_logprobs,
return_tokens_as_token_ids, a wrong `model` → 404); docs/engine-protocol.md lists where boxed differs."""

from collections.abc import Callable

from fastapi import FastAPI
from starlette.responses import Response

from boxed_engine.batching import check_ids, check_length
from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.limits import Limits
from boxed_engine.openai_prompt import prompt_logprobs_field, score_prompts
from boxed_engine.openai_schemas import ChatCompletionRequest, CommonCompletionFields, CompletionRequest
from boxed_engine.openai_stream import StreamPlan, chat_stream_plan, completion_stream_plan, stream_response
from boxed_engine.openai_text import Rendering, TextTools, chat_logprobs, completion_logprobs, envelope, stop_list
from boxed_engine.routing import json_route
from boxed_engine.sampling import SampledSequence, SamplingOptions

DEFAULT_MAX_TOKENS = 16  # OpenAI's default for /v1/completions


def sampling_options(engine: Engine, request: CommonCompletionFields, max_tokens: int, top_logprobs: int) -> SamplingOptions:
    bias = {}
    for key, value in (request.logit_bias or {}).items():
        if not key.lstrip("-").isdigit() or not 0 <= int(key) < engine.vocab_size:
            raise EngineError(f"logit_bias key {key!r} is not a token id in [0, {engine.vocab_size})", param="logit_bias")
        bias[int(key)] = max(-100.0, min(100.0, value))  # OpenAI's range
    return SamplingOptions(
        max_tokens, 1.0 if request.temperature is None else request.temperature,
        1.0 if request.top_p is None else request.top_p, max(0, request.top_k or 0), top_logprobs,
        min_p=request.min_p, repetition_penalty=request.repetition_penalty, min_tokens=request.min_tokens,
        ignore_eos=request.ignore_eos, presence_penalty=request.presence_penalty,
        frequency_penalty=request.frequency_penalty, logit_bias=bias)


def prepare(engine: Engine, limits: Limits, prompts: list[list[int]], request: CommonCompletionFields,
            max_tokens: int) -> set[int]:
    """Checks the prompts and the request's token ids; returns its stop_token_ids."""
    limits.check_sampling(len(prompts), request.n, max_tokens, "n")
    for index, prompt in enumerate(prompts):
        if not prompt:
            raise EngineError("the prompt is empty", param="prompt")
        check_ids(prompt, engine.vocab_size, "prompt")
        check_length(len(prompt) + max_tokens, engine.max_context, "max_tokens" if index == 0 else "prompt")
    if request.min_tokens > max_tokens:
        raise EngineError(f"min_tokens {request.min_tokens} exceeds max_tokens {max_tokens}", param="min_tokens")
    if request.stream_options is not None and not request.stream:
        raise EngineError("stream_options needs stream: true", param="stream_options")
    check_ids(request.stop_token_ids or [], engine.vocab_size, "stop_token_ids")
    return set(request.stop_token_ids or [])


def usage(prompts: list[list[int]], sequences: list[SampledSequence]) -> dict:
    """Each prompt counts once, however many samples it has (as vLLM and OpenAI count n > 1)."""
    prompt_tokens = sum(len(prompt) for prompt in prompts)
    completion_tokens = sum(len(sequence.tokens) for sequence in sequences)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def token_ids_field(request, sequence: SampledSequence) -> dict:
    """vLLM's `return_token_ids` (vllm/entrypoints/openai/protocol.py): the choice's generated token ids."""
    return {"token_ids": list(sequence.tokens)} if request.return_token_ids else {}


def completion_prompts(tools: TextTools, prompt) -> list[list[int]]:
    if isinstance(prompt, str):
        return [tools.encode(prompt)]
    if prompt and all(isinstance(item, int) for item in prompt):
        return [list(prompt)]
    return [tools.encode(item) if isinstance(item, str) else list(item) for item in prompt]


def default_max_tokens(engine: Engine, prompt: list[int]) -> int:
    """Chat's default max_tokens: the rest of the context (as vLLM); a prompt that fills it is a 400."""
    room = engine.max_context - len(prompt)
    if room < 1:
        raise EngineError(f"the prompt has {len(prompt)} tokens and leaves no room in the model's context length "
                          f"{engine.max_context}", param="messages")
    return room


class OpenAIRoutes:
    def __init__(self, engine: Engine, sampler, limits: Limits, served_names: Callable[[], list[str]]):
        self.engine, self.sampler, self.limits, self.served_names = engine, sampler, limits, served_names
        self.tools = TextTools(engine)

    def model(self, requested: str | None) -> str:
        """The served name a request asked for; any other name is vLLM's 404 (an absent one means the first)."""
        names = self.served_names()
        if not requested:
            return names[0]
        if requested not in names:
            raise EngineError(f"The model `{requested}` does not exist (served: {', '.join(names)})",
                              status=404, param="model", kind="NotFoundError")
        return requested

    def rendering(self, request: CommonCompletionFields) -> Rendering:
        return Rendering(self.tools, stop_list(request.stop), request.skip_special_tokens,
                         request.include_stop_str_in_output, request.return_tokens_as_token_ids)

    def sample(self, prompts, request, options, rendering, cancel, stop_ids, build: Callable,
               stream_plan: Callable[..., StreamPlan] | None) -> dict | Response:
        """All samples at once (`build` makes the JSON body) or as an event stream (`stream_plan`)."""
        run = (lambda on_step: self.sampler.run(prompts, request.n, options, request.seed, stop_ids,
                                                rendering.stop_checker(), on_step))
        if not request.stream:
            return build(run(lambda _: cancel.is_set()))
        plan = stream_plan(rows=len(prompts) * request.n, hold=rendering.hold(), decode=rendering.decode,
                           finish_text=rendering.finish, usage=lambda sequences: usage(prompts, sequences),
                           include_usage=bool(request.stream_options and request.stream_options.include_usage))
        return stream_response(plan, run)

    def completions(self, request: CompletionRequest, cancel) -> dict | Response:
        request.log_ignored("/v1/completions")
        model = self.model(request.model)
        prompts = completion_prompts(self.tools, request.prompt)
        max_tokens = DEFAULT_MAX_TOKENS if request.max_tokens is None else request.max_tokens
        prompt_top = request.prompt_logprobs if request.prompt_logprobs is not None else (
            request.logprobs if request.echo and request.logprobs is not None else None)
        if max_tokens == 0 and not (request.echo or prompt_top is not None):
            raise EngineError("max_tokens 0 needs echo or prompt_logprobs (scoring the prompt)", param="max_tokens")
        if request.stream and (request.echo or prompt_top is not None):
            raise EngineError("echo and prompt_logprobs are not supported with stream: true", param="stream")
        stop_ids = prepare(self.engine, self.limits, prompts, request, max_tokens)
        rendering = self.rendering(request)
        options = sampling_options(self.engine, request, max_tokens, request.logprobs or 0)
        scored = score_prompts(self.engine, prompts, prompt_top or 0) if prompt_top is not None else None

        def build(sequences: list[SampledSequence]) -> dict:
            choices = []
            for index, sequence in enumerate(sequences):
                prompt_index = index // request.n
                text, reason = rendering.finish(sequence)
                if request.echo:
                    text = rendering.decode(prompts[prompt_index]) + text
                choice = {"index": index, "text": text, "finish_reason": reason,
                          "logprobs": self.completion_logprobs(request, rendering, prompts[prompt_index],
                                                               scored[prompt_index] if scored else None, sequence),
                          **token_ids_field(request, sequence)}
                if request.prompt_logprobs is not None:
                    choice["prompt_logprobs"] = prompt_logprobs_field(rendering, prompts[prompt_index], scored[prompt_index])
                choices.append(choice)
            return {**envelope("text_completion", "cmpl", model), "choices": choices, "usage": usage(prompts, sequences)}

        plan = completion_stream_plan(rendering, model, request.logprobs is not None)
        return self.sample(prompts, request, options, rendering, cancel, stop_ids, build, plan)

    @staticmethod
    def completion_logprobs(request: CompletionRequest, rendering: Rendering, prompt: list[int], scored,
                            sequence: SampledSequence) -> dict | None:
        """Generated tokens' log-probs; with echo the prompt's come first (its first token has none, as vLLM)."""
        if request.logprobs is None:
            return None
        tops = sequence.top_logprobs if request.logprobs > 0 else [None] * len(sequence.tokens)
        if not request.echo:
            return completion_logprobs(rendering, sequence.tokens, sequence.logprobs, tops if request.logprobs else [])
        prompt_values, prompt_tops, _ = scored
        prompt_tops = prompt_tops if request.logprobs > 0 else [None] * len(prompt)
        return completion_logprobs(rendering, prompt + sequence.tokens, prompt_values + sequence.logprobs,
                                   prompt_tops + tops if request.logprobs > 0 else [])

    def chat_completions(self, request: ChatCompletionRequest, cancel) -> dict | Response:
        request.log_ignored("/v1/chat/completions")
        model = self.model(request.model)
        prompts = [self.tools.render_chat([{"role": m.role, "content": m.text()} for m in request.messages])]
        max_tokens = request.max_completion_tokens or request.max_tokens or default_max_tokens(self.engine, prompts[0])
        stop_ids = prepare(self.engine, self.limits, prompts, request, max_tokens)
        if request.prompt_logprobs is not None and request.stream:
            raise EngineError("prompt_logprobs is not supported with stream: true", param="stream")
        rendering = self.rendering(request)
        top = (request.top_logprobs or 0) if request.logprobs else 0
        options = sampling_options(self.engine, request, max_tokens, top)
        scored = score_prompts(self.engine, prompts, request.prompt_logprobs) if request.prompt_logprobs is not None else None

        def build(sequences: list[SampledSequence]) -> dict:
            choices = []
            for index, sequence in enumerate(sequences):
                text, reason = rendering.finish(sequence)
                choices.append({"index": index, "message": {"role": "assistant", "content": text},
                                "logprobs": chat_logprobs(rendering, sequence) if request.logprobs else None,
                                "finish_reason": reason, **token_ids_field(request, sequence)})
            body = {**envelope("chat.completion", "chatcmpl", model), "choices": choices,
                    "usage": usage(prompts, sequences)}
            if scored is not None:  # vLLM puts the prompt's log-probs on the response, not a choice
                body["prompt_logprobs"] = prompt_logprobs_field(rendering, prompts[0], scored[0])
            return body

        plan = chat_stream_plan(rendering, model, request.logprobs)
        return self.sample(prompts, request, options, rendering, cancel, stop_ids, build, plan)


def add_openai_routes(app: FastAPI, engine: Engine, sampler, limits: Limits, base_names: list[str]) -> None:
    def served_names() -> list[str]:
        """The base names, then the LoRA adapter loaded with /v1/load_lora_adapter (weight_sync.py), as vLLM."""
        adapter = getattr(getattr(app.state, "weight_sync", None), "adapter", None)
        return base_names + ([adapter] if adapter else [])

    routes = OpenAIRoutes(engine, sampler, limits, served_names)

    @app.get("/v1/models")
    def models():
        cards = [{"id": name, "object": "model", "created": 0, "owned_by": "boxed", "root": str(engine.options.model),
                  "max_model_len": engine.max_context} for name in served_names()]
        return {"object": "list", "data": cards}

    json_route(app, "/v1/completions", CompletionRequest, cancellable=True)(routes.completions)
    json_route(app, "/v1/chat/completions", ChatCompletionRequest, cancellable=True)(routes.chat_completions)
