"""FastAPI application serving engine protocol v2 (docs/engine-protocol.md) and the OpenAI-compatible API."""

import threading
from pathlib import Path

import torch
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from boxed_engine import PROTOCOL_VERSION
from boxed_engine.batching import check_data, check_ids, check_length, micro_batches
from boxed_engine.checkpoint import export_model, load_state, save_state
from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError, internal
from boxed_engine.guard import Guard
from boxed_engine.limits import Limits, confine
from boxed_engine.openai_routes import add_openai_routes
from boxed_engine.routing import describe_errors, json_route
from boxed_engine.sampling import SamplingOptions
from boxed_engine.scheduler import Scheduler
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
        return error.response()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        message = f"{request.method} {request.url.path}: {error.detail}"
        kind = "not_found_error" if error.status_code == 404 else "invalid_request_error"
        return EngineError(message, status=error.status_code, kind=kind).response(error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        message, param = describe_errors(error.errors())
        return JSONResponse(EngineError(message, param=param).body(), status_code=400)

    @app.exception_handler(Exception)
    async def internal_error(_: Request, error: Exception) -> JSONResponse:
        return internal(error).response()


def sample_route(engine: Engine, sampler: Scheduler, request: SampleRequest, limits: Limits,
                 cancel: threading.Event | None) -> dict:
    params = request.sampling_params
    limits.check_sampling(len(request.prompts), request.num_samples, params.max_tokens, "num_samples")
    for index, prompt in enumerate(request.prompts):
        if not prompt:
            raise EngineError("a prompt needs at least one token", param=f"prompts[{index}]")
        check_ids(prompt, engine.vocab_size, f"prompts[{index}]")
        check_length(len(prompt) + params.max_tokens, engine.max_context, f"prompts[{index}]")
    check_ids(params.stop_token_ids, engine.vocab_size, "sampling_params.stop_token_ids")
    options = SamplingOptions(params.max_tokens, params.temperature, params.top_p, params.top_k)
    sequences = sampler.run(request.prompts, request.num_samples, options, params.seed, set(params.stop_token_ids),
                            on_step=cancel and (lambda _: cancel.is_set()))
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


def forward_route(trainer: Trainer, data: list, temperature: float, max_tokens: int) -> dict:
    """`/forward` keeps its graphs until `/backward`: at most `max_tokens` tokens over all handles (oldest evicted)."""
    tokens = sum(len(datum.tokens) for datum in data)
    if tokens > max_tokens:
        raise EngineError(f"/forward of {tokens} tokens exceeds the {max_tokens} tokens its handles may hold "
                          "(--max-forward-tokens); use /forward_backward for large batches", param="data")
    while trainer.pending and tokens + sum(sum(p.lengths) for p in trainer.pending.values()) > max_tokens:
        trainer.pending.pop(next(iter(trainer.pending)))
    return trainer.forward(data, temperature)


def create_app(engine: Engine, *, token: str | None, limits: Limits, served_names: list[str] | None = None,
               dispatch=None) -> FastAPI:
    """The engine's app; `token` None serves without authentication (the CLI allows that on loopback only);
    `served_names`: the names `/v1/models` lists and the OpenAI routes accept (default: the model folder's name)."""
    app = FastAPI(title="boxed_engine", version=str(PROTOCOL_VERSION))
    trainer, sampler = Trainer(engine), Scheduler(engine)
    app.state.engine, app.state.trainer, app.state.sampler = engine, trainer, sampler
    add_error_handlers(app)
    app.add_middleware(Guard, token=token, max_body_bytes=limits.max_body_bytes)

    def training(function):
        with engine.training_lock:
            return function()

    def path(body: PathRequest) -> Path:
        return confine(body.path, limits.state_dirs, engine.options.model)

    app.get("/health")(lambda: {"status": "ok", "protocol": PROTOCOL_VERSION})
    app.get("/info")(lambda: engine.info())
    routes = {
        "/sample": (SampleRequest, lambda body: sample_route(engine, sampler, body, limits, None)),
        "/logprobs": (LogprobsRequest, lambda body: logprobs_route(engine, body)),
        "/forward_backward": (ForwardBackwardRequest,
                              lambda body: training(lambda: trainer.forward_backward(body.data, body.temperature))),
        "/forward": (ForwardRequest, lambda body: training(
            lambda: forward_route(trainer, body.data, body.temperature, limits.max_forward_tokens))),
        "/backward": (BackwardRequest,
                      lambda body: training(lambda: trainer.backward(body.handle, body.weights, body.entropy_weights))),
        "/optim_step": (OptimStepRequest,
                        lambda body: training(lambda: trainer.optim_step(body.adam_params, body.grad_clip_norm))),
        "/zero_grad": (EmptyRequest, lambda _: training(trainer.zero_grad)),
        "/save_state": (PathRequest, lambda body: training(lambda: save_state(engine, trainer, path(body)))),
        "/load_state": (PathRequest, lambda body: training(lambda: load_state(engine, trainer, path(body)))),
        "/export": (PathRequest, lambda body: training(lambda: export_model(engine, path(body)))),
    }
    if dispatch is not None:  # under torchrun: rank 0 sends each operation to every rank (distributed/launch.py)
        routes = dispatch(routes, trainer, sampler)
        for route in ("/save_state", "/load_state", "/export"):  # ranks get the path rank 0 confined
            schema, handler = routes[route]
            routes[route] = (schema, lambda body, handler=handler: handler(body.model_copy(update={"path": str(path(body))})))
    else:  # one process: a /sample whose client disconnects stops decoding
        routes.pop("/sample")
        json_route(app, "/sample", SampleRequest, cancellable=True)(
            lambda body, cancel: sample_route(engine, sampler, body, limits, cancel))
    for route, (schema, handler) in routes.items():
        json_route(app, route, schema)(handler)
    add_openai_routes(app, engine, sampler, limits, served_names or [engine.options.model.name])
    add_weight_sync_routes(app, engine, limits)
    return app
