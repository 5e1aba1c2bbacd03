"""FastAPI application serving engine protocol v1 (docs/engine-protocol.md) and the OpenAI-compatible API."""

import threading
from pathlib import Path

import torch
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from boxed_engine import PROTOCOL_VERSION
from boxed_engine.batching import check_data, check_ids, check_length, micro_batches
from boxed_engine.checkpoint import export_model, load_state, save_state
from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.openai_routes import add_openai_routes
from boxed_engine.routing import describe_errors, json_route
from boxed_engine.sampling import SampledSequence, SamplingOptions, sample_sequences
from boxed_engine.schemas import (
    BackwardRequest, EmptyRequest, ForwardBackwardRequest, ForwardRequest, LogprobsRequest, OptimStepRequest,
    PathRequest, SampleRequest,
)
from boxed_engine.scoring import score_batch, unpad
from boxed_engine.training import Trainer
from boxed_engine.weight_sync import add_weight_sync_routes


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EngineError)
    async def engine_error(_: Request, error: EngineError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        message, param = describe_errors(error.errors())
        return JSONResponse(EngineError(message, param=param).body(), status_code=400)

    @app.exception_handler(Exception)
    async def internal_error(_: Request, error: Exception) -> JSONResponse:
        body = EngineError(f"{type(error).__name__}: {error}", status=500, kind="internal_error").body()
        return JSONResponse(body, status_code=500)


def add_auth(app: FastAPI, token: str | None) -> None:
    if not token:
        return

    @app.middleware("http")
    async def require_token(request: Request, call_next):
        if request.headers.get("authorization") != f"Bearer {token}":
            body = EngineError("missing or wrong bearer token", status=401, kind="authentication_error").body()
            return JSONResponse(body, status_code=401)
        return await call_next(request)


SAMPLE_BUDGET_FACTOR = 16  # sampling keeps no activations for backward, so it affords more tokens per chunk


class Sampler:
    """Runs sampling requests one at a time (they share the RNG), beside training calls."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.lock = threading.Lock()

    def run(self, prompts: list[list[int]], options: SamplingOptions, seed: int | None, stop_ids: set[int],
            stop_checker=None, on_step=None):
        """Rows decode together, in chunks of at most SAMPLE_BUDGET_FACTOR × token_budget cached tokens.
        `on_step(rows)` (sampling.StepListener, rows indexed over all prompts) is called per step and may cancel."""
        engine = self.engine
        generator = torch.Generator().manual_seed(seed) if seed is not None else engine.sampling_generator
        width = max(len(prompt) for prompt in prompts) + options.max_tokens
        chunk = max(1, engine.options.token_budget * SAMPLE_BUDGET_FACTOR // width)
        sequences, cancelled = [], [False]
        with self.lock, engine.weights_lock.reading(), engine.autocast():
            for start in range(0, len(prompts), chunk):
                checker = stop_checker and (lambda row, sequence, offset=start: stop_checker(row + offset, sequence))
                sequences += sample_sequences(engine.model, prompts[start:start + chunk], options,
                                              stop_ids=engine.stop_ids | stop_ids, pad_id=engine.pad_id,
                                              generator=generator, device=engine.device, stop_checker=checker,
                                              on_step=self.step_listener(start, on_step, cancelled))
                if cancelled[0]:
                    sequences += [SampledSequence(stop_reason="cancelled") for _ in prompts[len(sequences):]]
                    break
        return sequences

    def step_listener(self, offset: int, on_step, cancelled: list[bool]):
        """Counts generated tokens (`/info` → generated_tokens) and forwards steps with global row numbers."""
        def listener(rows: list) -> bool:
            self.engine.generated_tokens += len(rows)
            cancelled[0] = bool(on_step and on_step([(row + offset, sequence) for row, sequence in rows]))
            return cancelled[0]

        return listener


def sample_route(engine: Engine, sampler: Sampler, request: SampleRequest) -> dict:
    params = request.sampling_params
    for index, prompt in enumerate(request.prompts):
        if not prompt:
            raise EngineError("a prompt needs at least one token", param=f"prompts[{index}]")
        check_ids(prompt, engine.vocab_size, f"prompts[{index}]")
        check_length(len(prompt) + params.max_tokens, engine.max_context, f"prompts[{index}]")
    check_ids(params.stop_token_ids, engine.vocab_size, "sampling_params.stop_token_ids")
    rows = [prompt for prompt in request.prompts for _ in range(request.num_samples)]
    options = SamplingOptions(params.max_tokens, params.temperature, params.top_p, params.top_k)
    sequences = sampler.run(rows, options, params.seed, set(params.stop_token_ids))
    samples = [
        [{"tokens": s.tokens, "logprobs": s.logprobs, "stop_reason": s.stop_reason}
         for s in sequences[i * request.num_samples:(i + 1) * request.num_samples]]
        for i in range(len(request.prompts))
    ]
    return {"samples": samples}


def logprobs_route(engine: Engine, request: LogprobsRequest) -> dict:
    check_data(request.data, engine.vocab_size, engine.max_context)
    data = request.data
    logprobs: list[list[float]] = [[] for _ in data]
    entropies: list[list[float]] = [[] for _ in data]
    with torch.no_grad(), engine.scoring_model(request.model) as model, engine.autocast():
        for group in micro_batches([len(d.tokens) for d in data], engine.options.token_budget):
            rows = [data[index] for index in group]
            lengths = [len(row.tokens) for row in rows]
            logprobs_B_T, entropies_B_T, _ = score_batch(model, [r.tokens for r in rows], [r.target_tokens for r in rows],
                                                         engine.device, with_entropy=request.entropy,
                                                         temperature=request.temperature)
            for index, values in zip(group, unpad(logprobs_B_T, lengths), strict=True):
                logprobs[index] = values
            if entropies_B_T is not None:
                for index, values in zip(group, unpad(entropies_B_T, lengths), strict=True):
                    entropies[index] = values
    return {"logprobs": logprobs, "entropies": entropies} if request.entropy else {"logprobs": logprobs}


def create_app(engine: Engine, token: str | None = None, dispatch=None) -> FastAPI:
    app = FastAPI(title="boxed_engine", version=str(PROTOCOL_VERSION))
    trainer, sampler = Trainer(engine), Sampler(engine)
    app.state.engine, app.state.trainer, app.state.sampler = engine, trainer, sampler
    add_error_handlers(app)
    add_auth(app, token)

    def training(function):
        with engine.training_lock:
            return function()

    app.get("/health")(lambda: {"status": "ok", "protocol": PROTOCOL_VERSION})
    app.get("/info")(lambda: engine.info())
    routes = {
        "/sample": (SampleRequest, lambda body: sample_route(engine, sampler, body)),
        "/logprobs": (LogprobsRequest, lambda body: logprobs_route(engine, body)),
        "/forward_backward": (ForwardBackwardRequest,
                              lambda body: training(lambda: trainer.forward_backward(body.data, body.temperature))),
        "/forward": (ForwardRequest, lambda body: training(lambda: trainer.forward(body.data, body.temperature))),
        "/backward": (BackwardRequest,
                      lambda body: training(lambda: trainer.backward(body.handle, body.weights, body.entropy_weights))),
        "/optim_step": (OptimStepRequest,
                        lambda body: training(lambda: trainer.optim_step(body.adam_params, body.grad_clip_norm))),
        "/zero_grad": (EmptyRequest, lambda _: training(trainer.zero_grad)),
        "/save_state": (PathRequest, lambda body: training(lambda: save_state(engine, trainer, Path(body.path)))),
        "/load_state": (PathRequest, lambda body: training(lambda: load_state(engine, trainer, Path(body.path)))),
        "/export": (PathRequest, lambda body: training(lambda: export_model(engine, Path(body.path)))),
    }
    if dispatch is not None:  # under torchrun: rank 0 sends each operation to every rank (distributed/launch.py)
        routes = dispatch(routes, trainer, sampler)
    for path, (schema, handler) in routes.items():
        json_route(app, path, schema)(handler)
    add_openai_routes(app, engine, sampler)
    add_weight_sync_routes(app, engine)
    return app
