"""The hooks `python -m boxed_engine` calls; each is a no-op outside torchrun.

    torchrun --nproc-per-node 2 -m boxed_engine --model DIR            # one machine, 2 ranks
    torchrun --nnodes 2 --node-rank R --rdzv-endpoint HOST:PORT --nproc-per-node 8 -m boxed_engine ...
"""

import argparse
import dataclasses
import os
import sys
import threading
from pathlib import Path

import torch.distributed as dist
from starlette.responses import JSONResponse

from boxed_engine.distributed.checkpoint import export_gathered, load_sharded, save_sharded
from boxed_engine.distributed.coordinator import Coordinator, serve_operations
from boxed_engine.distributed.operations import Operations
from boxed_engine.distributed.sharding import DTYPE_POLICIES, local_bytes, shard_model
from boxed_engine.distributed.world import World, start_world, under_torchrun
from boxed_engine.errors import EngineError

# The routes that run on every rank; any other POST route answers 501 under torchrun (weight sync, say:
# it would load weights into rank 0's shards only).
DISTRIBUTED_ROUTES = ("/sample", "/logprobs", "/forward_backward", "/forward", "/backward", "/optim_step",
                      "/zero_grad", "/save_state", "/load_state", "/export")
SERVER_SAMPLING_ROUTES = ("/v1/completions", "/v1/chat/completions")  # sample on rank 0 through Sampler.run


def start(arguments: argparse.Namespace) -> World | None:
    """Under torchrun: joins the process group and picks this rank's device; else None."""
    if not under_torchrun():
        return None
    if arguments.collective_timeout <= 0:
        raise SystemExit("--collective-timeout must be positive")
    return start_world(arguments.device, arguments.sharding, arguments.collective_timeout)


def engine_options(world: World | None, options):
    """Each rank on its own device; master weights in float32 (the dtype option becomes FSDP's compute dtype)."""
    if world is None:
        return options
    return dataclasses.replace(options, device=str(world.device), dtype="float32")


def distribute(world: World | None, engine, arguments: argparse.Namespace):
    """Shards the engine's modules and returns the create_app hook (None in one process)."""
    if world is None:
        return None
    shard_model(engine.model, world, arguments.dtype, arguments.activation_checkpointing)
    if engine.reference is not None:
        shard_model(engine.reference, world, arguments.dtype, False)
    engine.sampling_generator.manual_seed(engine.options.seed + world.rank)  # ranks draw different streams
    engine.distributed = describe(world, engine, arguments)
    return Dispatch(world, engine)


def describe(world: World, engine, arguments: argparse.Namespace) -> dict:
    """The `distributed` field of /info."""
    compute, reduce = DTYPE_POLICIES[arguments.dtype]
    per_rank = [None] * world.world_size
    dist.all_gather_object(per_rank, local_bytes(engine.model, None)["parameter_bytes"])
    return {
        "world_size": world.world_size, "ranks_per_node": world.local_world_size, "nodes": world.nodes,
        "backend": dist.get_backend(), "sharding": f"fsdp2-{world.sharding}",
        "dtype_policy": {"master": "float32", "compute": str(compute).removeprefix("torch."),
                         "reduce": str(reduce).removeprefix("torch.")},
        "activation_checkpointing": arguments.activation_checkpointing,
        "collective_timeout_s": arguments.collective_timeout,
        "rank_parameter_bytes": per_rank,
    }


class Dispatch:
    """server.create_app's `dispatch` hook: rank 0's handlers become coordinator calls."""

    def __init__(self, world: World, engine):
        self.world, self.engine = world, engine
        self.operations: Operations | None = None

    def __call__(self, routes: dict, trainer, sampler) -> dict:
        engine = self.engine
        handlers = {path: handler for path, (_, handler) in routes.items()}
        custom = {"/save_state": lambda body: save_sharded(engine, trainer, Path(body.path)),
                  "/load_state": lambda body: load_sharded(engine, trainer, Path(body.path)),
                  "/export": lambda body: export_gathered(engine, Path(body.path))}
        self.operations = Operations(self.world, engine, trainer, handlers, custom)
        coordinator = Coordinator(self.world, self.operations)
        if self.world.is_server:
            run = sampler.run
            # the OpenAI routes sample through this: rank 0 alone, on gathered weights, inside one operation
            sampler.run = lambda *args, **kwargs: coordinator.call_on_server(lambda: run(*args, **kwargs))
        return {path: (schema, bound(coordinator.call if path in DISTRIBUTED_ROUTES else refuse, path))
                for path, (schema, _) in routes.items()}

    def guard(self, app) -> None:
        """POST routes registered outside server.py's table, and not known to be safe, answer 501."""
        for route in app.router.routes:
            path, methods = getattr(route, "path", ""), getattr(route, "methods", None) or set()
            if "POST" in methods and path not in DISTRIBUTED_ROUTES + SERVER_SAMPLING_ROUTES:
                route.app = refusal(path)

    def serve_workers(self, exit_with_parent: bool) -> None:
        if exit_with_parent:
            threading.Thread(target=exit_at_eof, name="exit-with-parent", daemon=True).start()
        serve_operations(self.world, self.operations)


def bound(function, path: str):
    """`function(path, body)` as a named route handler (routing.json_route names routes after handlers)."""
    def handler(body):
        return function(path, body)

    handler.__name__ = path.strip("/").replace("/", "_")
    return handler


def refuse(path: str, _body) -> dict:
    raise EngineError(f"{path} is not available when the engine runs on several ranks under torchrun; "
                      f"distributed routes: {', '.join(DISTRIBUTED_ROUTES)}", status=501, kind="not_implemented")


def refusal(path: str):
    async def respond(scope, receive, send) -> None:
        try:
            refuse(path, None)
        except EngineError as error:
            await JSONResponse(error.body(), status_code=error.status)(scope, receive, send)

    return respond


def exit_at_eof() -> None:
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)
